// The timeline: what happened on the selected connection, in order, with wall-clock times and
// the time since the connection started: the connect, each WebSocket message either way, each
// frame the decoder completed, hints, the close and the outcome. Clicking a message or a frame
// shows it in the byte view.
//
// The list is virtual: a history of 100,000 posts is 100,000 "frame complete" events, and only
// the rows in view are in the DOM. Every row has the same height (the time and delta, and up to
// two lines of text; a longer text is cut, whole on hover), and the list keeps to its end while
// it is there, so new events show as they happen.

import { directionArrow, el, formatClock, formatDelta, measureHeight, rowsInView } from './dom.js';

const kFollowIntervalMs = 150;

export class Timeline {
  // onPick({direction, chunk}) or onPick({direction, frame}) when a row is clicked.
  constructor(container, onPick) {
    this.container = container;
    this.conversation = null;
    this.rowHeight = 0;
    this.drawPending = false;
    this.drawn = '';
    // The scroll position, the height and whether the list follows its end, kept from the
    // events that change them: reading them from the element would make the browser lay out
    // the page first, for every WebSocket message of a long history.
    this.scrollTop = 0;
    this.height = container.clientHeight;
    this.follow = true;
    this.followDrawn = 0;
    this.followTimer = null;
    container.addEventListener('scroll', () => {
      if (Math.abs(container.scrollTop - this.scrollTop) < 1) return;  // our own scrollTo
      this.scrollTop = container.scrollTop;
      this.follow = this.scrollTop + this.height >= this.contentHeight() - 4;
      this.scheduleDraw();
    });
    new ResizeObserver(() => {
      this.height = container.clientHeight;
      this.scheduleDraw();
    }).observe(container);
    container.addEventListener('click', (event) => {
      const row = event.target.closest('li[data-event]');
      const picked = row && this.conversation?.events[Number(row.dataset.event)];
      if (picked && picked.direction && (picked.chunk !== undefined || picked.frame !== undefined)) {
        onPick({ direction: picked.direction, chunk: picked.chunk, frame: picked.frame });
      }
    });
  }

  remeasure() {
    this.rowHeight = 0;
    this.drawn = '';
    this.scheduleDraw();
  }

  // Shows `conversation`'s events; a newly selected one, or one followed at its end, shows its
  // newest events.
  // While a long history arrives, a timeline that follows its end would be redrawn (and the page
  // laid out to scroll it) for every WebSocket message, faster than anyone reads: it is redrawn
  // at most every kFollowIntervalMs then, and once more when the events stop.
  render(conversation) {
    const fresh = conversation !== this.conversation;
    if (fresh) this.follow = true;
    this.conversation = conversation;
    clearTimeout(this.followTimer);
    this.followTimer = null;
    const now = performance.now();
    if (fresh || !this.follow || now - this.followDrawn >= kFollowIntervalMs) {
      this.followDrawn = now;
      this.draw();
    } else {
      this.followTimer = setTimeout(() => this.render(this.conversation), kFollowIntervalMs);
    }
  }

  contentHeight() {
    return (this.conversation ? this.conversation.events.length : 0) * this.rowHeight;
  }

  scheduleDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  draw() {
    const list = this.container;
    const events = this.conversation ? this.conversation.events : [];
    if (events.length === 0) {
      this.drawn = '';
      list.style.removeProperty('--pad-top');
      list.style.removeProperty('--pad-bottom');
      list.replaceChildren();
      return;
    }
    if (this.rowHeight === 0) {
      list.style.removeProperty('--timeline-row');
      this.rowHeight = Math.max(1, measureHeight(list, this.row(events[0], 0)));
      list.style.setProperty('--timeline-row', `${this.rowHeight}px`);
    }
    const h = this.rowHeight;
    if (this.follow) this.scrollTop = Math.max(0, events.length * h - this.height);
    const { first, end } = rowsInView(this.scrollTop, this.height || 300, h, events.length);
    const drawn = `${first} ${end} ${events.length} ${h}`;
    const last = events[events.length - 1];
    // The newest event's text may change (the page rewrites "connected" after a bad gateway).
    if (drawn === this.drawn && last === this.lastEvent && last.text === this.lastText) {
      if (this.follow) list.scrollTop = this.scrollTop;
      return;
    }
    this.drawn = drawn;
    this.lastEvent = last;
    this.lastText = last.text;
    list.style.setProperty('--pad-top', `${first * h}px`);
    list.style.setProperty('--pad-bottom', `${(events.length - end) * h}px`);
    const rows = [];
    for (let i = first; i < end; ++i) rows.push(this.row(events[i], i));
    list.replaceChildren(...rows);
    if (this.follow) list.scrollTop = this.scrollTop;
  }

  row(event, index) {
    const link = event.direction && (event.chunk !== undefined || event.frame !== undefined);
    return el('li', {
      className: `ev-${event.kind}${link ? ' link' : ''}`,
      title: event.text,
      dataset: { kind: event.kind, event: index },
      children: [
        el('span', { className: 'when', children: [
          el('span', { className: 'clock', text: formatClock(event.time) }),
          el('span', { className: 'delta', text: formatDelta(event.time - this.conversation.startedAt) }),
        ] }),
        el('span', { className: `dir ${event.direction || ''}`,
                     text: event.direction ? directionArrow(event.direction) : '' }),
        el('span', { className: 'what', text: event.text }),
      ],
    });
  }
}
