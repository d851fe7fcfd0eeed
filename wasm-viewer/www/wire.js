// One direction of one connection as the viewer shows it: the WebSocket chunks in the order they
// went over the wire (the chunk layer) and the frames the kit's FrameDecoder found in them (the
// frame layer). The two layers are independent: a frame may span chunks and a chunk may hold
// many frames, exactly as with TCP reads.

import { Codec, FrameError, State, kDefaultMaxMessageBytes, kFrameHeaderBytes } from './codec.js';

// Where a byte stands for the decoder.
export const ByteRole = Object.freeze({
  length: 'len',         // one of a frame's 4 length-prefix bytes
  payload: 'pay',        // one of a frame's payload bytes
  undecoded: 'undecoded', // after the decoder failed: belongs to no frame
});

// A frame as the byte view and the inspector show it. Fields are updated as its bytes arrive.
//   index          0-based, in stream order
//   start          stream offset of its first length byte
//   end            stream offset just past its last byte consumed so far
//   lengthBytes    the length-prefix bytes received so far (Uint8Array, up to 4)
//   payloadLength  N, once the 4 length bytes are in (else null)
//   status         'partial' | 'done' | 'failed'
//   errorText      the kit's sentence when failed
//   badByte        stream offset of the first ill-formed byte, when failed for invalid UTF-8
//   message        payload bytes (Uint8Array) when done; text: the same as a string
//   firstChunk, lastChunk   indices of the chunks its bytes came in
//   role           what the conversation made of it ("count", "history item 2 of 3", ...)
// A history of 100,000 posts is 100,000 of these, so what can be worked out when asked is:
// lengthBytes are the stream's bytes where the decoder put the frame's start, text is decoded
// from message when first read.
export class WireFrame {
  constructor(stream, index, start, chunk) {
    this.stream = stream;
    this.index = index;
    this.start = start;
    this.end = start;
    this.payloadLength = null;
    this.status = 'partial';
    this.errorText = '';
    this.message = null;
    this.firstChunk = chunk;
    this.lastChunk = chunk;
    this.role = '';
    this.doneAt = null;
    this.badByte = null;
    this.decodedText = null;
  }

  get lengthBytes() {
    return this.stream.slice(this.start, Math.min(this.end, this.start + kFrameHeaderBytes));
  }

  get text() {
    if (this.message === null) return null;
    this.decodedText ??= Codec.text(this.message);
    return this.decodedText;
  }
}

export class WireStream {
  // `direction`: 'c2s' or 's2c'. The stream owns a decoder of its own.
  constructor(codec, direction, maxMessageBytes = kDefaultMaxMessageBytes) {
    this.codec = codec;
    this.direction = direction;
    this.decoder = codec.newDecoder(maxMessageBytes);
    this.chunks = [];   // {index, start, bytes, time}
    this.frames = [];   // WireFrame, by start offset
    this.length = 0;    // bytes so far
    this.failure = null; // {offset, frame, text} once the decoder failed
    this.current = null; // the frame being read
  }

  // Frees the decoder; the chunks and frames stay readable, append() must not be called again.
  dispose() {
    this.decoder.dispose();
  }

  // Appends one WebSocket message's bytes, decodes them, and returns the frames that completed
  // or failed within them. The work is proportional to the message, never to the stream so far.
  append(bytes, time) {
    const chunk = { index: this.chunks.length, start: this.length, bytes, time };
    this.chunks.push(chunk);
    this.length += bytes.length;
    const finished = [];
    if (this.failure) return finished;  // The decoder takes nothing after a failure.

    this.decoder.feedFrames(bytes, (step) => {
      if (step.used === 0) return;
      if (!this.current) {
        this.current = new WireFrame(this, this.frames.length, chunk.start + step.offset, chunk.index);
        this.frames.push(this.current);
      }
      const frame = this.current;
      frame.end = chunk.start + step.offset + step.used;
      frame.lastChunk = chunk.index;
      if (step.payloadLength !== null) frame.payloadLength = step.payloadLength;
      if (step.state === State.frameDone) {
        frame.status = 'done';
        // The message is the payload the decoder just consumed: when all of it came in this
        // chunk, a view of the chunk's bytes (100,000 posts are 100,000 copies otherwise), else
        // the decoder's copy.
        const payloadStart = frame.end - frame.payloadLength - chunk.start;
        frame.message = payloadStart >= 0 ? bytes.subarray(payloadStart, frame.end - chunk.start)
                                          : step.copyMessage();
        frame.doneAt = time;
        finished.push(frame);
        this.current = null;
      } else if (step.state === State.failed) {
        frame.status = 'failed';
        frame.errorText = step.errorText;
        if (step.error === FrameError.invalidUtf8) {
          // The whole payload is in: find the bad byte again with the kit's check_utf8.
          const payloadStart = frame.start + kFrameHeaderBytes;
          const payload = this.slice(payloadStart, frame.end);
          frame.badByte = payloadStart + this.codec.utf8ErrorOffset(payload);
        }
        frame.doneAt = time;
        this.failure = { offset: frame.end, frame, text: step.errorText };
        finished.push(frame);
        this.current = null;
      }
    });
    return finished;
  }

  // The frame holding the byte at `offset`, or null (undecoded bytes after a failure).
  frameAt(offset) {
    return findCovering(this.frames, offset, (frame) => frame.start, (frame) => frame.end);
  }

  roleAt(offset, frame = this.frameAt(offset)) {
    if (!frame) return ByteRole.undecoded;
    return offset < frame.start + kFrameHeaderBytes ? ByteRole.length : ByteRole.payload;
  }

  // The chunk holding the byte at `offset`.
  chunkAt(offset) {
    return findCovering(this.chunks, offset, (chunk) => chunk.start,
                        (chunk) => chunk.start + chunk.bytes.length);
  }

  byteAt(offset) {
    const chunk = this.chunkAt(offset);
    return chunk ? chunk.bytes[offset - chunk.start] : undefined;
  }

  // The stream's bytes [start, end), copied out of the chunks that hold them (only those: a
  // binary search finds the first).
  slice(start, end) {
    end = Math.min(end, this.length);
    const out = new Uint8Array(Math.max(0, end - start));
    const first = this.chunkAt(start);
    if (!first) return out;
    for (let i = first.index; i < this.chunks.length; ++i) {
      const chunk = this.chunks[i];
      if (chunk.start >= end) break;
      const from = Math.max(start, chunk.start);
      const to = Math.min(end, chunk.start + chunk.bytes.length);
      if (from < to) out.set(chunk.bytes.subarray(from - chunk.start, to - chunk.start), from - start);
    }
    return out;
  }

}

// Binary search in `items`, sorted by start and not overlapping, for the one whose
// [start, end) holds `offset`; null when none does.
function findCovering(items, offset, startOf, endOf) {
  let low = 0;
  let high = items.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (offset < startOf(items[mid])) high = mid - 1;
    else if (offset >= endOf(items[mid])) low = mid + 1;
    else return items[mid];
  }
  return null;
}
