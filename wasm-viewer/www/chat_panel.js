// The chat panel: the history as the server last sent it, and the box to send a message. A
// history item is shown as text, always: a stage-3 post is split (by the kit's parse_post) into
// its time and host line and its message; anything else is shown exactly as it arrived.
//
// The list is virtual: a semester's history is 100,000 posts, and only the rows in view (and a
// few more) are in the DOM. Every row has the same height (a post's time and host, then its
// message on one line, or a message on two, cut beyond), so the rows in view are arithmetic.
// A post is parsed (the kit's parse_post) only when its row is drawn.

import { atBottom, el, formatClock, measureHeight, plural, rowsInView } from './dom.js';

// A stage-3 post is up to 289 bytes longer than its message (docs/protocol.md, 2.5).
const kPostOverheadBytes = 289;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export class ChatPanel {
  // elements: {caption, history, form, input, send, chunking, status, refresh};
  // onSend(text, chunkSize) and onRefresh() are the user's requests.
  constructor(codec, elements, { onSend, onRefresh, maxMessageBytes }) {
    this.codec = codec;
    this.elements = elements;
    this.maxMessageBytes = maxMessageBytes;
    this.stage = 3;
    this.sentLocally = [];
    // What the list shows, for the caption: {count, connections (ids, in order), time}; null
    // before the first history.
    this.shown = null;
    this.problem = '';  // Why the latest history could not be read, if it could not.
    this.rows = [];     // what the list shows: {bytes} (history items) or {text} (stage 1)
    this.newFrom = Infinity;  // rows from this index on arrived as acknowledgements
    this.emptyText = '';
    this.rowHeight = 0;
    this.drawPending = false;
    elements.history.addEventListener('scroll', () => this.scheduleDraw());
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = elements.input.value;
      const problem = this.checkMessage(text);
      if (problem) {
        this.setStatus(problem, 'bad');
        return;
      }
      onSend(text, Number(elements.chunking.value));
      elements.input.value = '';
    });
    elements.refresh.addEventListener('click', () => onRefresh());
  }

  setStage(stage) {
    this.stage = stage;
    this.elements.refresh.disabled = stage === 1;
    this.setRows([], '');
    this.elements.caption.classList.remove('bad');
    this.shown = null;
    this.problem = '';
    if (stage === 1) {
      this.elements.caption.textContent =
          'Stage 1: the server never sends the history. Messages this page sent:';
      this.renderLocal();
    } else {
      this.elements.caption.textContent = 'Waiting for the history…';
    }
  }

  // Whether the server can take `text`: the limit is on bytes, not characters.
  checkMessage(text) {
    const bytes = utf8.encode(text).length;
    const limit = this.stage === 3 ? this.maxMessageBytes - kPostOverheadBytes : this.maxMessageBytes;
    if (bytes > limit) {
      return `That message is ${plural(bytes, 'byte')} in UTF-8; a stage-${this.stage} server ` +
             `takes at most ${plural(limit, 'byte')}.`;
    }
    return '';
  }

  // Shows a complete history: `items` are the item frames' payloads (Uint8Array). The list
  // scrolls to the newest, as chat programs do.
  showHistory(items, { conversationId, time }) {
    this.shown = { count: items.length, connections: [conversationId], time };
    this.problem = '';
    this.renderCaption();
    this.setRows(items.map((bytes) => ({ bytes })), 'The history is empty: be the first to post.');
    this.scrollToEnd();
  }

  // The history could not be read (the list keeps what it showed before, if anything, and the
  // caption still says what that is).
  showHistoryProblem(text) {
    this.problem = text;
    this.renderCaption();
  }

  // Adds one item (the stage-3 acknowledgement: the post as stored, which connection
  // #conversationId received at `time`) to the end of the list; the caption counts it.
  appendItem(bytes, { conversationId, time }) {
    this.newFrom = Math.min(this.newFrom, this.rows.length);
    this.rows.push({ bytes });
    this.shown ??= { count: 0, connections: [], time };
    this.shown.count += 1;
    if (!this.shown.connections.includes(conversationId)) this.shown.connections.push(conversationId);
    this.shown.time = time;
    this.renderCaption();
    this.scrollToEnd();
  }

  // The caption says what the list shows, counted from the same records the list was built
  // from: "3 messages, as connection #2 received them at 10:15:02.123" (the time of the last),
  // after the problem with the latest history if there was one.
  renderCaption() {
    const caption = this.elements.caption;
    caption.classList.toggle('bad', this.problem !== '');
    if (!this.shown) {
      caption.textContent = this.problem || 'Waiting for the history…';
      return;
    }
    const { count, connections, time } = this.shown;
    const ids = connections.map((id) => `#${id}`);
    const who = ids.length === 1 ? `connection ${ids[0]}`
                                 : `connections ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
    const shown = `${plural(count, 'message')}, as ${who} received them at ${formatClock(time)}`;
    caption.textContent = this.problem ? `${this.problem}. The list below: ${shown}` : shown;
  }

  // Stage 1: the server shows nothing back, so the panel lists what this page sent.
  addSentLocally(text) {
    this.sentLocally.push(text);
    if (this.stage === 1) this.renderLocal();
  }

  renderLocal() {
    this.setRows(this.sentLocally.map((text) => ({ text })), 'Nothing sent yet.');
    this.scrollToEnd();
  }

  setRows(rows, emptyText) {
    this.rows = rows;
    this.newFrom = Infinity;
    this.emptyText = emptyText;
    this.draw();
  }

  // The row height follows the zoom: measured again when it changes.
  remeasure() {
    this.rowHeight = 0;
    this.scheduleDraw();
  }

  scrollToEnd() {
    this.draw();
    const list = this.elements.history;
    list.scrollTop = list.scrollHeight;
    this.draw();
  }

  scheduleDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  // Puts the rows in view (and a few more) into the list; space above and below them (the
  // list's ::before and ::after, as tall as --pad-top and --pad-bottom) stands for the others,
  // so the scroll bar is that of the whole list. (Padding would not do: a flex item is never
  // shorter than its padding, so the list would grow instead of scrolling.)
  draw() {
    const list = this.elements.history;
    if (this.rows.length === 0) {
      list.style.removeProperty('--pad-top');
      list.style.removeProperty('--pad-bottom');
      list.replaceChildren(...(this.emptyText ? [el('li', { className: 'empty', text: this.emptyText })] : []));
      return;
    }
    if (this.rowHeight === 0) {
      list.style.removeProperty('--chat-row');
      this.rowHeight = Math.max(1, measureHeight(list, this.item({ text: 'x' }, 0)));
      list.style.setProperty('--chat-row', `${this.rowHeight}px`);
    }
    const h = this.rowHeight;
    const stick = atBottom(list);
    const { first, end } = rowsInView(list.scrollTop, list.clientHeight || 400, h, this.rows.length);
    list.style.setProperty('--pad-top', `${first * h}px`);
    list.style.setProperty('--pad-bottom', `${(this.rows.length - end) * h}px`);
    const items = [];
    for (let i = first; i < end; ++i) items.push(this.item(this.rows[i], i));
    list.replaceChildren(...items);
    if (stick) list.scrollTop = list.scrollHeight;
  }

  item(row, index) {
    const isNew = index >= this.newFrom;
    let children;
    if (row.bytes) {
      const post = this.codec.parsePost(row.bytes);
      children = post
          ? [el('span', { className: 'meta', text: `${post.time} · ${post.host}` }),
             el('span', { className: 'message', text: post.message })]
          : [el('span', { className: 'message', text: utf8Decoder.decode(row.bytes) })];
    } else {
      children = [el('span', { className: 'message', text: row.text })];
    }
    return el('li', { className: `${isNew ? 'new' : ''}${children.length === 1 ? ' plain' : ''}`,
                      dataset: { item: index + 1 }, children });
  }

  setStatus(text, kind = '') {
    this.elements.status.textContent = text;
    this.elements.status.className = `status ${kind}`;
  }
}
