// The byte view: every byte of one connection, offset | hex | ASCII, in the order the WebSocket
// messages went over the wire (the chunk layer), coloured by the frame the kit's decoder put it
// in (the frame layer): length-prefix bytes strong, payload bytes soft, blue client → server,
// orange server → client. A dark bar marks where a frame starts; under each chunk, a note for
// each frame that starts in it ("00 00 00 0c → length 12").
//
// Offsets count from the start of each direction's stream, and rows are aligned to them, so a
// frame that continues in the next chunk continues in the same column.
//
// The view is virtual: a history of 100,000 posts is 8.5 MB, half a million rows, and only the
// rows in view are in the DOM. Every line (a chunk's heading, a row of bytes, a frame note, the
// gap after a chunk) is one line of the same height, so the line at any scroll position is
// arithmetic: each chunk is a block of lines, and a block's first line is a prefix sum. New
// chunks only add blocks at the end (only the newest chunk of a direction can still gain
// frames), so keeping the layout costs as much as the bytes that arrived, not the bytes so far.

import { kFrameHeaderBytes } from './codec.js';
import {
  Direction, asciiChar, directionArrow, directionLabel, el, firstIndex, formatClock, formatDelta,
  hex2, hexBytes, hexOffset, measureHeight, plural, quotePayload, rowsInView,
} from './dom.js';
import { ByteRole } from './wire.js';

const kDirections = [Direction.clientToServer, Direction.serverToClient];
const kMaxScrollPixels = 4000000;

// Both directions' chunks in the order they went over the wire, kept per conversation and
// extended as chunks arrive (chunks only ever arrive later than the ones before).
const arrivals = new WeakMap();

function arrivalOrder(conversation) {
  let order = arrivals.get(conversation);
  if (!order) {
    order = { dirs: [], chunks: [], seen: { c2s: 0, s2c: 0 } };
    arrivals.set(conversation, order);
  }
  const fresh = [];
  for (const direction of kDirections) {
    const chunks = conversation.streams[direction].chunks;
    for (let i = order.seen[direction]; i < chunks.length; ++i) fresh.push({ direction, chunk: chunks[i] });
    order.seen[direction] = chunks.length;
  }
  if (fresh.length > 1) fresh.sort((a, b) => a.chunk.time - b.chunk.time);
  for (const { direction, chunk } of fresh) {
    order.dirs.push(direction);
    order.chunks.push(chunk.index);
  }
  return order;
}

// The lines of one conversation as shown with one filter and row width.
class Layout {
  constructor(conversation, filter, perRow) {
    this.conversation = conversation;
    this.filter = { ...filter };
    this.perRow = perRow;
    this.consumed = 0;     // arrival-order entries looked at
    this.dirs = [];        // per block: direction
    this.chunks = [];      // per block: chunk index
    this.lines = [];       // per block: number of lines
    this.tops = [];        // per block: first line
    this.total = 0;        // lines in all
    this.blockOf = { c2s: [], s2c: [] };  // chunk index -> block, per direction shown
    this.live = { c2s: -1, s2c: -1 };     // per direction: the first block that may still change
    this.stamp = '';       // what the conversation held at the last update
    this.changedLine = 0;  // the first line the last update may have changed (Infinity: none)
  }

  fits(conversation, filter, perRow) {
    return conversation === this.conversation && perRow === this.perRow &&
           kDirections.every((d) => Boolean(filter[d]) === Boolean(this.filter[d]));
  }

