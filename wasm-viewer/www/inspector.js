// The frame inspector: everything about the selected frame, worked out for students. The length
// prefix as the base-256 sum it stands for, where the frame's bytes are and which WebSocket
// messages carried them, its text, and each character with its UTF-8 bytes (so that "N counts
// bytes, not characters" is visible), a stage-3 post split into time, host and message.

import { kFrameHeaderBytes } from './codec.js';
import {
  directionArrow, directionLabel, el, formatCount, hex2, hexBytes, hexOffset, plural, printableText,
  quotePayload,
} from './dom.js';

// Characters shown one by one; longer messages show the first ones.
const kMaxCharacters = 48;
const utf8 = new TextEncoder();

// `frame` is a WireFrame of `stream` or null; `focusOffset` the byte clicked, if any.
export function renderInspector(container, codec, stream, frame, focusOffset) {
  container.replaceChildren();
  if (!frame) {
    container.append(el('p', {
      className: 'placeholder',
      text: 'Click a byte or a frame note in the byte view to see its frame here.',
    }));
    return;
  }
  const direction = stream.direction;
  container.append(el('h3', {
    className: direction,
    text: `${directionArrow(direction)} Frame ${frame.index + 1}, ${directionLabel(direction)}` +
          (frame.role ? ` — ${frame.role}` : ''),
  }));

  const facts = el('dl', { className: 'facts' });
  const fact = (term, ...value) => facts.append(el('dt', { text: term }), el('dd', { children: value }));
  fact('length prefix', el('span', { className: 'mono', text: lengthSum(frame) }));
  const payloadBytes = Math.max(0, frame.end - frame.start - kFrameHeaderBytes);
  fact('stream bytes', `${frame.start}–${frame.end - 1} (0x${hexOffset(frame.start)}–0x` +
                       `${hexOffset(frame.end - 1)}): 4 length + ${plural(payloadBytes, 'payload byte')}`);
  fact('carried by', frame.firstChunk === frame.lastChunk
                         ? `WebSocket message ${frame.firstChunk + 1}`
                         : `WebSocket messages ${frame.firstChunk + 1}–${frame.lastChunk + 1} ` +
                           '(the frame spans several chunks)');
  if (focusOffset !== null && focusOffset >= frame.start && focusOffset < frame.end) {
    fact('clicked byte', describeFocus(stream, frame, focusOffset));
  }
  if (frame.status === 'failed') {
    fact('decoder', el('span', { className: 'error-text', text: `rejected: ${frame.errorText}` }));
    if (frame.badByte !== null) {
      fact('first bad byte', `0x${hex2(stream.byteAt(frame.badByte))} at stream offset ${frame.badByte} ` +
                             `(payload offset ${frame.badByte - frame.start - kFrameHeaderBytes}): not ` +
                             'part of any well-formed UTF-8 character');
    }
  } else if (frame.status === 'partial') {
    fact('decoder', 'still reading this frame: more bytes to come');
  } else {
    fact('decoder', 'frame done: valid UTF-8, handed to the program');
  }
  container.append(facts);

  if (frame.status !== 'done') return;
  const post = codec.parsePost(frame.message);
  if (post) {
    const postFacts = el('dl', { className: 'facts' });
    postFacts.append(el('dt', { text: 'post time' }), el('dd', { className: 'mono', text: post.time }),
                     el('dt', { text: 'post host' }), el('dd', { className: 'mono', text: post.host }));
    container.append(postFacts);
  }
  // Text as it is; bytes that are not printable text in hex, which says more than blank boxes.
  container.append(el('p', { className: 'message-text',
                             text: printableText(frame.message) ?? quotePayload(frame.message) }));
  container.append(characters(frame));
}

// "00 00 01 2c = 1×256 + 44 = 300", the base-256 number the four bytes stand for.
function lengthSum(frame) {
  const bytes = Array.from(frame.lengthBytes);
  if (bytes.length < kFrameHeaderBytes) {
    return `${hexBytes(bytes)} (${bytes.length} of 4 bytes so far)`;
  }
  const weights = ['256³', '256²', '256', '1'];
  const terms = bytes.map((byte, i) => ({ byte, weight: weights[i] })).filter(({ byte }) => byte !== 0);
  const length = formatCount(frame.payloadLength);
  if (terms.length <= 1 && (terms.length === 0 || terms[0].weight === '1')) {
    return `${hexBytes(bytes)} → 0x${hex2(bytes[3])} = ${length} bytes`;
  }
  const sum = terms.map(({ byte, weight }) => (weight === '1' ? `${byte}` : `${byte}×${weight}`));
  return `${hexBytes(bytes)} → ${sum.join(' + ')} = ${length} bytes`;
}

function describeFocus(stream, frame, offset) {
  const byte = stream.byteAt(offset);
  if (offset < frame.start + kFrameHeaderBytes) {
    return `0x${hex2(byte)}, length byte ${offset - frame.start + 1} of 4`;
  }
  // Payload offsets count from 0, as the kit's error texts do ("at payload byte 1").
  return `0x${hex2(byte)} at payload offset ${offset - frame.start - kFrameHeaderBytes} ` +
         `(of ${plural(frame.payloadLength, 'payload byte')})`;
}

// Each character of the message with its UTF-8 bytes; characters of more than one byte stand out.
function characters(frame) {
  const chars = Array.from(frame.text);
  const box = el('div', { className: 'chars', attrs: { 'aria-label': 'characters and their UTF-8 bytes' } });
  for (const char of chars.slice(0, kMaxCharacters)) {
    const bytes = utf8.encode(char);
    box.append(el('span', {
      className: `char${bytes.length > 1 ? ' multi' : ''}`,
      children: [el('span', { className: 'glyph', text: visible(char) }),
                 el('span', { className: 'utf8', text: hexBytes(bytes) })],
    }));
  }
  const summary = `${plural(frame.message.length, 'byte')}, ${plural(chars.length, 'character')}` +
                  (chars.length > kMaxCharacters ? ` (first ${kMaxCharacters} shown)` : '');
  return el('div', { children: [el('p', { className: 'caption', text: summary }), box] });
}

// Invisible characters get a visible stand-in.
function visible(char) {
  if (char === ' ') return '␣';
  if (char === '\n') return '⏎';
  if (char === '\t') return '⇥';
  const code = char.codePointAt(0);
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  return char;
}

