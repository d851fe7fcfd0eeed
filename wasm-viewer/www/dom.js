// Small DOM and formatting helpers shared by the viewer's panels.
//
// Every piece of text reaches the page through textContent (el()'s `text`), never innerHTML:
// chat messages come from anyone in the class, and a message such as
// `<img src=x onerror=...>` must show as those characters and run nothing.

// Creates an element. `options`: className, text (set as textContent), title, dataset (an object
// of data-* values), attrs (plain attributes; event-handler attributes are refused), children.
export function el(tag, options = {}) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined && options.text !== null) node.textContent = String(options.text);
  if (options.title) node.title = options.title;
  for (const [key, value] of Object.entries(options.dataset || {})) node.dataset[key] = String(value);
  for (const [name, value] of Object.entries(options.attrs || {})) {
    if (/^on/i.test(name)) throw new Error(`el(): refusing event-handler attribute ${name}`);
    node.setAttribute(name, String(value));
  }
  for (const child of options.children || []) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// Two lower-case hex digits: 12 -> "0c".
export function hex2(byte) {
  return byte.toString(16).padStart(2, '0');
}

// "00 00 00 0c" for the given bytes (any array-like of numbers).
export function hexBytes(bytes) {
  return Array.from(bytes, hex2).join(' ');
}

// A stream offset as the byte view prints it: at least 4 hex digits.
export function hexOffset(offset) {
  return offset.toString(16).padStart(4, '0');
}

// The ASCII column's character for a byte: printable ASCII as itself, anything else as a dot.
export function asciiChar(byte) {
  return byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : '.';
}

// Wall-clock time of a millisecond timestamp (performance.timeOrigin-based) as HH:MM:SS.mmm.
export function formatClock(ms) {
  const date = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.` +
         String(date.getMilliseconds()).padStart(3, '0');
}

// A duration in milliseconds, "+0.42 ms" / "+12.3 ms" / "+1.250 s".
export function formatDelta(ms) {
  if (ms < 10) return `+${ms.toFixed(2)} ms`;
  if (ms < 1000) return `+${ms.toFixed(1)} ms`;
  return `+${(ms / 1000).toFixed(3)} s`;
}

// The current time in milliseconds since the epoch, with sub-millisecond precision.
export function now() {
  return performance.timeOrigin + performance.now();
}

// 12345 -> "12,345", as toLocaleString('en') writes a whole number. (toLocaleString builds a
// formatter per call, which showed in the profile of a long history, and the first formatter
// costs tens of milliseconds at start-up.)
export function formatCount(count) {
  if (!Number.isInteger(count)) return count.toLocaleString('en');
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// "1 byte", "12 bytes".
export function plural(count, word) {
  return `${formatCount(count)} ${word}${count === 1 ? '' : 's'}`;
}

// A message shortened for one line, in quotes: “héllo wö…”.
export function quote(text, max = 40) {
  const chars = Array.from(text);
  const shown = chars.length > max ? chars.slice(0, max - 1).join('') + '…' : text;
  return `“${shown.replace(/\n/g, '⏎')}”`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// Control characters other than tab and line breaks: they show as nothing, or as boxes.
const kUnprintable = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
// Bytes quoted in hex at most, in a sentence.
const kMaxQuotedHexBytes = 16;

// A payload (Uint8Array) as a string when it is printable text (UTF-8 without control
// characters other than tab and line breaks), else null.
export function printableText(bytes) {
  let text;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return null;  // Not UTF-8.
  }
  return kUnprintable.test(text) ? null : text;
}

// A received payload (Uint8Array) for a sentence: quoted like quote() when it is printable text,
// else its bytes in hex, so that a count sent as a binary number reads
// `4 bytes 00 00 00 05 (not text)` rather than as four invisible characters.
export function quotePayload(bytes, max = 40) {
  const text = printableText(bytes);
  if (text !== null) return quote(text, max);
  const shown = hexBytes(bytes.subarray(0, kMaxQuotedHexBytes));
  const more = bytes.length > kMaxQuotedHexBytes ? ' …' : '';
  return `${plural(bytes.length, 'byte')} ${shown}${more} (not text)`;
}

// The direction names the page uses everywhere.
export const Direction = Object.freeze({
  clientToServer: 'c2s',
  serverToClient: 's2c',
});

export function directionLabel(direction) {
  return direction === Direction.clientToServer ? 'client → server' : 'server → client';
}

export function directionArrow(direction) {
  return direction === Direction.clientToServer ? '▶' : '◀';
}

// The first index in [0, length) for which `isAfter(index)` is true, `length` when none is; the
// predicate must be false, then true, along the indices (a binary search).
export function firstIndex(length, isAfter) {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (isAfter(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

// The rows [first, end) of a list of `count` rows of `rowHeight` pixels that a scroller showing
// [scrollTop, scrollTop + height) needs in the DOM, with `overscan` more rows either side so that
// a small scroll shows rows that are already there.
export function rowsInView(scrollTop, height, rowHeight, count, overscan = 3) {
  if (rowHeight <= 0 || count === 0) return { first: 0, end: Math.min(count, 50) };
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return { first, end: Math.max(first, end) };
}

// The height in whole pixels of `node` once in `parent` (then removed): a virtual list's row
// height follows the zoom, so it is measured rather than assumed.
export function measureHeight(parent, node) {
  node.style.setProperty('visibility', 'hidden');
  parent.append(node);
  const height = Math.round(node.getBoundingClientRect().height);
  node.remove();
  return height;
}

// Whether a scroller is scrolled to (within a pixel or two of) its end.
export function atBottom(scroller) {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 4;
}