  // Takes in the chunks that arrived and the frames that completed since the last update.
  update() {
    const { c2s, s2c } = this.conversation.streams;
    const stamp = `${c2s.length} ${s2c.length} ${c2s.frames.length} ${s2c.frames.length} ` +
                  `${this.conversation.status}`;
    if (stamp === this.stamp) {
      this.changedLine = Infinity;
      return;
    }
    this.stamp = stamp;
    const order = arrivalOrder(this.conversation);
    let dirtyFrom = this.dirs.length;
    for (const direction of kDirections) {
      const block = this.live[direction];
      if (block < 0) continue;
      dirtyFrom = Math.min(dirtyFrom, block);
      for (let b = block; b < this.dirs.length; ++b) {
        if (this.dirs[b] === direction) this.lines[b] = this.blockLines(direction, this.chunks[b]);
      }
    }
    for (; this.consumed < order.dirs.length; ++this.consumed) {
      const direction = order.dirs[this.consumed];
      if (!this.filter[direction]) continue;
      const chunk = order.chunks[this.consumed];
      const block = this.dirs.length;
      this.dirs.push(direction);
      this.chunks.push(chunk);
      this.lines.push(this.blockLines(direction, chunk));
      this.tops.push(0);
      this.blockOf[direction][chunk] = block;
    }
    for (let b = dirtyFrom; b < this.dirs.length; ++b) {
      this.tops[b] = b === 0 ? 0 : this.tops[b - 1] + this.lines[b - 1];
    }
    const last = this.dirs.length - 1;
    this.changedLine = dirtyFrom < this.tops.length ? this.tops[dirtyFrom] : this.total;
    this.total = last < 0 ? 0 : this.tops[last] + this.lines[last];
    // Only a stream's newest chunk can gain frames (or the note after a failure); a closed
    // conversation's blocks are final.
    for (const direction of kDirections) {
      const stream = this.conversation.streams[direction];
      const newest = this.blockOf[direction][stream.chunks.length - 1];
      this.live[direction] = this.conversation.status === 'closed' || newest === undefined ? -1 : newest;
    }
  }

  // A chunk's block: its heading, its rows, its notes, a gap.
  blockLines(direction, chunkIndex) {
    const stream = this.conversation.streams[direction];
    return 1 + this.rowCount(stream.chunks[chunkIndex]) + noteList(stream, chunkIndex).length + 1;
  }

  rowCount(chunk) {
    const firstRow = Math.floor(chunk.start / this.perRow) * this.perRow;
    return Math.ceil((chunk.start + chunk.bytes.length - firstRow) / this.perRow);
  }

  // The block holding line `line`.
  blockAt(line) {
    return Math.max(0, firstIndex(this.tops.length, (b) => this.tops[b] > line) - 1);
  }

  // The line of the row holding stream byte `offset` of `direction`, or -1 when not shown.
  lineOfByte(direction, offset) {
    const stream = this.conversation.streams[direction];
    const chunk = stream.chunkAt(offset);
    const block = chunk ? this.blockOf[direction][chunk.index] : undefined;
    if (block === undefined) return -1;
    const firstRow = Math.floor(chunk.start / this.perRow) * this.perRow;
    return this.tops[block] + 1 + Math.floor((offset - firstRow) / this.perRow);
  }
}

// The notes under a chunk, as descriptions: the frame that continues into it from an earlier
// chunk, each frame that starts in it, and the bytes after a failure.
function noteList(stream, chunkIndex) {
  const chunk = stream.chunks[chunkIndex];
  const end = chunk.start + chunk.bytes.length;
  const notes = [];
  const spanning = chunk.start > 0 ? stream.frameAt(chunk.start) : null;
  if (spanning && spanning.start < chunk.start) notes.push({ kind: 'continues', frame: spanning });
  const frames = stream.frames;
  const from = firstIndex(frames.length, (i) => frames[i].start >= chunk.start);
  for (let i = from; i < frames.length && frames[i].start < end; ++i) {
    notes.push({ kind: 'starts', frame: frames[i] });
  }
  const failure = stream.failure;
  if (failure && failure.offset < end && failure.offset >= chunk.start && stream.length > failure.offset) {
    notes.push({ kind: 'failure', left: stream.length - failure.offset });
  }
  return notes;
}

