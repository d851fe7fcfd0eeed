// The viewer's WebAssembly build of the kit's ClientSession (wasm-viewer/wasm/viewer_api.h,
// ck_client_*) must make the same decisions as the native one (tests/unit/client_session_test.cc):
// each scripted server reply of every stage, fed whole, split in two at every byte and byte by
// byte, gives the events the native tests expect, and each stage-evidence outcome names its stage.
//
// Usage: node wasm_client_session_test.js --www PATH/wasm-viewer/www
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const Kind = { count: 0, item: 1, complete: 2, ack: 3, ended: 4, failed: 5 };
const Phase = { readyToSend: 2 };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function frames(...messages) {
  const parts = [];
  for (const message of messages) {
    const bytes = typeof message === 'string' ? encoder.encode(message) : message;
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, bytes.length, false);
    parts.push(header, bytes);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// Runs one conversation through the module's C interface; `chunker(segmentIndex, bytes)` cuts
// each segment into the feed calls. Returns the events as plain, comparable objects.
function run(m, script, chunker) {
  const h = m._ck_client_new(script.stage, 64);
  const events = [];
  const withBytes = (bytes, call) => {
    const p = m._malloc(Math.max(bytes.length, 1));
    m.HEAPU8.set(bytes, p);
    try { return call(p, bytes.length); } finally { m._free(p); }
  };
  const text = (data, size) => decoder.decode(m.HEAPU8.slice(data >>> 0, (data >>> 0) + (size >>> 0)));
  const take = () => {
    const n = m._ck_client_take_events(h);
    for (let i = 0; i < n; ++i) {
      const e = {
        kind: m._ck_client_event_kind(h, i), history: m._ck_client_event_history(h, i),
        count: m._ck_client_event_count(h, i), number: m._ck_client_event_number(h, i),
        frame: m._ck_client_event_frame(h, i),
        text: text(m._ck_client_event_text_data(h, i), m._ck_client_event_text_size(h, i)),
      };
      if (e.kind === Kind.failed) {
        e.error = m.UTF8ToString(m._ck_client_error_name(m._ck_client_event_error(h, i)));
        e.seems = m._ck_client_event_seems_stage(h, i);
        e.headline = text(m._ck_client_event_headline_data(h, i), m._ck_client_event_headline_size(h, i));
      }
      events.push(e);
    }
  };
  script.segments.forEach((segment, i) => {
    for (const chunk of chunker(i, segment)) withBytes(chunk, (p, n) => m._ck_client_feed(h, p, n));
    take();
    if (i < script.messages.length && m._ck_client_phase(h) === Phase.readyToSend) {
      const owned = withBytes(encoder.encode(script.messages[i]),
                              (p, n) => m._ck_client_send_message(h, p, n));
      if (owned !== 0) m._ck_bytes_delete(owned);
      take();
    }
  });
  m._ck_client_peer_closed(h);
  take();
  m._ck_client_delete(h);
  return events;
}

function expectSame(what, expected, got) {
  const a = JSON.stringify(expected);
  const b = JSON.stringify(got);
  if (a !== b) throw new Error(`${what}\n  expected: ${a}\n  got:      ${b}`);
}

// Every split of every segment and byte by byte must agree with feeding each segment whole.
function runEverySplit(m, name, script) {
  const whole = run(m, script, (i, bytes) => [bytes]);
  script.segments.forEach((segment, s) => {
    for (let at = 0; at <= segment.length; ++at) {
      const split = run(m, script, (i, bytes) => (i === s ? [bytes.subarray(0, at), bytes.subarray(at)] : [bytes]));
      expectSame(`${name}: segment ${s} split at byte ${at}`, whole, split);
    }
  });
  const bytewise = run(m, script, (i, bytes) => Array.from(bytes, (b) => Uint8Array.of(b)));
  expectSame(`${name}: byte by byte`, whole, bytewise);
  return whole;
}

const ev = {
  count: (history, count, frame) => ({ kind: Kind.count, history, count, number: 0, frame, text: '' }),
  item: (history, number, count, text, frame) => ({ kind: Kind.item, history, count, number, frame, text }),
  complete: (history, count, frame) => ({ kind: Kind.complete, history, count, number: 0, frame, text: '' }),
  ack: (text, frame) => ({ kind: Kind.ack, history: 0, count: 0, number: 0, frame, text }),
  ended: () => ({ kind: Kind.ended, history: 0, count: 0, number: 0, frame: -1, text: '' }),
};

const kPost1 = '[2026-11-24T09:14:40.000017+01:00 192.0.2.7] Hello';
const kPost2 = '[2026-11-24T09:15:02.123456+01:00 pc7.lab.example.org] Hi';

async function main() {
  const argv = process.argv.slice(2);
  const www = argv[argv.indexOf('--www') + 1];
  if (argv.indexOf('--www') < 0 || !www) throw new Error('usage: node wasm_client_session_test.js --www DIR');
  const factory = require(path.resolve(www, 'chatkit_wasm.js'));
  const m = await factory({ wasmBinary: fs.readFileSync(path.join(www, 'chatkit_wasm.wasm')) });

  const cases = [
    ['stage 1', { stage: 1, segments: [new Uint8Array(0), new Uint8Array(0)], messages: ['Hi'] }, [ev.ended()]],
    ['stage 2 history then message',
     { stage: 2, segments: [frames('3', 'Hi', 'héllo', 'ok'), new Uint8Array(0)], messages: ['Bye'] },
     [ev.count(1, 3, 0), ev.item(1, 1, 3, 'Hi', 1), ev.item(1, 2, 3, 'héllo', 2), ev.item(1, 3, 3, 'ok', 3),
      ev.complete(1, 3, 3), ev.ended()]],
    ['stage 2 history command',
     { stage: 2, segments: [frames('1', 'old'), frames('2', 'old', 'new')], messages: ['history'] },
     [ev.count(1, 1, 0), ev.item(1, 1, 1, 'old', 1), ev.complete(1, 1, 1), ev.count(2, 2, 2),
      ev.item(2, 1, 2, 'old', 3), ev.item(2, 2, 2, 'new', 4), ev.complete(2, 2, 4), ev.ended()]],
    ['stage 3 acknowledged',
     { stage: 3, segments: [frames('1', kPost1), frames(kPost2)], messages: ['Hi'] },
     [ev.count(1, 1, 0), ev.item(1, 1, 1, kPost1, 1), ev.complete(1, 1, 1), ev.ack(kPost2, 2), ev.ended()]],
  ];
  for (const [name, script, expected] of cases) {
    expectSame(name, expected, runEverySplit(m, name, script));
  }

  // Failures: the error's name and the stage the server seems to run, as natively.
  const failures = [
    ['binary count', { stage: 2, segments: [frames(Uint8Array.of(0, 0, 0, 3)), new Uint8Array(0)], messages: ['x'] },
     'count not decimal', 0],
    ['empty item', { stage: 2, segments: [frames('2', 'a', ''), new Uint8Array(0)], messages: ['x'] }, 'empty item', 0],
    ['silent stage-1 server', { stage: 3, segments: [new Uint8Array(0)], messages: [] }, 'closed early', 1],
    ['closed without ack', { stage: 3, segments: [frames('1', 'plain'), new Uint8Array(0)], messages: ['Hi'] },
     'not acknowledged', 2],
    ['ack for history', { stage: 2, segments: [frames('1', 'plain'), frames(kPost2)], messages: ['history'] },
     'unexpected reply', 3],
    ['history of posts', { stage: 2, segments: [frames('1', kPost1), new Uint8Array(0)], messages: ['history'] },
     'history not sent', 3],
  ];
  for (const [name, script, error, seems] of failures) {
    const events = runEverySplit(m, name, script);
    const last = events[events.length - 1];
    expectSame(`${name}: the failure`, { error, seems }, { error: last.error, seems: last.seems });
    if (seems > 0 && !last.headline.endsWith(`it seems to run stage ${seems}`)) {
      throw new Error(`${name}: the headline should end with the stage: ${last.headline}`);
    }
  }
  console.log(`wasm ClientSession: ${cases.length + failures.length} scripts agree at every split point`);
}

main().catch((error) => {
  console.error(`FAILED: ${error.message}`);
  process.exit(1);
});
