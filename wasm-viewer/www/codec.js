// The kit's framing code, compiled from C++ to WebAssembly (wasm-viewer/wasm/viewer_api.h), as
// JavaScript classes. Every decoding decision and every state the page shows comes from the
// kit's FrameDecoder; every frame the page sends comes from the kit's encode_frame. This file
// only moves bytes in and out of the module's memory.
//
// The module imports nothing, so that Node (the test that runs it against the native decoder)
// can load it as well as the page.

// FrameDecoder::State and FrameError, as the C interface numbers them.
export const State = Object.freeze({
  readingLength: 0,
  readingPayload: 1,
  frameDone: 2,
  failed: 3,
});
export const FrameError = Object.freeze({ none: 0, tooLong: 1, invalidUtf8: 2 });

// The kit's default payload limit (kDefaultMaxMessageBytes).
export const kDefaultMaxMessageBytes = 1024 * 1024;
export const kFrameHeaderBytes = 4;

// Instantiates the module with Emscripten's factory (globalThis.ChatkitWasm in the page,
// require('chatkit_wasm.js') in Node) and resolves to a Codec. `moduleOptions` go to the factory
// (Node passes {wasmBinary}).
export async function loadCodec(factory, moduleOptions = {}) {
  if (typeof factory !== 'function') {
    throw new Error('chatkit_wasm.js is not loaded: the WebAssembly build of the kit is missing');
  }
  return new Codec(await factory(moduleOptions));
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

// Copies `bytes` into freshly allocated module memory, calls `use(pointer)` and frees the memory
// again, also when `use` throws.
function withBytesIn(module, bytes, use) {
  const pointer = module._malloc(Math.max(bytes.length, 1));
  if (pointer === 0) throw new Error(`out of WebAssembly memory for ${bytes.length} bytes`);
  try {
    module.HEAPU8.set(bytes, pointer);
    return use(pointer);
  } finally {
    module._free(pointer);
  }
}

// A copy of `size` bytes at `pointer` in module memory (HEAPU8 is re-read: memory may have grown).
function copyOut(module, pointer, size) {
  return module.HEAPU8.slice(pointer, pointer + size);
}

export class Codec {
  constructor(module) {
    this.module = module;
  }

  // A new incremental decoder with the kit's semantics; call dispose() when done with it.
  newDecoder(maxMessageBytes = kDefaultMaxMessageBytes) {
    return new Decoder(this.module, maxMessageBytes);
  }

  // The frame for `message` (a string, sent as UTF-8, or a Uint8Array of its bytes), as built
  // by the kit's encode_frame().
  encodeFrame(message) {
    const m = this.module;
    const bytes = typeof message === 'string' ? utf8Encoder.encode(message) : message;
    const frame = withBytesIn(m, bytes, (pointer) => m._ck_encode_frame(pointer, bytes.length));
    if (frame === 0) throw new Error('out of WebAssembly memory encoding a frame');
    try {
      return copyOut(m, m._ck_bytes_data(frame), m._ck_bytes_size(frame) >>> 0);
    } finally {
      m._ck_bytes_delete(frame);
    }
  }

  // check_utf8(): -1 when `bytes` are well-formed UTF-8, else the offset of the first bad byte.
  utf8ErrorOffset(bytes) {
    const m = this.module;
    return withBytesIn(m, bytes, (pointer) => m._ck_utf8_error_offset(pointer, bytes.length));
  }

  // parse_count() of a count frame's payload bytes: the count, or null when it is not one.
  parseCount(bytes) {
    const m = this.module;
    const count = withBytesIn(m, bytes, (pointer) => m._ck_parse_count(pointer, bytes.length));
    return count < 0 ? null : count;
  }

  // parse_post() of a stage-3 post's payload bytes: {time, host, message} strings, or null.
  parsePost(bytes) {
    const m = this.module;
    const parts = m._malloc(6 * 4);
    if (parts === 0) throw new Error('out of WebAssembly memory parsing a post');
    try {
      const ok = withBytesIn(m, bytes, (pointer) => m._ck_parse_post(pointer, bytes.length, parts));
      if (!ok) return null;
      const field = (index) => new DataView(m.HEAPU8.buffer).getUint32(parts + index * 4, true);
      const text = (offset, size) => utf8Decoder.decode(bytes.subarray(offset, offset + size));
      return {
        time: text(field(0), field(1)),
        host: text(field(2), field(3)),
        message: text(field(4), field(5)),
      };
    } finally {
      m._free(parts);
    }
  }

  // The kit's name for a decoder state: "reading length", "reading payload", "frame done", ...
  stateName(state) {
    return this.module.UTF8ToString(this.module._ck_state_name(state));
  }

  // Payload bytes (valid UTF-8, the decoder checked) as a string.
  static text(bytes) {
    return utf8Decoder.decode(bytes);
  }
}

// One kit FrameDecoder living in WebAssembly memory.
export class Decoder {
  constructor(module, maxMessageBytes) {
    this.module = module;
    this.handle = module._ck_decoder_new(maxMessageBytes >>> 0);
    if (this.handle === 0) throw new Error('out of WebAssembly memory for a decoder');
  }

  dispose() {
    if (this.handle !== 0) this.module._ck_decoder_delete(this.handle);
    this.handle = 0;
  }

  reset() {
    this.module._ck_decoder_reset(this.handle);
  }

  // Feeds `bytes` the way a reader of a socket does: call feed() on the rest of the chunk until
  // the chunk is used up or the decoder takes nothing more (it failed). After every call,
  // `onStep` receives a snapshot() plus {offset, offered, used}: where in `bytes` the call
  // started, how many bytes it was offered and how many it consumed. A completed frame's message
  // is copied out before the chunk's memory is freed. Returns the number of bytes consumed.
  feedAll(bytes, onStep) {
    const m = this.module;
    return withBytesIn(m, bytes, (pointer) => {
      let offset = 0;
      while (offset < bytes.length) {
        const offered = bytes.length - offset;
        const used = m._ck_decoder_feed(this.handle, pointer + offset, offered) >>> 0;
        onStep({ offset, offered, used, ...this.snapshot() });
        offset += used;
        if (used === 0) break;
      }
      return offset;
    });
  }

  // feedAll() for long streams: the same feed() calls on the same bytes, but after each call only
  // what a frame list needs is read (a full snapshot() is a dozen calls into the module and three
  // copies, per frame). `onStep` receives {offset, used, state}, plus payloadLength once the
  // length is known, error and errorText when it failed, and when the frame is done
  // copyMessage(): a copy of the decoder's message, callable during onStep only (the caller may
  // not need one: the payload is the bytes it fed). Returns the number of bytes consumed.
  feedFrames(bytes, onStep) {
    const m = this.module;
    const h = this.handle;
    return withBytesIn(m, bytes, (pointer) => {
      let offset = 0;
      while (offset < bytes.length) {
        const used = m._ck_decoder_feed(h, pointer + offset, bytes.length - offset) >>> 0;
        const state = m._ck_decoder_state(h);
        const step = { offset, used, state, payloadLength: null, copyMessage: null, error: 0, errorText: '' };
        if (state !== State.readingLength) step.payloadLength = m._ck_decoder_payload_length(h) >>> 0;
        if (state === State.frameDone) {
          step.copyMessage = () => copyOut(m, m._ck_decoder_message_data(h), m._ck_decoder_message_size(h) >>> 0);
        } else if (state === State.failed) {
          step.error = m._ck_decoder_error(h);
          step.errorText = m.UTF8ToString(m._ck_decoder_error_text(h));
        }
        onStep(step);
        offset += used;
        if (used === 0) break;
      }
      return offset;
    });
  }

  // Feeds `bytes` as feedAll() does and reports nothing: step mode's way to bring a fresh decoder
  // to any offset of a long stream at once. Returns the number of bytes consumed (fewer than
  // given once the decoder failed).
  feedQuiet(bytes) {
    const m = this.module;
    return withBytesIn(m, bytes, (pointer) => {
      let offset = 0;
      while (offset < bytes.length) {
        const used = m._ck_decoder_feed(this.handle, pointer + offset, bytes.length - offset) >>> 0;
        offset += used;
        if (used === 0) break;
      }
      return offset;
    });
  }

  // Everything the decoder exposes, read through the C interface, as plain values.
  snapshot() {
    const m = this.module;
    const h = this.handle;
    const state = m._ck_decoder_state(h);
    const lengthBytesRead = m._ck_decoder_length_bytes_read(h) >>> 0;
    const messageSize = m._ck_decoder_message_size(h) >>> 0;
    return {
      state,
      stateName: m.UTF8ToString(m._ck_state_name(state)),
      error: m._ck_decoder_error(h),
      errorText: m.UTF8ToString(m._ck_decoder_error_text(h)),
      lengthBytesRead,
      lengthBytes: copyOut(m, m._ck_decoder_length_bytes(h), lengthBytesRead),
      payloadLength: m._ck_decoder_payload_length(h) >>> 0,
      payloadBytesRead: m._ck_decoder_payload_bytes_read(h) >>> 0,
      maxMessageBytes: m._ck_decoder_max_message_bytes(h) >>> 0,
      message: state === State.frameDone ? copyOut(m, m._ck_decoder_message_data(h), messageSize)
                                         : null,
      framesDecoded: m._ck_decoder_frames_decoded(h),
    };
  }
}
