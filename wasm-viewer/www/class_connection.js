// One connection of the class view (class.js) as the feed describes it, its kept bytes decoded
// by the kit's FrameDecoder in WebAssembly (wire.js), and what its row says: its frames in
// short, how it ended, its posts and the server's diagnosis in words. Every text from the
// network reaches the document through textContent (dom.js el()).

import { Direction, el, formatCount, hexBytes, plural, printableText, quote, quotePayload } from './dom.js';
import { WireStream } from './wire.js';

const kFramesShown = 3;  // client frames listed in a row; the rest are counted
const kEmpty = new Uint8Array(0);

// Short names of the server's diagnoses, for the row's headline; the server's own sentence
// ("what") and hint follow it. An id the page does not know shows as itself, in words.
const kMistakeNames = Object.freeze({
  'little-endian-length': 'length prefix written little-endian',
  'length-counts-characters': 'length counts characters, not bytes',
  'length-as-text': 'length sent as text',
  'count-as-binary': 'a count sent as a binary number',
  'forgot-count': 'the count is missing',
  'cut-short-in-length': 'closed in the middle of the length prefix',
  'cut-short-in-payload': 'closed before the whole message',
  'length-above-limit': 'length above the server’s limit',
  'invalid-utf8': 'message is not valid UTF-8',
  'extra-frames': 'more frames than the protocol allows',
  'never-closed': 'sent its message but never closed',
  'silent': 'connected and sent nothing',
  'non-digit-count': 'a count that is not decimal digits',
  'missing-items': 'fewer items than the count said',
  'different-text': 'other text than expected',
});

// How a connection ended, as the page says it.
const kEndTexts = Object.freeze({
  'close': 'closed normally',
  'reset': 'reset by the client',
  'idle timeout': 'closed by the server: idle timeout',
  'refused': 'refused: too many connections',
  'protocol error': 'closed by the server: protocol error',
  'server stopped': 'server stopped',
});

function mistakeName(id) {
  return kMistakeNames[id] ?? String(id).replace(/-/g, ' ');
}

// base64 text -> bytes (atob is fast; the copy loop is the rest).
function fromBase64(text) {
  if (!text) return kEmpty;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; ++i) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// The number of bytes `text` (base64, padded) stands for, without decoding it.
