// One conversation of the chat protocol: one WebSocket to the bridge, which is one TCP
// connection from the bridge to the chat server (docs/protocol.md: one connection, one message).
// The conversation is a client of the stage the user picked; it records every byte both ways in
// two WireStreams and every event with its time, and tells the page what it learnt (the
// history, the acknowledgement) through events. What the server's bytes mean is decided by the
// kit's ClientSession in WebAssembly (the same code as chat-client's); this file keeps the
// WebSocket, the page's texts and what the page does about each step.
//
// Events (EventTarget): 'change' after anything was recorded; 'history' (detail: {items}, each a
// WireFrame) when a complete history has arrived; 'ack' (detail: {frame}) in stage 3; 'end'
// once the WebSocket is closed and the outcome is known.

import { kDefaultMaxMessageBytes } from './codec.js';
import { Direction, now, plural, quote, quotePayload } from './dom.js';
import { WireStream } from './wire.js';

// Why the conversation was opened.
export const Purpose = Object.freeze({
  history: 'history', // fetch the history and close without sending anything (stages 2 and 3)
  send: 'send',       // send one message (every stage)
});

// The kit's ClientSession (kit/protocol/client_session.h), compiled to WebAssembly: every
// protocol decision about the server's bytes is made there, as in chat-client. The values are
// those of the C interface (wasm-viewer/wasm/viewer_api.h).
const Phase = Object.freeze({
  awaitingCount: 0, readingItems: 1, readyToSend: 2, awaitingAck: 3, awaitingClose: 4,
  ended: 5, failed: 6,
});
const EventKind = Object.freeze({
  count: 0, item: 1, historyComplete: 2, acknowledged: 3, ended: 4, failed: 5,
});
const ClientError = Object.freeze({
  countNotDecimal: 1, emptyItem: 2, frameTooLong: 3, invalidUtf8: 4, truncatedFrame: 5,
  bytesAfterEnd: 6, closedEarly: 7, notAcknowledged: 8, unexpectedReply: 9,
});

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });

// One ClientSession in WebAssembly memory; its events come back as plain objects.
class WasmClientSession {
  constructor(module, stage, maxMessageBytes) {
    this.module = module;
    this.handle = module._ck_client_new(stage, maxMessageBytes >>> 0);
    if (this.handle === 0) throw new Error('out of WebAssembly memory for a client session');
  }

  dispose() {
    if (this.handle !== 0) this.module._ck_client_delete(this.handle);
    this.handle = 0;
  }

  get phase() { return this.handle === 0 ? Phase.ended : this.module._ck_client_phase(this.handle); }

  // Runs `call(pointer, size)` with `bytes` copied into module memory.
  withBytes(bytes, call) {
    const m = this.module;
    const pointer = m._malloc(Math.max(bytes.length, 1));
    if (pointer === 0) throw new Error(`out of WebAssembly memory for ${bytes.length} bytes`);
    try {
      m.HEAPU8.set(bytes, pointer);
      return call(pointer, bytes.length);
    } finally {
      m._free(pointer);
    }
  }

  feed(bytes) {
    if (this.handle === 0) return [];  // the conversation is over
    this.withBytes(bytes, (p, n) => this.module._ck_client_feed(this.handle, p, n));
    return this.takeEvents();
  }
  peerClosed() {
    this.module._ck_client_peer_closed(this.handle);
    return this.takeEvents();
  }
  connectionLost(reason) {
    this.withBytes(textEncoder.encode(reason),
                   (p, n) => this.module._ck_client_connection_lost(this.handle, p, n));
    return this.takeEvents();
  }
  sendNothing() {
    this.module._ck_client_send_nothing(this.handle);
    return this.takeEvents();
  }
  // {frame: Uint8Array | null, events}: null when the session refused the message.
  sendMessage(message) {
    const m = this.module;
    const bytes = textEncoder.encode(message);
    const owned = this.withBytes(bytes, (p, n) => m._ck_client_send_message(this.handle, p, n));
    let frame = null;
    if (owned !== 0) {
      frame = m.HEAPU8.slice(m._ck_bytes_data(owned), m._ck_bytes_data(owned) + (m._ck_bytes_size(owned) >>> 0));
      m._ck_bytes_delete(owned);
    }
    return { frame, events: this.takeEvents() };
  }