export class ByteView {
  // `options.chunkTitle(chunk)` names a chunk in its heading and `options.chunkRef(index)` in the
  // notes of a frame that spans chunks; by default, the WebSocket messages the viewer received
  // ("WebSocket message 3", "message 3"). The class view names the pieces of the server's feed.
  constructor(container, options = {}) {
    this.container = container;
    this.chunkTitle = options.chunkTitle ?? ((chunk) => `WebSocket message ${chunk.index + 1}`);
    this.chunkRef = options.chunkRef ?? ((index) => `message ${index + 1}`);
    this.sizer = el('div', { className: 'bv-sizer' });
    this.window = el('div', { className: 'bv-window' });
    this.sizer.append(this.window);
    this.layout = null;
    this.lineHeight = 0;
    this.conversation = null;
    this.view = null;
    this.drawPending = false;
    this.drawn = '';  // what the lines in the DOM show: range and view
    // Where the view is scrolled and how tall it is, kept from the events that change them:
    // reading them from the element would make the browser lay out the page first, once per
    // WebSocket message while a long history arrives.
    this.scrollTop = 0;
    this.height = container.clientHeight;
    container.addEventListener('scroll', () => {
      this.scrollTop = container.scrollTop;
      this.scheduleDraw();
    });
    // A cell's hover text is written when the pointer reaches it, not for every byte drawn.
    container.addEventListener('mouseover', (event) => {
      const cell = event.target.closest('[data-off]');
      if (cell && !cell.title && this.conversation) cell.title = this.describe(cell);
    });
    new ResizeObserver(() => {
      this.height = container.clientHeight;
      this.scheduleDraw();
    }).observe(container);
  }

  // The lines' height in pixels, and the scroller's: the same up to kMaxScrollPixels; beyond,
  // the scroller is that tall and its positions map proportionally onto the lines (a browser
  // lays out at most about 33 million pixels, and 100,000 posts are 22 million).
  contentHeight() {
    return (this.layout ? this.layout.total : 0) * this.lineHeight;
  }

  scrollerHeight() {
    return Math.min(this.contentHeight(), kMaxScrollPixels);
  }

  // The content position shown at the top for scroller position `scrollTop`, and back.
  toContent(scrollTop) {
    const content = this.contentHeight() - this.height;
    const scroller = this.scrollerHeight() - this.height;
    return scroller > 0 && content > scroller ? (scrollTop * content) / scroller : scrollTop;
  }

  toScroller(top) {
    const content = this.contentHeight() - this.height;
    const scroller = this.scrollerHeight() - this.height;
    return scroller > 0 && content > scroller ? (top * scroller) / content : top;
  }

  // Scrolls so that content position `top` (clamped) is at the top, and remembers it.
  scrollTo(top) {
    const max = Math.max(0, this.scrollerHeight() - this.height);
    this.scrollTop = Math.round(Math.min(max, Math.max(0, this.toScroller(top))));
    this.container.scrollTop = this.scrollTop;
  }

  // The line height follows the zoom: measured again when it changes.
  remeasure() {
    this.lineHeight = 0;
  }

  measure() {
    if (this.lineHeight > 0) return;
    const probe = el('div', { className: 'chunk s2c', children: [
      el('div', { className: 'row vline', children: [el('span', { className: 'offset', text: '0000' })] })] });
    this.container.style.removeProperty('--bv-line');
    this.lineHeight = Math.max(1, measureHeight(this.container, probe));
    this.container.style.setProperty('--bv-line', `${this.lineHeight}px`);
  }

  // view: {
  //   filter: {c2s: bool, s2c: bool}     directions shown
  //   selection: {direction, frame} | null
  //   focus: {direction, offset} | null  the byte clicked last
  //   step: {direction, fed} | null       step mode: bytes [0, fed) of that stream are fed
  //   bytesPerRow: 8 or 16
  // }
  render(conversation, view) {
    this.conversation = conversation;
    this.view = view;
    if (!conversation) {
      this.layout = null;
      this.showPlaceholder('No connection yet. Send a message or refresh the history.');
      return;
    }
    if (!this.layout || !this.layout.fits(conversation, view.filter, view.bytesPerRow)) {
      this.layout = new Layout(conversation, view.filter, view.bytesPerRow);
    }
    this.layout.update();
    if (this.layout.total === 0) {
      const any = conversation.streams.c2s.chunks.length + conversation.streams.s2c.chunks.length;
      this.showPlaceholder(any === 0 ? 'No bytes yet on this connection.'
                                     : 'No bytes in the direction shown: see the filter above.');
      return;
    }
    this.draw();
  }

