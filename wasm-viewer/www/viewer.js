// The viewer page: a chat client of the stage the user picks that shows every byte it sends and
// receives. Wires the panels together: the chat (chat_panel.js), the connections
// (connections.js, conversation.js), the byte view (byte_view.js), the frame inspector
// (inspector.js), step mode (step_mode.js) and the timeline (timeline.js). All framing is done
// by the kit's C++ code in WebAssembly (codec.js).

import { kDefaultMaxMessageBytes, loadCodec } from './codec.js';
import { ByteView } from './byte_view.js';
import { ChatPanel } from './chat_panel.js';
import { renderConnections } from './connections.js';
import { Conversation, Purpose } from './conversation.js';
import { Direction, directionLabel, el, formatCount, plural } from './dom.js';
import { renderInspector } from './inspector.js';
import { StepMode } from './step_mode.js';
import { Timeline } from './timeline.js';
import {
  bytesPerRowThatFit, elementById, setupZoom, showFatal as showPageFatal,
} from './page.js';

const kStageKey = 'chatkit.viewer.stage';
const kMaxConnections = 40;

const $ = (id) => elementById('viewer', id);

const isStage = (value) => [1, 2, 3].includes(value);

// Where the bridge's stage came from (/bridge.json's stage_source), as the page says it: only
// chat-server --web knows its own stage; chat-bridge --stage is what the instructor said.
function bridgeStageSource(info) {
  switch (info?.stage_source) {
    case 'server': return 'as the server reports';
    case 'option': return 'as chat-bridge was told with --stage';
    default: return 'as the bridge reports';
  }
}

// The stage to start with, and where it came from: the bridge knows it when it runs inside
// chat-server (--web) or was told (chat-bridge --stage); else the URL (?stage=2), else what this
// browser used last, else 3 (the server's default).
function initialStage(info) {
  if (isStage(info?.stage)) return { stage: info.stage, source: bridgeStageSource(info) };
  const fromUrl = Number(new URLSearchParams(location.search).get('stage'));
  if (isStage(fromUrl)) return { stage: fromUrl, source: 'from the address' };
  const saved = Number(localStorage.getItem(kStageKey));
  if (isStage(saved)) return { stage: saved, source: 'picked before: check it' };
  return { stage: 3, source: 'a guess: pick the one the server runs' };
}