  text(data, size) {
    const pointer = data >>> 0;
    return textDecoder.decode(this.module.HEAPU8.subarray(pointer, pointer + (size >>> 0)));
  }

  takeEvents() {
    const m = this.module;
    const h = this.handle;
    const events = [];
    const n = m._ck_client_take_events(h);
    for (let i = 0; i < n; ++i) {
      const event = {
        kind: m._ck_client_event_kind(h, i),
        history: m._ck_client_event_history(h, i),
        count: m._ck_client_event_count(h, i),
        number: m._ck_client_event_number(h, i),
        frame: m._ck_client_event_frame(h, i),
        text: this.text(m._ck_client_event_text_data(h, i), m._ck_client_event_text_size(h, i)),
      };
      if (event.kind === EventKind.failed) {
        event.failure = {
          error: m._ck_client_event_error(h, i),
          errorName: m.UTF8ToString(m._ck_client_error_name(m._ck_client_event_error(h, i))),
          phase: m._ck_client_event_failed_phase(h, i),
          seemsStage: m._ck_client_event_seems_stage(h, i),
          headline: this.text(m._ck_client_event_headline_data(h, i), m._ck_client_event_headline_size(h, i)),
          details: this.text(m._ck_client_event_details_data(h, i), m._ck_client_event_details_size(h, i)),
        };
      }
      events.push(event);
    }
    return events;
  }
}

// How long a stage-2 or -3 client waits for the first history byte before it suspects that the
// server runs stage 1 (which sends nothing first).
const kSilentServerHintMs = 3000;

// The bridge could not reach the chat server (bridge/README.md): it accepted the WebSocket only
// to close it with this code ("bad gateway") and the reason, such as "cannot reach the chat
// server at 127.0.0.1:10000: connection refused (ECONNREFUSED)".
const kCloseBadGateway = 1014;

export class Conversation extends EventTarget {
  // options: id, codec, url (the bridge's ws:// URL), stage (1, 2 or 3), purpose, message (the
  // text to send), chunkSize (0: the whole frame in one WebSocket message, else the size of the
  // pieces it is sent in), maxMessageBytes, automatic (opened by the page, not the user).
  constructor(options) {
    super();
    this.id = options.id;
    this.codec = options.codec;
    this.url = options.url;
    this.stage = options.stage;
    this.purpose = options.purpose;
    this.message = options.message ?? '';
    this.chunkSize = options.chunkSize ?? 0;
    this.automatic = Boolean(options.automatic);
    const maxMessageBytes = options.maxMessageBytes ?? kDefaultMaxMessageBytes;
    this.streams = {
      [Direction.clientToServer]: new WireStream(this.codec, Direction.clientToServer, maxMessageBytes),
      [Direction.serverToClient]: new WireStream(this.codec, Direction.serverToClient, maxMessageBytes),
    };
    // The protocol decisions: the same limit as the server → client stream, so that its frame
    // indices are the stream's.
    this.session = new WasmClientSession(this.codec.module, this.stage, maxMessageBytes);
    this.events = [];        // {time, kind, direction?, text, chunk?, frame?}
    this.startedAt = null;
    this.status = 'new';     // 'new' | 'connecting' | 'open' | 'closed'
    this.outcome = null;     // {ok, text} once closed
    this.histories = [];     // {count, items: [WireFrame]}
    this.ack = null;         // WireFrame
    this.sent = false;
    this.closedByPage = false;
    this.problem = null;     // the session's failure, a sentence, once it failed
    this.socket = null;
    this.silentTimer = null;
  }

  // A short title for tabs and lists.
  get title() {
    if (this.purpose === Purpose.history) return this.automatic ? 'history (refresh)' : 'history';
    return quote(this.message, 24);
  }