  showPlaceholder(text) {
    this.container.replaceChildren(el('p', { className: 'placeholder', text }));
    this.drawn = '';
  }

  scheduleDraw() {
    if (this.drawPending || !this.layout) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      if (this.layout && this.layout.total > 0) this.draw();
    });
  }

  // Puts the lines in view (and a few more) into the DOM, unless they are there already and
  // nothing they show changed.
  draw() {
    if (this.sizer.parentNode !== this.container) {
      this.container.replaceChildren(this.sizer);
      this.drawn = '';
    }
    this.measure();
    const layout = this.layout;
    const h = this.lineHeight;
    const top = this.toContent(this.scrollTop);
    const { first, end } = rowsInView(top, this.height || 600, h, layout.total, 1);
    const view = this.view;
    const height = `${this.scrollerHeight()}px`;
    if (this.sizer.style.height !== height) this.sizer.style.height = height;
    // The window sits where its first line belongs relative to the scroller's position (the
    // same as first * h unless the positions are mapped).
    this.window.style.top = `${Math.round(this.scrollTop + first * h - top)}px`;
    // The lines in the DOM stay while they show the same: new chunks below the view change only
    // the sizer.
    const drawn = `${first} ${end} ${h} ${view.bytesPerRow} ` +
                  JSON.stringify([view.selection, view.focus, view.step]);
    if (drawn === this.drawn && layout.changedLine >= end) return;
    this.drawn = drawn;
    layout.changedLine = Infinity;
    const fragment = document.createDocumentFragment();
    let block = layout.blockAt(first);
    let line = first;
    while (line < end && block < layout.dirs.length) {
      const blockEnd = Math.min(end, layout.tops[block] + layout.lines[block]);
      fragment.append(...this.blockLines(block, line - layout.tops[block], blockEnd - layout.tops[block]));
      line = blockEnd;
      ++block;
    }
    this.window.replaceChildren(fragment);
  }

  // Lines [from, to) of block `block`: the chunk's box with the ones in it, then the gap line.
  blockLines(block, from, to) {
    const layout = this.layout;
    const direction = layout.dirs[block];
    const stream = this.conversation.streams[direction];
    const chunk = stream.chunks[layout.chunks[block]];
    const rows = layout.rowCount(chunk);
    const notes = from < layout.lines[block] - 1 && to > 1 + rows ? noteList(stream, chunk.index) : [];
    const box = el('div', { className: `chunk ${direction}`, dataset: { dir: direction, chunk: chunk.index } });
    const out = [box];
    for (let line = from; line < to; ++line) {
      if (line === 0) box.append(this.head(direction, chunk));
      else if (line <= rows) box.append(this.row(stream, chunk, line - 1));
      else if (line - 1 - rows < notes.length) box.append(this.note(stream, chunk, notes[line - 1 - rows]));
      else out.push(el('div', { className: 'bv-gap vline' }));
    }
    if (box.childElementCount === 0) out.shift();
    return out;
  }

  head(direction, chunk) {
    const conversation = this.conversation;
    const head = el('div', {
      className: 'chunk-head vline',
      children: [
        `${directionArrow(direction)} ${directionLabel(direction)} · ${this.chunkTitle(chunk)} · ` +
        `${plural(chunk.bytes.length, 'byte')}`,
        el('span', { className: 'time',
                     text: `${formatClock(chunk.time)} ${formatDelta(chunk.time - conversation.startedAt)}` }),
      ],
    });
    head.id = `chunk-${direction}-${chunk.index}`;
    return head;
  }

  row(stream, chunk, r) {
    const view = this.view;
    const direction = stream.direction;
    const perRow = view.bytesPerRow;
    const first = chunk.start;
    const end = chunk.start + chunk.bytes.length;
    const rowStart = Math.floor(first / perRow) * perRow + r * perRow;
    const step = view.step && view.step.direction === direction ? view.step : null;
    const selected = view.selection && view.selection.direction === direction ? view.selection.frame : -1;
    const focus = view.focus && view.focus.direction === direction ? view.focus.offset : -1;
    const hex = el('span', { className: 'hex' });
    const ascii = el('span', { className: 'ascii' });
    // The ASCII column is drawn in runs of bytes that look the same (one element for up to 16
    // bytes, where the hex column has one a byte): half the elements to lay out when scrolling.
    // A click finds its byte from where it fell in the run (viewer.js, byteOffsetAt()).
    let run = null;
    const endRun = () => {
      if (run) ascii.append(el('span', { className: run.className, text: run.text, dataset: run.data }));
      run = null;
    };
    const addAscii = (className, char, offset) => {
      if (run && run.className === className) {
        run.text += char;
        return;
      }
      endRun();
      run = { className, text: char, data: offset === null ? {} : { off: offset, dir: direction } };
    };
    let frame = null;
    for (let i = 0; i < perRow; ++i) {
      const offset = rowStart + i;
      const gap = i === perRow / 2 ? ' gap8' : '';
      if (offset < first || offset >= end) {
        hex.append(el('span', { className: `b pad${gap}`, text: '  ' }));
        addAscii('a pad', ' ', null);
        continue;
      }
      const byte = chunk.bytes[offset - first];
      if (!frame || offset >= frame.end || offset < frame.start) frame = stream.frameAt(offset);
      const role = stream.roleAt(offset, frame);
      let classes = role === ByteRole.undecoded ? 'undecoded' : `${direction} ${role}`;
      if (frame && offset === frame.start) classes += ' fs';
      if (frame && frame.status === 'failed') classes += ' failed';
      if (frame && offset === frame.badByte) classes += ' badbyte';
      if (frame && frame.index === selected) {
        classes += ' sel';
        if (offset === frame.start || i === 0 || offset === first) classes += ' sel-start';
        if (offset === frame.end - 1 || i === perRow - 1 || offset === end - 1) classes += ' sel-end';
      }
      if (offset === focus) classes += ' focus';
      if (step) {
        if (offset >= step.fed) classes += ' unfed';
        else if (offset === step.fed - 1) classes += ' cursor';
      }
      const data = { off: offset, dir: direction, role, frame: frame ? frame.index : '' };
      hex.append(el('span', { className: `b ${classes}${gap}`, text: hex2(byte), dataset: data }));
      addAscii(`a ${classes}`, asciiChar(byte), offset);
    }
    endRun();
    return el('div', {
      className: 'row vline',
      children: [el('span', { className: 'offset', text: hexOffset(rowStart) }), hex, ascii],
    });
  }

  note(stream, chunk, note) {
    const selected = this.view.selection && this.view.selection.direction === stream.direction
        ? this.view.selection.frame : -1;
    if (note.kind === 'starts') return frameNote(stream, note.frame, chunk, selected, this.chunkRef);
    if (note.kind === 'continues') return continuationNote(stream, note.frame, chunk, selected, this.chunkRef);
    const text = `${plural(note.left, 'byte')} after the failure: the decoder takes nothing more ` +
                 '(grey); the receiver closes the connection';
    return el('div', { className: 'note bad vline', text, title: text });
  }

  describe(cell) {
    const stream = this.conversation.streams[cell.dataset.dir];
    const offset = Number(cell.dataset.off);
    if (cell.classList.contains('a') && cell.textContent.length > 1) {
      return `offsets ${offset}–${offset + cell.textContent.length - 1}: these bytes as ASCII ` +
             '(a dot for each byte that is not printable ASCII); click one for its frame';
    }
    const frame = stream.frameAt(offset);
    return describeByte(offset, stream.byteAt(offset), frame, stream.roleAt(offset, frame));
  }

  // Scrolls so that stream byte `offset` of `direction` is in view: `center` puts it in the
  // middle (a jump), else the view moves only as far as needed.
  reveal(direction, offset, { center = false } = {}) {
    if (!this.layout || this.layout.total === 0) return false;
    const line = this.layout.lineOfByte(direction, offset);
    if (line < 0) return false;
    this.measure();
    const h = this.lineHeight;
    const top = line * h;
    const shown = this.toContent(this.scrollTop);
    if (center) this.scrollTo(top - (this.height - h) / 2);
    else if (top < shown) this.scrollTo(top - h);
    else if (top + h > shown + this.height) this.scrollTo(top + 2 * h - this.height);
    this.draw();
    return true;
  }

  // Scrolls to the heading of chunk `chunkIndex` of `direction`.
  revealChunk(direction, chunkIndex) {
    const block = this.layout?.blockOf[direction][chunkIndex];
    if (block === undefined) return;
    this.scrollTo(this.layout.tops[block] * this.lineHeight);
    this.draw();
  }
}