function base64ByteLength(text) {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

// A duration for a row: "0.42 s", "12.5 s".
export function formatSeconds(ms) {
  return ms < 10000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

// One connection to the chat port, as the feed describes it, with its kept bytes decoded by the
// kit's FrameDecoder. Bytes arrive as deltas and are decoded when the page draws the row (a
// connection dropped before that is never decoded).
export class ClassConnection {
  constructor(codec, id, maxMessageBytes) {
    this.codec = codec;
    this.maxMessageBytes = maxMessageBytes;
    this.id = id;
    this.info = null;
    this.dropped = false;     // the server no longer keeps it (only the one picked stays)
    this.asked = false;       // a {type: "bytes"} request is on its way
    this.reset();
  }

  // Forgets the bytes: a fresh pair of streams (and a fresh object for the byte view, which
  // keeps its layout per object).
  reset() {
    this.dispose();
    this.wire = { streams: null, status: 'open', startedAt: this.info?.opened ?? Date.now() };
    this.pending = { c2s: [], s2c: [] };
    this.have = { c2s: 0, s2c: 0 };
    this.gap = false;
  }

  dispose() {
    if (this.wire?.streams) {
      this.wire.streams.c2s.dispose();
      this.wire.streams.s2c.dispose();
    }
  }

  get closed() {
    return this.info.closed !== null && this.info.closed !== undefined;
  }

  get problem() {
    const { diagnosis, error, end } = this.info;
    return Boolean(diagnosis || error || (end && end !== 'close' && end !== 'server stopped'));
  }

  // Whether the page lacks kept bytes it could ask for.
  get needsBytes() {
    const info = this.info;
    return this.gap || this.have.c2s < (info.in_kept ?? 0) || this.have.s2c < (info.out_kept ?? 0);
  }

  merge(conn) {
    const first = this.info === null;
    this.info = { ...this.info, ...conn };
    if (first) this.wire.startedAt = conn.opened ?? Date.now();
    this.wire.status = this.closed ? 'closed' : 'open';
    if (!conn.bytes_pending) {
      this.addDelta(Direction.clientToServer, conn.in_from, conn.in);
      this.addDelta(Direction.serverToClient, conn.out_from, conn.out);
    }
  }

  // Takes kept bytes [from, from + n) of `direction` as base64; they are decoded only when the
  // row is drawn (under load most connections are dropped before that).
  addDelta(direction, from, base64) {
    if (!base64) return;
    const size = base64ByteLength(base64);
    const have = this.have[direction];
    const start = Number.isInteger(from) ? from : have;
    if (start > have) {
      this.gap = true;  // bytes missing before these: ask for all of them when picked
      return;
    }
    if (start + size <= have) return;
    this.pending[direction].push({ base64, skip: have - start, time: Date.now() });
    this.have[direction] = start + size;
  }

  // The answer to {type: "bytes"}: every kept byte, from offset 0.
  replaceBytes(inBase64, outBase64) {
    this.reset();
    this.wire.startedAt = this.info.opened ?? Date.now();
    this.wire.status = this.closed ? 'closed' : 'open';
    this.addDelta(Direction.clientToServer, 0, inBase64);
    this.addDelta(Direction.serverToClient, 0, outBase64);
  }

  // Feeds the bytes that arrived since the last call to the decoders.
  decode() {
    if (!this.wire.streams) {
      this.wire.streams = {
        c2s: new WireStream(this.codec, Direction.clientToServer, this.maxMessageBytes),
        s2c: new WireStream(this.codec, Direction.serverToClient, this.maxMessageBytes),
      };
    }
    for (const direction of [Direction.clientToServer, Direction.serverToClient]) {
      const pending = this.pending[direction];
      if (pending.length === 0) continue;
      const stream = this.wire.streams[direction];
      for (const { base64, skip, time } of pending) {
        const bytes = fromBase64(base64);
        stream.append(skip > 0 ? bytes.subarray(skip) : bytes, time);
      }
      this.pending[direction] = [];
    }
    return this.wire.streams;
  }
}

// --- What a row says -------------------------------------------------------------------------

// A frame not (yet) complete, in words.
function partialText(frame) {
  if (frame.payloadLength === null) {
    const got = frame.end - frame.start;
    return `${got} of 4 length bytes (${hexBytes(frame.lengthBytes)})`;
  }
  const got = frame.end - frame.start - 4;
  return `length ${formatCount(frame.payloadLength)}, ${got} of ${plural(frame.payloadLength, 'payload byte')}`;
}

// The client's frames in short: "→ “hello” (5 bytes)", at most kFramesShown of them.
export function clientLines(connection, stream, stage) {
  const lines = [];
  const { in_total: total = 0 } = connection.info;
  for (const frame of stream.frames.slice(0, kFramesShown)) {
    if (frame.status === 'done') {
      const text = printableText(frame.message);
      if (stage === 2 && text === 'history') {
        lines.push('→ “history” (the history command)');
      } else {
        lines.push(`→ ${quotePayload(frame.message, 36)} (${plural(frame.message.length, 'byte')})`);
      }
    } else if (frame.status === 'failed') {
      lines.push(`→ rejected: ${frame.errorText}`);
    } else {
      lines.push(`→ ${partialText(frame)}${connection.closed ? ': cut short' : ' …'}`);
    }
  }
  if (stream.frames.length > kFramesShown) {
    lines.push(`→ and ${plural(stream.frames.length - kFramesShown, 'more frame')}`);
  }
  const missing = total - stream.length;
  if (missing > 0) {
    lines.push(stream.length === 0 ? `→ ${plural(total, 'byte')} (click to load them)`
                                   : `→ ${plural(missing, 'more byte')} not shown`);
  } else if (total === 0 && connection.closed) {
    lines.push('→ nothing');
  }
  return lines;
}

// The server's frames in short: "← count 3, 3 items", then an acknowledgement at stage 3.
export function serverLines(connection, stream, codec, stage) {
  const lines = [];
  const frames = stream.frames;
  const { out_total: total = 0 } = connection.info;
  if (frames.length > 0) {
    const first = frames[0];
    const count = stage >= 2 && first.status === 'done' ? codec.parseCount(first.message) : null;
    if (count === null) {
      lines.push(`← ${plural(frames.length, 'frame')}`);
    } else {
      let items = 0;
      while (items < count && frames[1 + items]?.status === 'done') ++items;
      lines.push(`← count ${formatCount(count)}, ${items === count ? plural(items, 'item')
                                                                  : `${formatCount(items)} of ${plural(count, 'item')}`}`);
      const ack = frames[1 + count];
      if (stage === 3 && ack?.status === 'done') lines.push(`← acknowledged ${quote(ack.text ?? '', 36)}`);
    }
  }
  const missing = total - stream.length;
  if (missing > 0) {
    lines.push(stream.length === 0 ? `← ${plural(total, 'byte')} (click to load them)`
                                   : `← ${plural(missing, 'more byte')} not shown`);
  }
  return lines;
}

export function endText(connection) {
  const { end } = connection.info;
  if (!connection.closed) return 'open';
  return end ? (kEndTexts[end] ?? end) : 'closed';
}

export function diagnosisBlock(diagnosis) {
  return el('div', {
    className: 'diagnosis',
    dataset: { mistake: diagnosis.mistake },
    children: [
      el('strong', { className: 'mistake', text: mistakeName(diagnosis.mistake) }),
      diagnosis.what ? el('span', { className: 'what', text: ` — ${diagnosis.what}` }) : null,
      diagnosis.hint ? el('details', { className: 'hint', children: [
        el('summary', { text: 'hint' }), el('span', { text: diagnosis.hint })] }) : null,
    ],
  });
}

export function postsBlock(posts) {
  if (!posts || posts.length === 0) return null;
  return el('ul', {
    className: 'posts',
    attrs: { 'aria-label': 'posted' },
    children: posts.map((post) => el('li', { className: 'post', text: quote(String(post), 60) })),
  });
}
