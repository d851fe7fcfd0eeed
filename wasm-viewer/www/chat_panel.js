// The chat panel: the history as the server last sent it, and the box to send a message. A
// history item is shown as text, always: a stage-3 post is split (by the kit's parse_post) into
// its time and host line and its message; anything else is shown exactly as it arrived.

import { el, formatClock, plural } from './dom.js';

// A stage-3 post is up to 289 bytes longer than its message (docs/protocol.md, 2.5).
const kPostOverheadBytes = 289;
const utf8 = new TextEncoder();

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
    this.elements.history.replaceChildren();
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

  // Shows a complete history: `items` are the item frames' payloads (Uint8Array).
  showHistory(items, { conversationId, time }) {
    const list = this.elements.history;
    list.replaceChildren();
    this.shown = { count: items.length, connections: [conversationId], time };
    this.problem = '';
    this.renderCaption();
    if (items.length === 0) {
      list.append(el('li', { className: 'empty', text: 'The history is empty: be the first to post.' }));
      return;
    }
    for (const bytes of items) list.append(this.item(bytes, false));
    list.scrollTop = list.scrollHeight;
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
    const list = this.elements.history;
    list.querySelector('.empty')?.remove();
    list.append(this.item(bytes, true));
    list.scrollTop = list.scrollHeight;
    this.shown ??= { count: 0, connections: [], time };
    this.shown.count += 1;
    if (!this.shown.connections.includes(conversationId)) this.shown.connections.push(conversationId);
    this.shown.time = time;
    this.renderCaption();
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
    const list = this.elements.history;
    list.replaceChildren();
    if (this.sentLocally.length === 0) {
      list.append(el('li', { className: 'empty', text: 'Nothing sent yet.' }));
      return;
    }
    for (const text of this.sentLocally) {
      list.append(el('li', { children: [el('span', { className: 'message', text })] }));
    }
  }

  item(bytes, isNew) {
    const post = this.codec.parsePost(bytes);
    const text = new TextDecoder().decode(bytes);
    const children = post
        ? [el('span', { className: 'meta', text: `${post.time} · ${post.host}` }),
           el('span', { className: 'message', text: post.message })]
        : [el('span', { className: 'message', text })];
    return el('li', { className: isNew ? 'new' : '', children });
  }

  setStatus(text, kind = '') {
    this.elements.status.textContent = text;
    this.elements.status.className = `status ${kind}`;
  }
}
