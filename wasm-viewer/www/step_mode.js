// Step mode: a fresh kit FrameDecoder (in WebAssembly) fed one byte at a time from one direction
// of the selected connection, showing after each byte the state the decoder reports: reading
// length k/4, reading payload i/N, frame done, failed. "Back" re-feeds a new decoder all bytes
// but the last, so every state shown is one the decoder really reached.
//
// Going back, or to a frame far into a long stream (frame 100,000 is 8.5 MB in), feeds the bytes
// up to there in large pieces through the same feed() calls (the decoder's contract: any
// chunking of the same bytes ends in the same state) and only the last kMaxLogEntries one at a
// time, for the log: a jump costs milliseconds, not a million snapshots.

import { State } from './codec.js';
import { Direction, asciiChar, el, hex2, plural, quotePayload } from './dom.js';

const kPlayIntervalMs = 500;
const kMaxLogEntries = 300;
const kBulkBytes = 1 << 20;

export class StepMode {
  // elements: {state, log, reset, back, next, frame, play, radios}; onChange() is called when the
  // cursor moves, so the byte view can show it.
  constructor(codec, elements, onChange) {
    this.codec = codec;
    this.elements = elements;
    this.onChange = onChange;
    this.conversation = null;
    this.direction = Direction.serverToClient;
    this.decoder = codec.newDecoder();
    this.fed = 0;
    this.snapshot = this.decoder.snapshot();
    this.log = [];
    this.timer = null;
    elements.reset.addEventListener('click', () => this.reset());
    elements.back.addEventListener('click', () => this.back());
    elements.next.addEventListener('click', () => this.step());
    elements.frame.addEventListener('click', () => this.toFrameEnd());
    elements.play.addEventListener('click', () => this.togglePlay());
    elements.toSelection?.addEventListener('click', () => this.onToSelection?.());
    this.onToSelection = null;
    this.logVersion = 0;   // bumped when the log changes, so render() redraws it only then
    this.logShown = -1;
    for (const radio of elements.radios) {
      radio.addEventListener('change', () => { if (radio.checked) this.setDirection(radio.value); });
    }
    this.render();
  }

  // The cursor for the byte view: bytes [0, fed) of `direction` are fed. Null until stepping starts.
  get cursor() {
    return this.fed > 0 ? { direction: this.direction, fed: this.fed } : null;
  }

  get stream() {
    return this.conversation ? this.conversation.streams[this.direction] : null;
  }

  setConversation(conversation) {
    if (conversation === this.conversation) return;
    this.conversation = conversation;
    this.reset();
  }

  setDirection(direction) {
    this.direction = direction;
    for (const radio of this.elements.radios) radio.checked = radio.value === direction;
    this.reset();
  }

  reset() {
    this.pause();
    this.decoder.reset();
    this.fed = 0;
    this.log = [];
    this.logVersion += 1;
    this.snapshot = this.decoder.snapshot();
    this.changed();
  }

  // Feeds the next byte; returns false when there is none or the decoder takes no more.
  step({ notify = true } = {}) {
    const stream = this.stream;
    if (!stream || this.fed >= stream.length || this.snapshot.state === State.failed) return false;
    const byte = stream.byteAt(this.fed);
    let last = null;
    this.decoder.feedAll(Uint8Array.of(byte), (snapshot) => { last = snapshot; });
    this.snapshot = last;
    if (last.used > 0) {
      this.logVersion += 1;
      this.log.push({ offset: this.fed, byte, snapshot: last });
      if (this.log.length > kMaxLogEntries) this.log.shift();
      this.fed += 1;
    }
    if (notify) this.changed();
    return last.used > 0;
  }

  back() {
    this.pause();
    this.seek(Math.max(0, this.fed - 1));
  }

  // A fresh decoder fed bytes [0, target) of the stream (fewer if it fails first).
  seek(target) {
    this.pause();
    const stream = this.stream;
    this.decoder.reset();
    this.fed = 0;
    this.log = [];
    this.logVersion += 1;
    this.snapshot = this.decoder.snapshot();
    target = Math.min(target, stream ? stream.length : 0);
    const bulkEnd = Math.max(0, target - kMaxLogEntries);
    let failed = false;
    while (this.fed < bulkEnd && !failed) {
      const piece = stream.slice(this.fed, Math.min(bulkEnd, this.fed + kBulkBytes));
      const used = this.decoder.feedQuiet(piece);
      this.fed += used;
      failed = used < piece.length;
    }
    this.snapshot = this.decoder.snapshot();
    while (this.fed < target && this.step({ notify: false })) { /* the last bytes one at a time */ }
    this.changed();
  }

