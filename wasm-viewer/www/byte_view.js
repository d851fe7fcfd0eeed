// The byte view: every byte of one connection, offset | hex | ASCII, in the order the WebSocket
// messages went over the wire (the chunk layer), coloured by the frame the kit's decoder put it
// in (the frame layer): length-prefix bytes strong, payload bytes soft, blue client → server,
// orange server → client. A dark bar marks where a frame starts; under each chunk, a note for
// each frame that starts in it ("00 00 00 0c → length 12").
//
// Offsets count from the start of each direction's stream, and rows are aligned to them, so a
// frame that continues in the next chunk continues in the same column.

import { kFrameHeaderBytes } from './codec.js';
import {
  Direction, asciiChar, directionArrow, directionLabel, el, formatClock, formatDelta, hex2,
  hexBytes, hexOffset, plural, quotePayload,
} from './dom.js';
import { ByteRole } from './wire.js';

// A chunk longer than this many rows shows its first rows only; each "show more" adds
// kMoreRows. (A 1 MiB message would be 2 million elements at once.)
const kCollapsedRows = 24;
const kMoreRows = 256;

// view: {
//   filter: {c2s: bool, s2c: bool}     directions shown
//   selection: {direction, frame} | null
//   focus: {direction, offset} | null  the byte clicked last
//   step: {direction, fed} | null       step mode: bytes [0, fed) of that stream are fed
//   bytesPerRow: 8 or 16
//   expanded: Map of "dir:chunk" key -> rows shown beyond the first kCollapsedRows
// }
export function renderByteView(container, conversation, view) {
  const scrollTop = container.scrollTop;
  container.replaceChildren();
  if (!conversation) {
    container.append(el('p', { className: 'placeholder',
                               text: 'No connection yet. Send a message or refresh the history.' }));
    return;
  }
  const items = orderedChunks(conversation).filter(({ direction }) => view.filter[direction]);
  if (items.length === 0) {
    const any = conversation.streams.c2s.chunks.length + conversation.streams.s2c.chunks.length;
    container.append(el('p', {
      className: 'placeholder',
      text: any === 0 ? 'No bytes yet on this connection.'
                      : 'No bytes in the direction shown: see the filter above.',
    }));
    return;
  }
  const fragment = document.createDocumentFragment();
  for (const { direction, chunk } of items) {
    fragment.append(renderChunk(conversation, direction, chunk, view));
  }
  container.append(fragment);
  container.scrollTop = scrollTop;
}

// Both directions' chunks in the order they went over the wire.
function orderedChunks(conversation) {
  const all = [];
  for (const direction of [Direction.clientToServer, Direction.serverToClient]) {
    for (const chunk of conversation.streams[direction].chunks) all.push({ direction, chunk });
  }
  return all.sort((a, b) => a.chunk.time - b.chunk.time);
}

function renderChunk(conversation, direction, chunk, view) {
  const stream = conversation.streams[direction];
  const key = `${direction}:${chunk.index}`;
  const block = el('div', { className: `chunk ${direction}`, dataset: { dir: direction, chunk: chunk.index } });
  block.id = `chunk-${key.replace(':', '-')}`;
  block.append(el('div', {
    className: 'chunk-head',
    children: [
      `${directionArrow(direction)} ${directionLabel(direction)} · WebSocket message ` +
      `${chunk.index + 1} · ${plural(chunk.bytes.length, 'byte')}`,
      el('span', { className: 'time',
                   text: `${formatClock(chunk.time)} ${formatDelta(chunk.time - conversation.startedAt)}` }),
    ],
  }));

  const perRow = view.bytesPerRow;
  const first = chunk.start;
  const end = chunk.start + chunk.bytes.length;
  const firstRow = Math.floor(first / perRow) * perRow;
  const totalRows = Math.ceil((end - firstRow) / perRow);
  const step = view.step && view.step.direction === direction ? view.step : null;
  let rows = Math.min(totalRows, kCollapsedRows + (view.expanded.get(key) ?? 0));
  if (step && step.fed - 1 >= first && step.fed - 1 < end) {
    // Step mode's cursor is always shown.
    rows = Math.max(rows, Math.floor((step.fed - 1 - firstRow) / perRow) + 1);
  }
  const collapsed = rows < totalRows;
  const selected = view.selection && view.selection.direction === direction ? view.selection.frame : -1;
  const focus = view.focus && view.focus.direction === direction ? view.focus.offset : -1;

  for (let r = 0; r < rows; ++r) {
    const rowStart = firstRow + r * perRow;
    const hex = el('span', { className: 'hex' });
    const ascii = el('span', { className: 'ascii' });
    for (let i = 0; i < perRow; ++i) {
      const offset = rowStart + i;
      const gap = i === perRow / 2 ? ' gap8' : '';
      if (offset < first || offset >= end) {
        hex.append(el('span', { className: `b pad${gap}`, text: '  ' }));
        ascii.append(el('span', { className: 'a pad', text: ' ' }));
        continue;
      }
      const byte = chunk.bytes[offset - first];
      const frame = stream.frameAt(offset);
      const role = stream.roleAt(offset, frame);
      let classes = role === ByteRole.undecoded ? 'undecoded' : `${direction} ${role}`;
      if (frame && offset === frame.start) classes += ' fs';
      if (frame && frame.status === 'failed') classes += ' failed';
      if (frame && offset === frame.badByte) classes += ' badbyte';
      if (frame && frame.index === selected) {
        classes += ' sel';
        if (offset === frame.start || i === 0 || offset === first) classes += ' sel-start';
        if (offset === frame.end - 1 || i === perRow - 1 || offset === end - 1) classes += ' sel-end';
      }
      if (offset === focus) classes += ' focus';
      if (step) {
        if (offset >= step.fed) classes += ' unfed';
        else if (offset === step.fed - 1) classes += ' cursor';
      }
      const data = { off: offset, dir: direction, role, frame: frame ? frame.index : '' };
      const title = describeByte(offset, byte, frame, role);
      hex.append(el('span', { className: `b ${classes}${gap}`, text: hex2(byte), dataset: data, title }));
      ascii.append(el('span', { className: `a ${classes}`, text: asciiChar(byte), dataset: data, title }));
    }
    block.append(el('div', {
      className: 'row',
      children: [el('span', { className: 'offset', text: hexOffset(rowStart) }), hex, ascii],
    }));
  }
  if (collapsed) {
    const hidden = end - (firstRow + rows * perRow);
    block.append(el('button', {
      className: 'more',
      text: `show ${plural(Math.min(hidden, kMoreRows * perRow), 'more byte')} ` +
            `(${plural(hidden, 'byte')} of this message not shown)`,
      dataset: { expand: key, rows: kMoreRows },
    }));
  }
  const shownEnd = collapsed ? firstRow + rows * perRow : end;
  const notes = renderNotes(stream, chunk, selected, shownEnd);
  if (notes) block.append(notes);
  return block;
}