// Hover text for one byte: where it is and what the decoder made of it.
function describeByte(offset, byte, frame, role) {
  const where = `offset ${offset} (0x${hexOffset(offset)}): 0x${hex2(byte)}`;
  if (!frame) return `${where}, not decoded (the decoder stopped before this byte)`;
  if (role === ByteRole.length) {
    return `${where}, length byte ${offset - frame.start + 1} of 4 of frame ${frame.index + 1}`;
  }
  const payloadOffset = offset - frame.start - kFrameHeaderBytes;
  return `${where}, payload offset ${payloadOffset} of frame ${frame.index + 1} ` +
         `(${plural(frame.payloadLength, 'payload byte')})`;
}

function frameNote(stream, frame, chunk, selected, chunkRef) {
  const dataset = { dir: stream.direction, noteFrame: frame.index };
  const classes = `note vline${frame.index === selected ? ' sel' : ''}${frame.status === 'failed' ? ' bad' : ''}`;
  const parts = [`frame ${frame.index + 1}: `];
  const lengthBytes = frame.lengthBytes;
  if (frame.payloadLength === null) {
    parts.push(el('span', { className: 'nhex', text: hexBytes(lengthBytes) }),
               ` → length not known yet (${lengthBytes.length} of 4 length bytes)`);
  } else {
    parts.push(el('span', { className: 'nhex', text: hexBytes(lengthBytes) }),
               ` → length ${frame.payloadLength}`);
  }
  if (frame.status === 'done') {
    parts.push(' · ', el('span', { className: 'text', text: quotePayload(frame.message, 48) }));
    if (frame.role) parts.push(el('span', { className: 'role', text: ` · ${frame.role}` }));
  } else if (frame.status === 'failed') {
    parts.push(` · rejected: ${frame.errorText}`);
  } else if (frame.payloadLength !== null) {
    parts.push(` · ${frame.end - frame.start - kFrameHeaderBytes} of ${frame.payloadLength} ` +
               'payload bytes so far');
  }
  if (frame.lastChunk > chunk.index || frame.status === 'partial') {
    parts.push(el('span', { className: 'role',
                            text: frame.lastChunk > chunk.index
                                ? ` · continues in ${chunkRef(frame.lastChunk)}`
                                : ' · waiting for more bytes' }));
  }
  const note = el('div', { className: classes, dataset, children: parts });
  note.title = note.textContent;  // A note longer than the line is cut; the whole of it on hover.
  return note;
}

function continuationNote(stream, frame, chunk, selected, chunkRef) {
  const dataset = { dir: stream.direction, noteFrame: frame.index };
  const classes = `note vline${frame.index === selected ? ' sel' : ''}`;
  const done = frame.lastChunk === chunk.index && frame.status !== 'partial';
  const text = `frame ${frame.index + 1} continues from ${chunkRef(frame.firstChunk)}` +
               (done ? (frame.status === 'done' ? ` and is complete: ${quotePayload(frame.message, 40)}`
                                                : ` and is rejected: ${frame.errorText}`)
                     : ' …');
  return el('div', { className: classes, dataset, text, title: text });
}
