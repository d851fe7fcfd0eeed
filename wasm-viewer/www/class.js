// The class view (/class): every connection to the chat port as it happens, for the projector.
// chat-server sends what it sees over a WebSocket at /class/ws (the feed, described below, which
// class_feed.js keeps open); the page lists the connections it keeps, newest first, each with its
// peer, how it ended, its frames both ways as the kit's decoder reads them (in WebAssembly, as in
// the viewer), the messages it posted and, when its bytes break the protocol, the server's
// diagnosis in words. Clicking one shows all its kept bytes in the viewer's byte view.
//
// The feed, server -> page (JSON text messages):
//   {type: "hello", stage, chat, max_connections, max_bytes, connections: [Conn...]}  on open
//   {type: "update", connections: [Conn...]}   changed connections only, bytes as deltas
//   {type: "dropped", ids: [...]}              connections the server no longer keeps
//   {type: "bytes", id, in, out}               the answer to {type: "bytes", id} from the page
// Conn: {id, peer, opened, closed, end, in_total, out_total, in_kept, out_kept, in_from, in,
//        out_from, out, bytes_pending, posts, diagnosis: {mistake, what, hint} | null, error}
// ("in" is client -> server; bytes are base64; with bytes_pending the deltas are left out and the
// page asks for them when the connection is picked.)
//
// The page keeps at most the server's max_connections connections (and the one picked), so its
// DOM stays bounded however long the class runs. Every text from the network reaches the
// document through textContent (dom.js el()): a student's message is untrusted.

import { loadCodec, kDefaultMaxMessageBytes } from './codec.js';
import { ByteView } from './byte_view.js';
import {
  ClassConnection, clientLines, diagnosisBlock, endText, formatSeconds, postsBlock, serverLines,
} from './class_connection.js';
import { Direction, el, formatClock, formatCount, plural } from './dom.js';
import { ClassFeed } from './class_feed.js';
import { bytesPerRowThatFit, elementById, setupZoom, showFatal } from './page.js';

const kListIntervalMs = 200;             // the feed's changes are drawn at most this often

const $ = (id) => elementById('class view', id);

// --- The page --------------------------------------------------------------------------------