// Hover text for one byte: where it is and what the decoder made of it.
function describeByte(offset, byte, frame, role) {
  const where = `offset ${offset} (0x${hexOffset(offset)}): 0x${hex2(byte)}`;
  if (!frame) return `${where}, not decoded (the decoder stopped before this byte)`;
  if (role === ByteRole.length) {
    return `${where}, length byte ${offset - frame.start + 1} of 4 of frame ${frame.index + 1}`;
  }
  const payloadOffset = offset - frame.start - kFrameHeaderBytes;
  return `${where}, payload offset ${payloadOffset} of frame ${frame.index + 1} ` +
         `(${plural(frame.payloadLength, 'payload byte')})`;
}

// Notes for the frames that start in `chunk`, and for frames that started earlier and end here.
// Frames that start after `shownEnd` (a collapsed chunk) are only counted.
function renderNotes(stream, chunk, selected, shownEnd) {
  const end = chunk.start + chunk.bytes.length;
  const list = el('ul', { className: 'notes' });
  let hidden = 0;
  for (const frame of stream.frames) {
    if (frame.start >= end) break;
    const startsHere = frame.start >= chunk.start;
    const continuesHere = !startsHere && frame.lastChunk >= chunk.index;
    if (!startsHere && !continuesHere) continue;
    if (frame.start >= shownEnd) {
      ++hidden;
      continue;
    }
    list.append(startsHere ? frameNote(stream, frame, chunk, selected)
                           : continuationNote(stream, frame, chunk, selected));
  }
  if (hidden > 0) {
    list.append(el('li', { className: 'note more-frames',
                           text: `… and ${plural(hidden, 'more frame')} in the bytes not shown` }));
  }
  if (stream.failure && stream.failure.offset < end && stream.failure.offset >= chunk.start) {
    const left = stream.length - stream.failure.offset;
    if (left > 0) {
      list.append(el('li', {
        className: 'note bad',
        text: `${plural(left, 'byte')} after the failure: the decoder takes nothing more ` +
              '(grey); the receiver closes the connection',
      }));
    }
  }
  return list.childElementCount > 0 ? list : null;
}

function frameNote(stream, frame, chunk, selected) {
  const dataset = { dir: stream.direction, noteFrame: frame.index };
  const classes = `note${frame.index === selected ? ' sel' : ''}${frame.status === 'failed' ? ' bad' : ''}`;
  const parts = [`frame ${frame.index + 1}: `];
  if (frame.payloadLength === null) {
    parts.push(el('span', { className: 'nhex', text: hexBytes(frame.lengthBytes) }),
               ` → length not known yet (${frame.lengthBytes.length} of 4 length bytes)`);
  } else {
    parts.push(el('span', { className: 'nhex', text: hexBytes(frame.lengthBytes) }),
               ` → length ${frame.payloadLength}`);
  }
  if (frame.status === 'done') {
    parts.push(' · ', el('span', { className: 'text', text: quotePayload(frame.message, 48) }));
    if (frame.role) parts.push(el('span', { className: 'role', text: ` · ${frame.role}` }));
  } else if (frame.status === 'failed') {
    parts.push(` · rejected: ${frame.errorText}`);
  } else if (frame.payloadLength !== null) {
    parts.push(` · ${frame.end - frame.start - kFrameHeaderBytes} of ${frame.payloadLength} ` +
               'payload bytes so far');
  }
  if (frame.lastChunk > chunk.index || frame.status === 'partial') {
    parts.push(el('span', { className: 'role',
                            text: frame.lastChunk > chunk.index
                                ? ` · continues in message ${frame.lastChunk + 1}`
                                : ' · waiting for more bytes' }));
  }
  return el('li', { className: classes, dataset, children: parts });
}

function continuationNote(stream, frame, chunk, selected) {
  const dataset = { dir: stream.direction, noteFrame: frame.index };
  const classes = `note${frame.index === selected ? ' sel' : ''}`;
  const done = frame.lastChunk === chunk.index && frame.status !== 'partial';
  const text = `frame ${frame.index + 1} continues from message ${frame.firstChunk + 1}` +
               (done ? (frame.status === 'done' ? ` and is complete: ${quotePayload(frame.message, 40)}`
                                                : ` and is rejected: ${frame.errorText}`)
                     : ' …');
  return el('li', { className: classes, dataset, text });
}
