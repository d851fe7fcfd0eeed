// One conversation of the chat protocol: one WebSocket to the bridge, which is one TCP
// connection from the bridge to the chat server (docs/protocol.md: one connection, one message).
// The conversation is a client of the stage the user picked; it records every byte both ways in
// two WireStreams and every event with its time, and tells the page what it learnt (the
// history, the acknowledgement) through events.
//
// Events (EventTarget): 'change' after anything was recorded; 'history' (detail: {items}, each a
// WireFrame) when a complete history has arrived; 'ack' (detail: {frame}) in stage 3; 'end'
// once the WebSocket is closed and the outcome is known.

import { kDefaultMaxMessageBytes } from './codec.js';
import { Direction, directionLabel, now, plural, quote, quotePayload } from './dom.js';
import { WireStream } from './wire.js';

// Why the conversation was opened.
export const Purpose = Object.freeze({
  history: 'history', // fetch the history and close without sending anything (stages 2 and 3)
  send: 'send',       // send one message (every stage)
});

// What the client expects the server to send next.
const Expect = Object.freeze({
  nothing: 'nothing', // stage 1: the server never sends anything
  count: 'count',     // the history's count frame
  items: 'items',     // the history's items
  ack: 'ack',         // stage 3: the stored post
  end: 'end',         // the server owes nothing more and closes
});

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
    this.events = [];        // {time, kind, direction?, text, chunk?, frame?}
    this.startedAt = null;
    this.status = 'new';     // 'new' | 'connecting' | 'open' | 'closed'
    this.outcome = null;     // {ok, text} once closed
    this.expect = Expect.nothing;
    this.histories = [];     // {count, items: [WireFrame]}
    this.ack = null;         // WireFrame
    this.sent = false;
    this.closedByPage = false;
    this.problem = null;     // the first protocol error, a sentence
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
  // frees its decoders.
  dispose() {
    clearTimeout(this.silentTimer);
    if (this.socket && this.status !== 'closed') {
      this.closedByPage = true;
      this.socket.close(1000, 'the page forgot this connection');
    }
    for (const stream of Object.values(this.streams)) stream.dispose();
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
    if (this.stage === 1) {
      this.expect = Expect.nothing;
      if (this.purpose === Purpose.send) this.sendMessage();
      else this.close('stage 1 has no history to fetch');
      return;
    }
    this.expect = Expect.count;
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
    // What the frames call for (send the message, close) happens once every frame of the chunk
    // is recorded, so that the timeline lists them before the reaction.
    const reactions = [];
    for (const frame of frames) this.onFrame(direction, frame, time, reactions);
    this.changed();
    for (const react of reactions) react();
  }

  onFrame(direction, frame, time, reactions) {
    if (frame.status === 'failed') {
      frame.role = 'rejected by the decoder';
      this.events.push({ time, kind: 'error', direction, frame: frame.index,
                         text: `frame ${frame.index + 1}: ${frame.errorText}` });
      reactions.push(() => this.fail(`the ${directionLabel(direction)} bytes are not valid ` +
                                     `frames: ${frame.errorText}`));
      return;
    }
    if (direction === Direction.clientToServer) {
      frame.role = this.isHistoryCommand ? 'the “history” command' : 'the message';
    } else {
      this.onServerFrame(frame, reactions);
    }
    this.events.push({
      time, kind: 'frame', direction, frame: frame.index,
      text: `frame ${frame.index + 1} complete: length ${frame.payloadLength}, ${frame.role}`,
    });
  }

  onServerFrame(frame, reactions) {
    switch (this.expect) {
      case Expect.count: {
        const count = this.codec.parseCount(frame.message);
        if (count === null) {
          frame.role = 'count frame that is not a count';
          reactions.push(() => this.fail('the first frame should hold the history count in ' +
                                         `decimal digits, got ${quotePayload(frame.message)}`));
          this.expect = Expect.end;
          return;
        }
        frame.role = `history count: ${count}`;
        this.histories.push({ count, items: [] });
        if (count === 0) this.historyComplete(reactions);
        else this.expect = Expect.items;
        return;
      }
      case Expect.items: {
        const history = this.histories[this.histories.length - 1];
        history.items.push(frame);
        frame.role = `history item ${history.items.length} of ${history.count}`;
        if (history.items.length === history.count) this.historyComplete(reactions);
        return;
      }
      case Expect.ack:
        frame.role = 'acknowledgement: the post as stored';
        this.ack = frame;
        this.expect = Expect.end;
        this.dispatchEvent(new CustomEvent('ack', { detail: { frame } }));
        return;
      case Expect.nothing:
        frame.role = 'unexpected: a stage-1 server sends nothing';
        this.hintOnce('the server sent a frame, but a stage-1 server never sends anything: is it ' +
                      'running stage 2 or 3? (pick the stage the server runs above)');
        return;
      default:
        frame.role = 'unexpected: the server owed nothing more';
        this.hintOnce(this.stage === 2 && this.sent
                          ? 'the server sent a frame after our message: a stage-3 server ' +
                            'acknowledges posts like that. Is it running stage 3?'
                          : 'the server sent more frames than the protocol allows here');
    }
  }

  historyComplete(reactions) {
    clearTimeout(this.silentTimer);
    const history = this.histories[this.histories.length - 1];
    this.expect = Expect.end;
    reactions.push(() => {
      this.record('note', `history complete: ${plural(history.count, 'item')}`);
      this.dispatchEvent(new CustomEvent('history', { detail: { items: history.items } }));
      if (this.histories.length > 1 || this.sent) return;  // what the "history" command asked for
      if (this.purpose === Purpose.history) {
        this.close('history received; a client that sends nothing ends the conversation normally');
      } else {
        this.sendMessage();
      }
    });
  }

  sendMessage() {
    const frame = this.codec.encodeFrame(this.message);
    const size = this.chunkSize > 0 ? this.chunkSize : frame.length;
    this.sent = true;
    if (this.stage === 3) this.expect = Expect.ack;
    else if (this.isHistoryCommand) this.expect = Expect.count;
    else if (this.stage === 2) this.expect = Expect.end;
    for (let offset = 0; offset < frame.length; offset += size) {
      const piece = frame.subarray(offset, Math.min(offset + size, frame.length));
      this.socket.send(piece);
      this.appendChunk(Direction.clientToServer, piece.slice());
    }
  }

  hintOnce(text) {
    if (this.events.some((event) => event.kind === 'hint' && event.text === text)) return;
    this.record('hint', text);
  }

  fail(text) {
    if (!this.problem) this.problem = text;
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

  // Decides, once the connection is over, whether the conversation did what it was for.
  concludeOutcome(event) {
    const s2c = this.streams.s2c;
    if (event.code === kCloseBadGateway) {
      return this.finish(false, 'could not connect through the bridge: ' +
                                `${event.reason || 'the bridge could not reach the chat server'} ` +
                                `(WebSocket close ${event.code})` +
                                (this.sent ? '; the message went nowhere' : ''));
    }
    if (this.problem) return this.finish(false, this.problem);
    if (s2c.current) {
      const f = s2c.current;
      const where = f.end - f.start < 4 ? `after ${f.end - f.start} of 4 length bytes`
                                        : `after ${f.end - f.start - 4} of ${f.payloadLength} payload bytes`;
      return this.finish(false, `the connection ended in the middle of a frame (${where}): ` +
                                'the frame is truncated');
    }
    if (this.status === 'closed' && this.events.every((e) => e.kind !== 'open')) {
      return this.finish(false, `could not connect through the bridge (WebSocket close ${event.code}` +
                                `${event.reason ? `: ${event.reason}` : ''})`);
    }
    if (this.expect === Expect.count || this.expect === Expect.items) {
      const history = this.histories[this.histories.length - 1];
      const got = history ? `${history.items.length} of ${history.count} items`
                          : (s2c.length === 0 ? 'not even the count' : 'no complete count frame');
      const hint = s2c.length === 0 ? ' — a stage-1 server sends no history: is it on stage 1?' : '';
      return this.finish(false, `the connection ended before the history was complete (got ${got})${hint}`);
    }
    if (this.purpose === Purpose.history) {
      const history = this.histories[0];
      return this.finish(true, this.stage === 1 ? 'stage 1: nothing to fetch'
                                                : `history received: ${plural(history.count, 'item')}`);
    }
    if (!this.sent) return this.finish(false, 'the connection ended before the message was sent');
    if (this.message === '') {
      return this.finish(true, 'sent the empty message: servers never store it, and a stage-3 ' +
                               'server sends no acknowledgement for it');
    }
    if (this.stage === 3) {
      if (this.ack) return this.finish(true, 'stored and acknowledged: the server sent the post back');
      if (event.code === 1000) {
        this.hintOnce('the server closed without an acknowledgement; a stage-2 server never sends ' +
                      'one. Is the server running stage 2?');
      }
      return this.finish(false, 'no acknowledgement: the outcome is unknown (the server may or may ' +
                                'not have stored the post; look at the history before posting again)' +
                                (event.code === 1000 ? '' : ` — WebSocket close ${event.code}`));
    }
    if (this.isHistoryCommand) return this.finish(true, 'history received again');
    return this.finish(true, this.stage === 1 ? 'sent (a stage-1 server answers nothing)'
                                              : 'sent (a stage-2 server sends no acknowledgement)');
  }

  finish(ok, text) {
    this.status = 'closed';
    this.outcome = { ok, text };
    // No more bytes will come: the decoders' WebAssembly memory can go.
    for (const stream of Object.values(this.streams)) stream.dispose();
    this.events.push({ time: now(), kind: ok ? 'done' : 'error', text });
    this.changed();
    this.dispatchEvent(new Event('end'));
  }
}