class ClassView {
  constructor(codec) {
    this.codec = codec;
    this.connections = new Map();  // id -> ClassConnection, in the order first seen
    this.rows = new Map();         // id -> {li, signature}
    this.dirty = new Set();
    this.removed = new Set();
    this.selected = null;
    this.selection = null;         // {direction, frame} in the byte view
    this.focus = null;
    this.stage = 2;
    this.maxConnections = 200;
    this.maxMessageBytes = kDefaultMaxMessageBytes;  // the server's, from its hello
    // The server numbers connections in order, so those since the page opened are the ids from
    // the first it was told of to the newest, also the ones a busy server never sent it.
    this.firstId = null;
    this.newestId = 0;
    this.dropPending = false;  // a "dropped" came; the update with the newer rows is due
    this.diagnosed = new Set();
    this.renderPending = false;
    this.renderTimer = null;
    this.lastRender = -Infinity;
    this.feed = new ClassFeed({
      onOpen: () => this.onFeedOpen(),
      onMessage: (message) => this.onMessage(message),
      onClosed: (reason) => this.onFeedClosed(reason),
      onRefused: (status, body) => this.onFeedRefused(status, body),
    });
    this.filter = { c2s: true, s2c: true };
    this.bytesPerRow = 16;

    this.list = $('class-list');
    // Rows within three screens of the view are drawn in full (updateRow()).
    this.near = new Set();
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const id = Number(entry.target.dataset.id);
        if (!entry.isIntersecting) {
          this.near.delete(id);
          continue;
        }
        this.near.add(id);
        if (this.rows.get(id)?.signature === null) this.dirty.add(id);
      }
      // At once, unless rows were dropped and the update with their successors is due.
      if (this.dirty.size > 0) this.scheduleRender(!this.dropPending);
    }, { root: this.list, rootMargin: '300% 0px' });
    this.byteView = $('byte-view');
    this.bytes = new ByteView(this.byteView, {
      chunkTitle: (chunk) => `bytes ${formatCount(chunk.start)}–${formatCount(chunk.start + chunk.bytes.length - 1)}`,
      chunkRef: (index) => `part ${index + 1}`,
    });
    this.list.addEventListener('click', (event) => {
      if (event.target.closest('details')) return;  // opening a hint is not picking the row
      const row = event.target.closest('li.conn');
      if (row) this.select(Number(row.dataset.id));
    });
    this.byteView.addEventListener('click', (event) => this.onByteViewClick(event));
    $('only-problems').addEventListener('change', (event) => {
      this.list.classList.toggle('only-problems', event.target.checked);
      this.renderCaption();
    });
    for (const direction of Object.values(Direction)) {
      const box = $(`show-${direction}`);
      box.addEventListener('change', () => {
        this.filter[direction] = box.checked;
        this.scheduleRender(true);
      });
    }
    setupZoom(() => this.onZoom());
    new ResizeObserver(() => this.fitRows()).observe(this.byteView);
  }

  // --- The feed ---

  connect() {
    this.feed.connect();
  }

  onFeedOpen() {
    this.setFeedProblem(null);
    this.list.classList.remove('stale');
    document.documentElement.dataset.feed = 'open';
  }

  onFeedClosed(reason) {
    // What the list shows is no longer live (an open connection may have ended since).
    this.list.classList.add('stale');
    this.setStatus(`live feed closed at ${formatClock(Date.now())}` +
                   (reason ? ` (${reason})` : '') + ': reconnecting…', 'bad');
    document.documentElement.dataset.feed = 'closed';
  }

  // The feed never opened; `status` is the server's answer to a plain request (0: none).
  onFeedRefused(status, body) {
    this.list.classList.add('stale');
    if (status === 0) {
      document.documentElement.dataset.feed = 'unreachable';
      this.setFeedProblem(`The live feed is gone: chat-server does not answer at ${location.host} ` +
                          '(stopped?). The list shows what it last said; the page keeps trying.');
      this.setStatus('live feed: the server does not answer', 'bad');
      return;
    }
    document.documentElement.dataset.feed = 'refused';
    const hasToken = new URLSearchParams(location.search).has('token');
    const advice = status !== 403 ? ''
        : hasToken ? ' The token in this address is not the one chat-server printed (was it restarted?): ' +
                     'open the address on its “class view at …” line.'
                   : ' Open the address on chat-server’s “class view at …” line, which ends in ?token=….';
    this.setFeedProblem(`The server refused the class view’s live feed (HTTP ${status}` +
                        `${body ? `: ${body.slice(0, 200)}` : ''}).${advice}`);
    this.setStatus(`live feed refused (HTTP ${status})`, 'bad');
  }

  setFeedProblem(text) {
    const box = $('feed-problem');
    box.hidden = !text;
    box.textContent = text ?? '';
  }

  setStatus(text, kind) {
    const status = $('feed-status');
    status.textContent = text;
    status.className = `bridge ${kind ?? ''}`;
  }

  onMessage(message) {
    switch (message?.type) {
      case 'hello': this.onHello(message); break;
      case 'update': this.onUpdate(message.connections ?? []); break;
      case 'dropped': this.onDropped(message.ids ?? []); break;
      case 'bytes': this.onBytes(message); break;
      default: break;  // a newer server's message: nothing to do with it
    }
  }

  onHello(hello) {
    this.stage = hello.stage ?? this.stage;
    if (Number.isInteger(hello.max_connections) && hello.max_connections > 0) {
      this.maxConnections = hello.max_connections;
    }
    if (Number.isInteger(hello.max_message_bytes) && hello.max_message_bytes > 0) {
      this.maxMessageBytes = hello.max_message_bytes;
    }
    for (const connection of this.connections.values()) {
      if (connection !== this.selected) connection.dispose();
      this.removed.add(connection.id);
    }
    this.connections.clear();
    if (this.selected) this.selected.dropped = true;
    this.setStatus(`chat server ${hello.chat ?? '?'} · stage ${this.stage} · the last ` +
                   `${plural(this.maxConnections, 'connection')} kept`, 'ok');
    this.onUpdate(hello.connections ?? []);
  }

  onUpdate(conns) {
    this.dropPending = false;
    // Under load an update can bring more new connections than the page keeps: those that would
    // be dropped at once are only counted.
    let skip = 0;
    let fresh = 0;
    for (const conn of conns) if (!this.connections.has(conn?.id)) ++fresh;
    if (fresh > this.maxConnections) skip = fresh - this.maxConnections;
    for (const conn of conns) {
      if (!Number.isInteger(conn?.id)) continue;
      let connection = this.connections.get(conn.id);
      if (!connection) {
        this.firstId = Math.min(this.firstId ?? conn.id, conn.id);
        this.newestId = Math.max(this.newestId, conn.id);
        if (conn.diagnosis) this.diagnosed.add(conn.id);
        if (skip > 0 && this.selected?.id !== conn.id) {
          --skip;
          continue;
        }
        if (this.selected?.id === conn.id) {
          connection = this.selected;
          connection.dropped = false;
        } else {
          connection = new ClassConnection(this.codec, conn.id, this.maxMessageBytes);
        }
        this.connections.set(conn.id, connection);
        this.removed.delete(conn.id);
      }
      connection.merge(conn);
      if (conn.diagnosis) this.diagnosed.add(conn.id);
      this.dirty.add(conn.id);
      if (connection === this.selected && connection.needsBytes) this.askBytes(connection);
    }
    // The page keeps at most what the server keeps: the oldest go first (never the one picked).
    for (const [id, connection] of this.connections) {
      if (this.connections.size <= this.maxConnections) break;
      this.forget(id, connection);
    }
    this.scheduleRender();
  }

  onDropped(ids) {
    for (const id of ids) {
      const connection = this.connections.get(id);
      if (connection) this.forget(id, connection);
      if (this.selected?.id === id) {  // also the answer to a request for one already dropped
        this.selected.asked = false;
        this.selected.dropped = true;
      }
    }
    // The server sends the update that brings the newer rows right after: drawn before it, the
    // list would flash empty under load.
    this.dropPending = true;
    this.scheduleRender();
  }

  forget(id, connection) {
    connection.asked = false;  // the server answers a request for a dropped one with "dropped"
    this.connections.delete(id);
    this.dirty.delete(id);
    this.removed.add(id);
    if (connection === this.selected) connection.dropped = true;
    else connection.dispose();
  }

  onBytes(message) {
    const connection = this.selected?.id === message.id ? this.selected : this.connections.get(message.id);
    if (!connection) return;
    connection.asked = false;
    connection.replaceBytes(message.in, message.out);
    this.selection = null;
    this.focus = null;
    this.dirty.add(connection.id);
    this.scheduleRender(true);
  }

  askBytes(connection) {
    if (connection.asked) return;
    connection.asked = this.feed.send({ type: 'bytes', id: connection.id });
  }

  select(id) {
    const connection = this.connections.get(id);
    if (!connection) return;
    const previous = this.selected;
    if (previous && previous !== connection && previous.dropped) previous.dispose();
    this.selected = connection;
    this.selection = null;
    this.focus = null;
    if (connection.info.bytes_pending || connection.needsBytes) this.askBytes(connection);
    if (previous) this.dirty.add(previous.id);
    this.dirty.add(id);
    this.scheduleRender(true);
  }

  onByteViewClick(event) {
    if (!this.selected?.wire.streams) return;
    const note = event.target.closest('[data-note-frame]');
    if (note) {
      this.selection = { direction: note.dataset.dir, frame: Number(note.dataset.noteFrame) };
      this.focus = null;
      this.scheduleRender(true);
      return;
    }
    const cell = event.target.closest('[data-off]');
    if (!cell) return;
    const direction = cell.dataset.dir;
    const offset = Number(cell.dataset.off);
    const frame = this.selected.wire.streams[direction].frameAt(offset);
    this.selection = frame ? { direction, frame: frame.index } : null;
    this.focus = { direction, offset };
    this.scheduleRender(true);
  }

  // --- Drawing ---

  // Draws at the next animation frame; what the feed changed, at most every kListIntervalMs
  // (a class making thousands of connections a second would otherwise have the page redraw
  // its list 60 times a second, taking the CPU the server needs). `urgent`: the user did
  // something, draw now.
  scheduleRender(urgent = false) {
    if (urgent && this.renderTimer !== null) {
      clearTimeout(this.renderTimer);
      this.renderTimer = null;
      this.renderPending = false;
    }
    if (this.renderPending) return;
    this.renderPending = true;
    const draw = () => requestAnimationFrame(() => {
      this.renderPending = false;
      if (this.dropPending && !urgent && performance.now() - this.lastRender < 2 * kListIntervalMs) {
        this.scheduleRender();  // the update after the "dropped" is on its way
        return;
      }
      this.lastRender = performance.now();
      this.render();
    });
    const wait = urgent ? 0 : this.lastRender + kListIntervalMs - performance.now();
    if (wait <= 0) {
      draw();
      return;
    }
    this.renderTimer = setTimeout(() => {
      this.renderTimer = null;
      draw();
    }, wait);
  }

  render() {
    for (const id of this.removed) {
      const row = this.rows.get(id);
      if (row) {
        this.observer.unobserve(row.li);
        row.li.remove();
      }
      this.rows.delete(id);
      this.near.delete(id);
    }
    this.removed.clear();
    const fresh = [];
    for (const id of this.dirty) {
      const connection = this.connections.get(id);
      if (!connection) continue;
      let row = this.rows.get(id);
      if (!row) {
        row = { li: el('li'), signature: null };
        this.rows.set(id, row);
        fresh.push(id);
      }
      this.updateRow(row, connection);
    }
    this.dirty.clear();
    // Newest first: a new id is (nearly always) above every row shown.
    fresh.sort((a, b) => a - b);
    for (const id of fresh) {
      const li = this.rows.get(id).li;
      let before = this.list.firstElementChild;
      while (before && Number(before.dataset.id) > id) before = before.nextElementSibling;
      this.list.insertBefore(li, before);
      this.observer.observe(li);
    }
    this.renderCounters();
    this.renderDetail();
  }

  // A row far from the view is only its number and peer until it comes near (the observer):
  // under load, most rows are dropped before anyone could scroll to them, and are never decoded
  // or drawn in full. A row drawn in full stays so, and is redrawn when what it shows changed.
  updateRow(row, connection) {
    const { li } = row;
    const info = connection.info;
    const state = connection.closed ? (info.end ?? 'closed') : 'open';
    const classes = ['conn', connection.closed ? 'closed' : 'open'];
    if (connection.problem) classes.push('problem');
    if (info.diagnosis) classes.push('diagnosed');
    if (row.signature === null && !this.near.has(connection.id)) {
      classes.push('far');
      li.replaceChildren(`#${connection.id} ${info.peer ?? '?'}`);
    } else {
      connection.decode();
      const signature = this.signature(connection);
      if (signature !== row.signature) {
        row.signature = signature;
        li.replaceChildren(...this.rowContent(connection, state));
      }
    }
    li.className = classes.join(' ');
    li.dataset.id = connection.id;
    li.dataset.end = state;
    li.dataset.mistake = info.diagnosis?.mistake ?? '';
    if (connection === this.selected) li.setAttribute('aria-current', 'true');
    else li.removeAttribute('aria-current');
  }

  // What a row shows depends on these; the row is redrawn only when one changed.
  signature(connection) {
    const info = connection.info;
    const streams = connection.wire.streams;
    return JSON.stringify([
      info.closed, info.end, info.in_total, info.out_total, info.posts, info.diagnosis, info.error,
      streams.c2s.length, streams.s2c.length, streams.c2s.frames.length, streams.s2c.frames.length,
      streams.c2s.failure !== null, connection === this.selected, connection.dropped,
    ]);
  }

  rowContent(connection, state) {
    const info = connection.info;
    const streams = connection.wire.streams;
    const when = connection.closed && Number.isFinite(info.closed) && Number.isFinite(info.opened)
        ? `${formatClock(info.opened)} · ${formatSeconds(info.closed - info.opened)}`
        : formatClock(info.opened ?? Date.now());
    const pick = el('button', {
      className: 'pick',
      text: `#${connection.id}`,
      attrs: {
        type: 'button', 'aria-pressed': connection === this.selected ? 'true' : 'false',
        'aria-label': `show the bytes of connection #${connection.id} from ${info.peer ?? 'an unknown peer'}`,
      },
    });
    const frames = [
      ...clientLines(connection, streams.c2s, this.stage).map((text) => el('li', { className: 'c2s', text })),
      ...serverLines(connection, streams.s2c, this.codec, this.stage).map((text) => el('li', { className: 's2c', text })),
    ];
    return [
      el('div', { className: 'conn-head', children: [
        pick,
        el('span', { className: 'peer', text: info.peer ?? '?' }),
        el('span', { className: 'when', text: when }),
        el('span', { className: `end end-${state.replace(/\s+/g, '-')}`, text: endText(connection) }),
      ] }),
      frames.length > 0 ? el('ul', { className: 'frames', children: frames }) : null,
      postsBlock(info.posts),
      info.diagnosis ? diagnosisBlock(info.diagnosis) : null,
      info.error ? el('p', { className: 'conn-error', text: info.error }) : null,
    ].filter(Boolean);
  }

  renderCounters() {
    let open = 0;
    for (const connection of this.connections.values()) if (!connection.closed) ++open;
    const set = (id, value) => {
      const text = formatCount(value);
      if ($(id).textContent !== text) $(id).textContent = text;
    };
    set('count-open', open);
    set('count-seen', this.firstId === null ? 0 : this.newestId - this.firstId + 1);
    set('count-diagnosed', this.diagnosed.size);
    $('list-empty').hidden = this.connections.size > 0;
    this.renderCaption();
  }

  renderCaption() {
    let problems = 0;
    for (const connection of this.connections.values()) if (connection.problem) ++problems;
    const only = $('only-problems').checked;
    const text = `${plural(this.connections.size, 'connection')} shown` +
                 (only ? ` (${formatCount(problems)} with a problem)` : '');
    if ($('list-caption').textContent !== text) $('list-caption').textContent = text;
  }

  renderDetail() {
    const connection = this.selected;
    const facts = $('detail-facts');
    if (!connection) {
      this.bytes.render(null, {});
      return;
    }
    const info = connection.info;
    const key = JSON.stringify([connection.id, info, connection.dropped, connection.have, connection.asked]);
    if (key !== this.detailKey) {
      this.detailKey = key;
      const kept = (total, kept) => (kept < total ? `${formatCount(kept)} of ${plural(total, 'byte')} kept`
                                                  : plural(total, 'byte'));
      const parts = [
        el('h3', { text: `#${connection.id} · ${info.peer ?? '?'}` }),
        el('p', { className: 'detail-line', text:
          `opened ${formatClock(info.opened)}` +
          (connection.closed ? ` · ${endText(connection)} at ${formatClock(info.closed)}` : ' · open') +
          ` · → ${kept(info.in_total ?? 0, info.in_kept ?? 0)} · ← ${kept(info.out_total ?? 0, info.out_kept ?? 0)}` }),
        info.diagnosis ? diagnosisBlock(info.diagnosis) : null,
        info.error ? el('p', { className: 'conn-error', text: info.error }) : null,
        connection.asked ? el('p', { className: 'detail-note', text: 'asking the server for the bytes…' }) : null,
        connection.dropped ? el('p', { className: 'detail-note',
                                       text: 'no longer kept by the server: shown as it was' }) : null,
      ];
      facts.replaceChildren(...parts.filter(Boolean));
      // The hint of the connection picked is shown open: this is where a class reads it.
      facts.querySelector('details')?.setAttribute('open', '');
    }
    connection.decode();
    this.bytes.render(connection.wire, {
      filter: this.filter, selection: this.selection, focus: this.focus, step: null,
      bytesPerRow: this.bytesPerRow,
    });
  }

  // After a change of zoom (page.js setupZoom()).
  onZoom() {
    this.bytes.remeasure();
    this.fitRows();
    this.scheduleRender(true);
  }

  fitRows() {
    const perRow = bytesPerRowThatFit(this.byteView);
    if (perRow !== this.bytesPerRow) {
      this.bytesPerRow = perRow;
      this.scheduleRender(true);
    }
  }
}

async function main() {
  try {
    const codec = await loadCodec(globalThis.ChatkitWasm);
    const view = new ClassView(codec);
    view.setStatus('connecting to the live feed…');
    view.connect();
    document.documentElement.dataset.classView = 'ready';
  } catch (error) {
    showFatal('class view', error);
    throw error;
  }
}

main();
