// The list of connections this page opened, newest last, as buttons that pick the one the byte
// view, the timeline and step mode show. Each is labelled with its number, its purpose and how
// it ended (✓ did what it was for, ✗ did not, … still open).

import { el, formatClock } from './dom.js';

// onPick(conversation) selects one; onClose(conversation) closes one that is still open.
export function renderConnections(container, conversations, selected, onPick, onClose) {
  container.replaceChildren();
  for (const conversation of conversations) {
    const state = conversation.outcome ? (conversation.outcome.ok ? 'state-ok' : 'state-bad') : 'state-open';
    const button = el('button', {
      className: state,
      text: `#${conversation.id} ${conversation.title}`,
      title: `${formatClock(conversation.startedAt)} · stage ${conversation.stage} · ` +
             (conversation.outcome ? conversation.outcome.text : 'open'),
      dataset: { conversation: conversation.id },
      attrs: { type: 'button', 'aria-pressed': conversation === selected ? 'true' : 'false' },
    });
    button.addEventListener('click', () => onPick(conversation));
    container.append(button);
    if (conversation.status === 'open' || conversation.status === 'connecting') {
      const close = el('button', {
        className: 'close-connection', text: '✕', title: `close connection #${conversation.id}`,
        attrs: { type: 'button', 'aria-label': `close connection #${conversation.id}` },
      });
      close.addEventListener('click', () => onClose(conversation));
      container.append(close);
    }
  }
}