// What the bridge says about itself at /bridge.json: {websocket, target, stage (null when it
// does not know), stage_source ('server', 'option' or null), max_message_bytes (the largest
// WebSocket message, one whole frame)}. Null when it says nothing; the page then works with
// defaults.
async function fetchBridgeInfo() {
  try {
    const response = await fetch('bridge.json', { cache: 'no-store' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

// The bridge's WebSocket endpoint: always the host that served this page (the bridge decides
// where the bytes go; the page cannot).
function bridgeUrl() {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

class Viewer {
  constructor(codec, info) {
    this.codec = codec;
    this.url = bridgeUrl();
    this.maxMessageBytes = info?.max_message_bytes > 4 ? info.max_message_bytes - 4
                                                        : kDefaultMaxMessageBytes;
    this.conversations = [];
    this.lastId = 0;
    this.selected = null;
    this.selection = null; // {direction, frame}
    this.focus = null;     // {direction, offset}
    this.filter = { [Direction.clientToServer]: true, [Direction.serverToClient]: true };
    this.bytesPerRow = 16;
    this.shownCursor = null; // the step cursor the byte view last scrolled to
    this.historySource = 0; // the id of the connection whose history the chat panel shows
    this.renderPending = false;

    this.byteView = $('byte-view');
    this.bytes = new ByteView(this.byteView);
    this.timeline = new Timeline($('timeline'), (pick) => this.onPickEvent(pick));
    this.chat = new ChatPanel(codec, {
      caption: $('history-caption'), history: $('history'), form: $('composer'),
      input: $('message-input'), send: $('send-button'), chunking: $('chunking-select'),
      status: $('send-status'), refresh: $('refresh'),
    }, {
      onSend: (text, chunkSize) => this.send(text, chunkSize),
      onRefresh: () => this.open(Purpose.history, '', { select: true }),
      maxMessageBytes: this.maxMessageBytes,
    });
    this.step = new StepMode(codec, {
      state: $('step-state'), log: $('step-log'), reset: $('step-reset'), back: $('step-back'),
      next: $('step-next'), frame: $('step-frame'), play: $('step-play'),
      radios: Array.from(document.querySelectorAll('input[name="step-direction"]')),
      toSelection: $('step-to-selection'),
    }, () => this.scheduleRender());
    this.step.onToSelection = () => {
      const frame = this.selectedFrame();
      if (frame) this.step.toFrame(this.selection.direction, frame);
    };
    $('frame-jump').addEventListener('submit', (event) => {
      event.preventDefault();
      this.jumpToFrame($('frame-jump-direction').value, Number($('frame-jump-input').value) - 1);
    });
    $('last-byte').addEventListener('click', () => this.jumpToLastByte($('frame-jump-direction').value));

    this.stageSelect = $('stage-select');
    const { stage, source } = initialStage(info);
    this.stage = stage;
    this.stageSelect.value = String(stage);
    $('stage-source').textContent = `(${source})`;
    this.stageSelect.addEventListener('change', () => {
      const picked = Number(this.stageSelect.value);
      let warning = '';
      if (isStage(info?.stage) && picked !== info.stage) {
        warning = info.stage_source === 'server' ? `(the server runs stage ${info.stage}!)`
                                                 : `(chat-bridge was told stage ${info.stage})`;
      }
      $('stage-source').textContent = warning;
      this.setStage(Number(this.stageSelect.value));
    });

    for (const direction of Object.values(Direction)) {
      const box = $(`show-${direction}`);
      box.addEventListener('change', () => {
        this.filter[direction] = box.checked;
        this.scheduleRender();
      });
    }
    this.byteView.addEventListener('click', (event) => this.onByteViewClick(event));
    document.addEventListener('keydown', (event) => this.onKey(event));
    setupZoom((starting) => this.onZoom(starting));
    new ResizeObserver(() => this.fitRows()).observe(this.byteView);

    this.bridgeText = info?.target ? `chat server ${info.target} via ${this.url}` : `bridge ${this.url}`;
    $('bridge-status').textContent = this.bridgeText;
  }

  start() {
    this.setStage(this.stage);
  }

  setStage(stage) {
    this.stage = stage;
    localStorage.setItem(kStageKey, String(stage));
    this.chat.setStage(stage);
    this.historySource = 0;
    if (stage >= 2) this.open(Purpose.history, '', { select: true });
    this.scheduleRender();
  }

  send(text, chunkSize) {
    this.chat.setStatus('sending…');
    this.open(Purpose.send, text, { select: true, chunkSize });
  }

  // Opens a new connection (a new WebSocket, so a new TCP connection, as the protocol wants).
  open(purpose, message, { select = false, chunkSize = 0, automatic = false } = {}) {
    const conversation = new Conversation({
      id: ++this.lastId, codec: this.codec, url: this.url, stage: this.stage,
      purpose, message, chunkSize, automatic, maxMessageBytes: this.maxMessageBytes,
    });
    this.conversations.push(conversation);
    this.forgetOldConnections();
    conversation.addEventListener('change', () => {
      // Step mode's buttons follow the bytes at the next render, not once per WebSocket message.
      if (conversation === this.selected) this.stepStale = true;
      this.scheduleRender();
    });
    conversation.addEventListener('history', (event) => this.onHistory(conversation, event.detail.items));
    conversation.addEventListener('ack', (event) => this.onAck(conversation, event.detail.frame));
    conversation.addEventListener('end', () => this.onEnd(conversation));
    if (select) this.select(conversation);
    conversation.start();
    return conversation;
  }

  // Keeps the newest kMaxConnections connections (and the selected one): a class session sends
  // many messages, and each connection holds its bytes.
  forgetOldConnections() {
    while (this.conversations.length > kMaxConnections) {
      const index = this.conversations.findIndex((c) => c !== this.selected);
      const [old] = this.conversations.splice(index, 1);
      old.dispose();
    }
  }

  onHistory(conversation, items) {
    if (conversation.id < this.historySource || conversation.stage !== this.stage) return;
    this.historySource = conversation.id;
    this.chat.showHistory(items.map((frame) => frame.message),
                          { conversationId: conversation.id, time: items.at(-1)?.doneAt ?? Date.now() });
  }

  onAck(conversation, frame) {
    if (conversation.id < this.historySource || conversation.stage !== this.stage) return;
    this.chat.appendItem(frame.message, { conversationId: conversation.id, time: frame.doneAt ?? Date.now() });
  }

  onEnd(conversation) {
    const { ok, text } = conversation.outcome;
    const status = $('bridge-status');
    status.className = `bridge ${ok ? 'ok' : 'bad'}`;
    status.title = `#${conversation.id}: ${text}`;
    if (conversation.purpose !== Purpose.send) {
      if (!ok && conversation.id > this.historySource && conversation.stage === this.stage) {
        this.chat.showHistoryProblem(`Connection #${conversation.id} could not read the history: ${text}`);
      }
      return;
    }
    this.chat.setStatus(`#${conversation.id}: ${text}`, ok ? 'ok' : 'bad');
    if (!ok) return;
    if (conversation.stage === 1) this.chat.addSentLocally(conversation.message);
    // Stage 2 sends no acknowledgement: read the history again to show the message in it.
    if (conversation.stage === 2 && !conversation.isHistoryCommand && conversation.stage === this.stage) {
      this.open(Purpose.history, '', { automatic: true });
    }
  }

  select(conversation) {
    this.selected = conversation;
    this.selection = null;
    this.focus = null;
    this.step.setConversation(conversation);
    this.scheduleRender();
  }

  selectFrame(direction, frameIndex, focusOffset = null) {
    this.selection = frameIndex === null ? null : { direction, frame: frameIndex };
    this.focus = focusOffset === null ? null : { direction, offset: focusOffset };
    this.scheduleRender();
  }

  selectedFrame() {
    if (!this.selection || !this.selected) return null;
    return this.selected.streams[this.selection.direction].frames[this.selection.frame] ?? null;
  }

  // Selects frame `index` (0-based) of `direction` and scrolls the byte view to it, however far
  // into the stream it is: the byte view computes where it is, nothing is drawn on the way.
  jumpToFrame(direction, index) {
    const status = $('frame-jump-status');
    const stream = this.selected?.streams[direction];
    const frame = stream?.frames[index];
    if (!frame) {
      status.textContent = !stream ? 'no connection selected'
          : `no frame ${Number.isInteger(index) ? formatCount(index + 1) : '?'}: ` +
            `${directionLabel(direction)} has ${plural(stream.frames.length, 'frame')}`;
      status.className = 'frame-jump-status bad';
      return;
    }
    status.textContent = '';
    status.className = 'frame-jump-status';
    if (!this.filter[direction]) {
      this.filter[direction] = true;
      $(`show-${direction}`).checked = true;
    }
    this.selection = { direction, frame: index };
    this.focus = null;
    this.render();
    this.bytes.reveal(direction, frame.start, { center: true });
  }

  // Scrolls the byte view to the last byte `direction` has received so far.
  jumpToLastByte(direction) {
    const stream = this.selected?.streams[direction];
    if (!stream || stream.length === 0) return;
    if (!this.filter[direction]) {
      this.filter[direction] = true;
      $(`show-${direction}`).checked = true;
    }
    this.render();
    this.bytes.reveal(direction, stream.length - 1, { center: true });
  }

  onByteViewClick(event) {
    const note = event.target.closest('[data-note-frame]');
    if (note) {
      this.selectFrame(note.dataset.dir, Number(note.dataset.noteFrame));
      return;
    }
    const cell = event.target.closest('[data-off]');
    if (!cell || !this.selected) return;
    const direction = cell.dataset.dir;
    const offset = byteOffsetAt(cell, event.clientX);
    const frame = this.selected.streams[direction].frameAt(offset);
    this.selectFrame(direction, frame ? frame.index : null, offset);
  }

  onPickEvent({ direction, chunk, frame }) {
    if (frame !== undefined) {
      this.jumpToFrame(direction, frame);
      return;
    }
    this.bytes.revealChunk(direction, chunk);
  }

  onKey(event) {
    const typing = ['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement?.tagName);
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'ArrowRight' || event.key === 'PageDown') {
      this.step.step();
      event.preventDefault();
    } else if (event.key === 'ArrowLeft' || event.key === 'PageUp') {
      this.step.back();
      event.preventDefault();
    }
  }

  // After a change of zoom (page.js setupZoom()).
  onZoom(starting) {
    this.bytes.remeasure();
    this.chat.remeasure();
    this.timeline.remeasure();
    if (!starting) this.fitRows();  // at start, the byte view's ResizeObserver calls it
    this.scheduleRender();
  }

  fitRows() {
    const perRow = bytesPerRowThatFit(this.byteView);
    if (perRow !== this.bytesPerRow) {
      this.bytesPerRow = perRow;
      this.scheduleRender();
    }
  }

  scheduleRender() {
    if (this.renderPending) return;
    this.renderPending = true;
    requestAnimationFrame(() => {
      this.renderPending = false;
      this.render();
    });
  }

  // Draws every panel for the current state. Each panel draws only what is in view, so this
  // costs the same for a history of ten posts or of 100,000.
  render() {
    // The connection buttons are redrawn only when one of them changed.
    const connections = this.conversations.map((c) => `${c.id}${c.status}${c.outcome?.ok}`).join() +
                        `|${this.selected?.id}`;
    if (connections !== this.shownConnections) {
      this.shownConnections = connections;
      renderConnections($('connections'), this.conversations, this.selected, (c) => this.select(c),
                        (c) => c.close('closed by the user'));
    }
    if (this.stepStale) {
      this.stepStale = false;
      this.step.refresh();
    }
    const cursor = this.step.cursor;
    this.bytes.render(this.selected, {
      filter: this.filter, selection: this.selection, focus: this.focus, step: cursor,
      bytesPerRow: this.bytesPerRow,
    });
    const stream = this.selection && this.selected ? this.selected.streams[this.selection.direction] : null;
    const frame = this.selectedFrame();
    const focus = this.focus ? this.focus.offset : null;
    // The inspector is redrawn when its frame, the byte clicked or what is known of the frame
    // changed, not for every WebSocket message.
    const inspected = [stream, frame, focus, frame?.status, frame?.end, frame?.role];
    if (!this.inspected || inspected.some((value, i) => value !== this.inspected[i])) {
      this.inspected = inspected;
      renderInspector($('inspector'), this.codec, stream, frame, focus);
    }
    const s2c = this.selected ? this.selected.streams.s2c.frames.length : 0;
    const c2s = this.selected ? this.selected.streams.c2s.frames.length : 0;
    const count = this.selected ? `(◀ ${formatCount(s2c)} · ▶ ${formatCount(c2s)})` : '';
    if ($('frame-count').textContent !== count) $('frame-count').textContent = count;
    // Last: following its end, the timeline sets its scroll position, which lays the page out.
    this.timeline.render(this.selected);
    // Step mode's cursor is kept in view when it moves (not on every render, so that the byte
    // view can be scrolled while stepping).
    const key = cursor ? `${cursor.direction}:${cursor.fed}` : null;
    if (cursor && key !== this.shownCursor) this.bytes.reveal(cursor.direction, cursor.fed - 1);
    this.shownCursor = key;
  }
}

// The stream offset of the byte clicked in `cell`: a hex cell is one byte; an ASCII cell is a run
// of bytes from data-off, one character each in a monospaced font, so the click's x says which.
function byteOffsetAt(cell, clientX) {
  const offset = Number(cell.dataset.off);
  const count = cell.classList.contains('a') ? cell.textContent.length : 1;
  if (count <= 1) return offset;
  const box = cell.getBoundingClientRect();
  const index = Math.floor(((clientX - box.left) / box.width) * count);
  return offset + Math.min(count - 1, Math.max(0, index));
}

function showFatal(error) {
  showPageFatal('viewer', error);
  $('bridge-status').textContent = 'not started';
  $('bridge-status').className = 'bridge bad';
}

async function main() {
  try {
    const [codec, info] = await Promise.all([loadCodec(globalThis.ChatkitWasm), fetchBridgeInfo()]);
    const viewer = new Viewer(codec, info);
    viewer.start();
    document.documentElement.dataset.viewer = 'ready';
  } catch (error) {
    showFatal(error);
    throw error;
  }
}

main();