  // Steps to the start of frame `frame` of `direction` (switching to that direction): the next
  // byte fed is its first length byte.
  toFrame(direction, frame) {
    if (direction !== this.direction) {
      this.direction = direction;
      for (const radio of this.elements.radios) radio.checked = radio.value === direction;
    }
    this.seek(frame.start);
  }

  toFrameEnd() {
    this.pause();
    while (this.step({ notify: false })) {
      if (this.snapshot.state === State.frameDone || this.snapshot.state === State.failed) break;
    }
    this.changed();
  }

  togglePlay() {
    if (this.timer) {
      this.pause();
      return;
    }
    this.timer = setInterval(() => { if (!this.step()) this.pause(); }, kPlayIntervalMs);
    this.render();
  }

  pause() {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.render();
  }

  changed() {
    this.render();
    this.onChange();
  }

  // Called when the connection got more bytes: the buttons may come alive.
  refresh() {
    this.render();
  }

  render() {
    const { state, log, next, frame, back, play } = this.elements;
    const stream = this.stream;
    const total = stream ? stream.length : 0;
    const failed = this.snapshot.state === State.failed;
    next.disabled = frame.disabled = !stream || this.fed >= total || failed;
    back.disabled = this.fed === 0;
    play.disabled = next.disabled && !this.timer;
    play.textContent = this.timer ? 'Pause' : '▶ Play';
    state.replaceChildren(...this.describeState(total));
    if (this.logShown !== this.logVersion) {
      // The log is redrawn only when it changed: a long history calls refresh() for every
      // WebSocket message that arrives.
      this.logShown = this.logVersion;
      log.replaceChildren(...this.log.map((entry) => logEntry(entry)));
      log.scrollTop = log.scrollHeight;
    }
    if (this.elements.toSelection) this.elements.toSelection.disabled = !stream;
  }

  describeState(total) {
    const s = this.snapshot;
    const stream = this.stream;
    if (!stream) return [el('p', { className: 'sub', text: 'No connection selected.' })];
    const parts = [];
    const big = el('div', { className: 'big', dataset: { state: s.state } });
    if (s.state === State.readingLength) {
      big.textContent = `${s.stateName} ${s.lengthBytesRead}/4`;
    } else if (s.state === State.readingPayload) {
      big.textContent = `${s.stateName} ${s.payloadBytesRead}/${s.payloadLength}`;
    } else if (s.state === State.frameDone) {
      big.textContent = `${s.stateName}: ${quotePayload(s.message, 28)}`;
      big.classList.add('done');
    } else {
      big.textContent = s.stateName;
      big.classList.add('failed');
    }
    parts.push(big);

    const slots = el('div', { className: 'slots', attrs: { 'aria-label': 'length prefix bytes' } });
    for (let i = 0; i < 4; ++i) {
      const filled = i < s.lengthBytesRead;
      slots.append(el('span', { className: `slot${filled ? ` filled ${this.direction}` : ''}`,
                                text: filled ? hex2(s.lengthBytes[i]) : '··' }));
    }
    if (s.lengthBytesRead === 4) slots.append(` → length ${s.payloadLength}`);
    parts.push(slots);

    if (s.state === State.readingPayload || s.state === State.frameDone) {
      const bar = el('div', { className: 'progress', attrs: { role: 'progressbar' } });
      const fill = el('span');
      const done = s.payloadLength === 0 ? 100 : (100 * s.payloadBytesRead) / s.payloadLength;
      fill.style.setProperty('--done', `${done}%`);
      bar.append(fill);
      parts.push(bar);
    }
    if (s.state === State.failed) parts.push(el('p', { className: 'error-text', text: s.errorText }));

    const last = this.log[this.log.length - 1];
    const lastText = last ? ` · last byte 0x${hex2(last.byte)} “${asciiChar(last.byte)}” at offset ${last.offset}` : '';
    parts.push(el('div', {
      className: 'sub',
      text: `fed ${this.fed} of ${plural(total, 'byte')}${lastText} · frames decoded: ${s.framesDecoded}`,
    }));
    return parts;
  }
}

function logEntry({ offset, byte, snapshot: s }) {
  let what = s.stateName;
  let cls = '';
  if (s.state === State.readingLength) what += ` ${s.lengthBytesRead}/4`;
  else if (s.state === State.readingPayload) what += ` ${s.payloadBytesRead}/${s.payloadLength}`;
  else if (s.state === State.frameDone) {
    what += `: ${quotePayload(s.message, 24)}`;
    cls = 'done';
  } else {
    what += `: ${s.errorText}`;
    cls = 'failed';
  }
  return el('li', { className: cls, text: `@${offset} ${hex2(byte)} → ${what}` });
}
