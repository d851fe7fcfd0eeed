// What the viewer's two pages (index.html and class.html) share around their own content: the
// element lookup, the zoom buttons, how many bytes a row of the byte view fits, and what a page
// shows when it cannot start.

import { el } from './dom.js';

const kZoomKey = 'chatkit.viewer.zoom';  // one key for both pages: one projector, one size

// The element with this id; throws, naming `page` and the id, when the page has none.
export function elementById(page, id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`${page}: the page has no #${id}`);
  return node;
}

// Wires #zoom-in and #zoom-out to the page's --zoom (0.6 to 2, in steps of 0.1), kept in
// localStorage, and applies the stored zoom at once. `onZoom(starting)` runs after every change,
// `starting` true for the first one, made from here before this function returns.
export function setupZoom(onZoom) {
  let zoom = Number(localStorage.getItem(kZoomKey)) || 1;
  const apply = (starting) => {
    zoom = Math.min(2, Math.max(0.6, Math.round(zoom * 10) / 10));
    document.documentElement.style.setProperty('--zoom', String(zoom));
    localStorage.setItem(kZoomKey, String(zoom));
    onZoom(starting);
  };
  document.getElementById('zoom-in').addEventListener('click', () => { zoom += 0.1; apply(false); });
  document.getElementById('zoom-out').addEventListener('click', () => { zoom -= 0.1; apply(false); });
  apply(true);
}

// 16 bytes a row of `byteView` when they fit, else 8 (offset 5.5ch + 3ch a byte + 1ch of ASCII a
// byte + gaps), measured in its current font.
export function bytesPerRowThatFit(byteView) {
  const probe = el('span', { text: '0'.repeat(10) });
  probe.style.setProperty('visibility', 'hidden');
  probe.style.setProperty('position', 'absolute');
  byteView.append(probe);
  const charWidth = probe.getBoundingClientRect().width / 10 || 12;
  probe.remove();
  return byteView.clientWidth / charWidth >= 5.5 + 16 * 4 + 4 ? 16 : 8;
}

// Puts "The <what> could not start. <why>" at the top of the page, as an alert.
export function showFatal(what, error) {
  const box = el('div', { className: 'fatal', attrs: { role: 'alert' }, children: [
    el('strong', { text: `The ${what} could not start. ` }),
    el('span', { text: error instanceof Error ? error.message : String(error) }),
  ] });
  document.body.prepend(box);
}
