// The timeline: what happened on the selected connection, in order, with wall-clock times and
// the time since the connection started: the connect, each WebSocket message either way, each
// frame the decoder completed, hints, the close and the outcome. Clicking a message or a frame
// shows it in the byte view.

import { directionArrow, el, formatClock, formatDelta } from './dom.js';

// onPick({direction, chunk}) or onPick({direction, frame}) when a row is clicked.
export function renderTimeline(container, conversation, onPick) {
  container.replaceChildren();
  if (!conversation) return;
  for (const event of conversation.events) {
    const link = event.direction && (event.chunk !== undefined || event.frame !== undefined);
    const row = el('li', {
      className: `ev-${event.kind}${link ? ' link' : ''}`,
      dataset: { kind: event.kind },
      children: [
        el('span', { className: 'when', children: [
          el('span', { className: 'clock', text: formatClock(event.time) }),
          el('span', { className: 'delta', text: formatDelta(event.time - conversation.startedAt) }),
        ] }),
        el('span', { className: `dir ${event.direction || ''}`,
                     text: event.direction ? directionArrow(event.direction) : '' }),
        el('span', { className: 'what', text: event.text }),
      ],
    });
    if (link) {
      row.addEventListener('click', () => onPick({ direction: event.direction, chunk: event.chunk,
                                                   frame: event.frame }));
    }
    container.append(row);
  }
  container.scrollTop = container.scrollHeight;
}