  get isHistoryCommand() {
    return this.stage === 2 && this.message === 'history';
  }

  start() {
    this.startedAt = now();
    this.status = 'connecting';
    this.record('connect', `WebSocket to ${this.url}; the bridge opens a TCP connection to the ` +
                           `chat server (stage ${this.stage}, ${this.describePurpose()})`);
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.finish(false, `could not open a WebSocket to ${this.url}: ${error.message}`);
      return;
    }
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => this.onOpen());
    socket.addEventListener('message', (event) => this.onMessage(event));
    socket.addEventListener('error', () => this.record('error', 'WebSocket error (details follow with the close)'));
    socket.addEventListener('close', (event) => this.onClose(event));
    this.socket = socket;
  }

  // Closes the connection from the page's side (after a protocol error, once the history is in,
  // or when the user closes it).
  close(reason = 'closed by the page') {
    if (!this.socket || this.status === 'closed') return;
    this.closedByPage = true;
    this.record('note', `the page closes the WebSocket: ${reason}`);
    this.socket.close(1000, reason.slice(0, 100));
  }

  // Forgets the connection (the page keeps a limited number): closes it if it is still open and
  // frees its decoders and its session.
  dispose() {
    clearTimeout(this.silentTimer);
    if (this.socket && this.status !== 'closed') {
      this.closedByPage = true;
      this.socket.close(1000, 'the page forgot this connection');
    }
    for (const stream of Object.values(this.streams)) stream.dispose();
    this.session.dispose();
  }

  describePurpose() {
    if (this.purpose === Purpose.history) return 'fetch the history, send nothing';
    if (this.isHistoryCommand) return 'send the “history” command';
    return `send ${quote(this.message)}`;
  }

  record(kind, text, extra = {}) {
    this.events.push({ time: now(), kind, text, ...extra });
    this.changed();
  }

  changed() {
    this.dispatchEvent(new Event('change'));
  }

  onOpen() {
    this.status = 'open';
    this.record('open', 'connected: the bridge reached the chat server');
    if (this.session.phase === Phase.readyToSend) {  // stage 1: the server sends nothing first
      if (this.purpose === Purpose.send) {
        this.sendMessage();
      } else {
        this.react(this.session.sendNothing());
        this.close('stage 1 has no history to fetch');
      }
      return;
    }
    this.silentTimer = setTimeout(() => {
      if (this.streams.s2c.length === 0 && this.status === 'open') {
        this.record('hint', `no byte from the server after ${kSilentServerHintMs / 1000} s: a ` +
                            `stage-${this.stage} server sends its history first. Is the server ` +
                            'running stage 1? (pick the stage the server runs above)');
      }
    }, kSilentServerHintMs);
  }

  onMessage(event) {
    if (typeof event.data === 'string') {
      this.record('error', `the bridge sent a text message (${plural(event.data.length, 'character')}); ` +
                           'chat bytes travel as binary messages only');
      return;
    }
    const bytes = new Uint8Array(event.data);
    this.appendChunk(Direction.serverToClient, bytes);
  }

  // Records one WebSocket message of either direction and handles the frames it completed.
  appendChunk(direction, bytes) {
    const stream = this.streams[direction];
    const time = now();
    const frames = stream.append(bytes, time);
    const chunk = stream.chunks[stream.chunks.length - 1];
    this.events.push({
      time, kind: 'chunk', direction, chunk: chunk.index,
      text: `WebSocket message ${chunk.index + 1}: ${plural(bytes.length, 'byte')} ` +
            `(stream bytes ${chunk.start}–${chunk.start + bytes.length - 1})`,
    });
    // The session names each server frame's role; what its events call for (send the message,
    // close) happens once every frame of the chunk is recorded, so that the timeline lists them
    // before the reaction.
    const sessionEvents = direction === Direction.serverToClient ? this.session.feed(bytes) : [];
    for (const event of sessionEvents) this.nameFrame(event);
    for (const frame of frames) this.recordFrame(direction, frame, time);
    this.changed();
    this.react(sessionEvents);
  }

  recordFrame(direction, frame, time) {
    if (frame.status === 'failed') {
      frame.role = 'rejected by the decoder';
      this.events.push({ time, kind: 'error', direction, frame: frame.index,
                         text: `frame ${frame.index + 1}: ${frame.errorText}` });
      return;
    }
    if (direction === Direction.clientToServer) {
      frame.role = this.isHistoryCommand ? 'the “history” command' : 'the message';
    }
    this.events.push({
      time, kind: 'frame', direction, frame: frame.index,
      text: `frame ${frame.index + 1} complete: length ${frame.payloadLength}, ${frame.role}`,
    });
  }

  // The role of the server's frame an event of the session comes from.
  nameFrame(event) {
    const frame = event.frame >= 0 ? this.streams.s2c.frames[event.frame] : null;
    if (!frame) return;
    switch (event.kind) {
      case EventKind.count:
        frame.role = `history count: ${event.count}`;
        this.histories.push({ count: event.count, items: [] });
        return;
      case EventKind.item:
        frame.role = `history item ${event.number} of ${event.count}`;
        this.histories[this.histories.length - 1].items.push(frame);
        return;
      case EventKind.acknowledged:
        frame.role = 'acknowledgement: the post as stored';
        this.ack = frame;
        return;
      case EventKind.failed:
        if (frame.status === 'failed') return;  // the decoder's; recordFrame() names it
        frame.role = {
          [ClientError.countNotDecimal]: 'count frame that is not a count',
          [ClientError.emptyItem]: 'an empty history item: no server stores the empty message',
          [ClientError.bytesAfterEnd]: this.stage === 1 ? 'unexpected: a stage-1 server sends nothing'
                                                        : 'unexpected: the server owed nothing more',
          [ClientError.unexpectedReply]: event.failure.phase === Phase.awaitingAck
              ? 'a history count, not the acknowledgement' : 'an acknowledgement, not the history count',
        }[event.failure.error] ?? 'a protocol error';
        return;
      default:
    }
  }

  // Acts on the session's events: the page's events, the message, the close, the outcome.
  react(sessionEvents) {
    for (const event of sessionEvents) {
      switch (event.kind) {
        case EventKind.historyComplete:
          this.historyComplete(event);
          break;
        case EventKind.acknowledged:
          this.dispatchEvent(new CustomEvent('ack', { detail: { frame: this.ack } }));
          break;
        case EventKind.failed:
          this.fail(event);
          break;
        default:
      }
    }
  }

  historyComplete(event) {
    clearTimeout(this.silentTimer);
    const history = this.histories[this.histories.length - 1];
    this.record('note', `history complete: ${plural(event.count, 'item')}`);
    this.dispatchEvent(new CustomEvent('history', { detail: { items: history.items } }));
    if (event.history > 1) return;  // what the "history" command asked for
    if (this.purpose === Purpose.history) {
      this.react(this.session.sendNothing());
      this.close('history received; a client that sends nothing ends the conversation normally');
    } else {
      this.sendMessage();
    }
  }

  sendMessage() {
    const { frame, events } = this.session.sendMessage(this.message);
    if (frame) {
      const size = this.chunkSize > 0 ? this.chunkSize : frame.length;
      this.sent = true;
      for (let offset = 0; offset < frame.length; offset += size) {
        const piece = frame.subarray(offset, Math.min(offset + size, frame.length));
        this.socket.send(piece);
        this.appendChunk(Direction.clientToServer, piece.slice());
      }
    }
    this.react(events);
  }

  // The session's failure, as the page says it: the kit's headline, what to do about the stage,
  // and the frame's payload quoted (the byte view shows its bytes; a terminal dump would not fit).
  describeFailure(event) {
    const failure = event.failure;
    let text = failure.headline;
    if (failure.seemsStage > 0) text += `: pick stage ${failure.seemsStage} above (the stage the server runs)`;
    const frame = event.frame >= 0 ? this.streams.s2c.frames[event.frame] : null;
    if (frame && frame.status === 'done') text += `; got ${quotePayload(frame.message)}`;
    if (failure.phase === Phase.awaitingAck) {
      text += '; the outcome is unknown (the server may or may not have stored the post; look at ' +
              'the history before posting again)';
    }
    return text;
  }

  fail(event) {
    if (!this.problem) this.problem = this.describeFailure(event);
    if (this.status !== 'closed') this.close('protocol error');
  }

  onClose(event) {
    clearTimeout(this.silentTimer);
    const code = event.code === 1005 ? 'no status' : String(event.code);
    const reason = event.reason ? ` “${event.reason}”` : '';
    let who = this.closedByPage ? 'closed by the page'
                                : 'closed by the bridge: the chat server ended the TCP connection';
    if (event.code === kCloseBadGateway) {
      who = 'closed by the bridge: it could not reach the chat server';
      // The "open" was only the bridge's way to say why: no TCP connection stood behind it.
      const open = this.events.find((e) => e.kind === 'open');
      if (open) open.text = 'WebSocket open, only for the bridge to say why it could not reach the chat server';
    }
    this.status = 'closed';
    this.events.push({ time: now(), kind: 'close',
                       text: `${who} (WebSocket close ${code}${reason})` });
    this.concludeOutcome(event);
  }

  // Decides, once the connection is over, whether the conversation did what it was for: the
  // page's part (the bridge, the WebSocket) here, the protocol's in the session.
  concludeOutcome(event) {
    if (event.code === kCloseBadGateway) {
      return this.finish(false, 'could not connect through the bridge: ' +
                                `${event.reason || 'the bridge could not reach the chat server'} ` +
                                `(WebSocket close ${event.code})` +
                                (this.sent ? '; the message went nowhere' : ''));
    }
    if (this.problem) return this.finish(false, this.problem);
    if (this.events.every((e) => e.kind !== 'open')) {
      return this.finish(false, `could not connect through the bridge (WebSocket close ${event.code}` +
                                `${event.reason ? `: ${event.reason}` : ''})`);
    }
    let events;
    if (event.code === 1000 && !this.closedByPage) {
      events = this.session.peerClosed();  // the chat server closed (FIN)
    } else if (this.closedByPage && this.session.phase !== Phase.awaitingClose) {
      events = this.session.connectionLost('the page closed the connection before the server ' +
                                           'sent what it owed');
    } else if (this.closedByPage) {
      events = this.session.peerClosed();  // nothing more was owed: a normal end
    } else {
      const what = event.code === 4000 ? 'the chat server reset the connection' : 'the connection ended';
      events = this.session.connectionLost(`${what} (WebSocket close ${event.code}` +
                                           `${event.reason ? `: ${event.reason}` : ''})`);
    }
    const failed = events.find((e) => e.kind === EventKind.failed);
    if (failed) return this.finish(false, this.describeFailure(failed));
    return this.finish(true, this.successText());
  }

  // What a conversation that ended as the protocol says achieved.
  successText() {
    if (this.purpose === Purpose.history) {
      return this.stage === 1 ? 'stage 1: nothing to fetch'
                              : `history received: ${plural(this.histories[0].count, 'item')}`;
    }
    if (this.message === '') {
      return 'sent the empty message: servers never store it, and a stage-3 server sends no ' +
             'acknowledgement for it';
    }
    if (this.stage === 3) return 'stored and acknowledged: the server sent the post back';
    if (this.isHistoryCommand) return 'history received again';
    return this.stage === 1 ? 'sent (a stage-1 server answers nothing)'
                            : 'sent (a stage-2 server sends no acknowledgement)';
  }

  finish(ok, text) {
    this.status = 'closed';
    this.outcome = { ok, text };
    // No more bytes will come: the decoders' WebAssembly memory can go.
    for (const stream of Object.values(this.streams)) stream.dispose();
    this.session.dispose();
    this.events.push({ time: now(), kind: ok ? 'done' : 'error', text });
    this.changed();
    this.dispatchEvent(new Event('end'));
  }
}
