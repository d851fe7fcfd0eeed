// The class view (/class, issue 15) in real headless Chromium against the real chat-server:
//
//  --case burst: chat-server --stage S --web 0 with a short --idle-timeout; the page open; then a
//    burst of clients at once: correct ones (chat-client, one of them posting an <img onerror>
//    text) and broken ones on purpose (broken-client --mistake little-endian and
//    character-length at stage 1, raw sockets otherwise: a length sent as text, frames cut short
//    in their length and in their payload, clients that never close (one silent, one stopping
//    mid-frame: the idle timeout ends them), one that resets). Each row must show the right end
//    and the right diagnosis (id and words, with a hint), the correct ones their posts and
//    frames; the counters must add up; "only problems" shows only those; a post with markup
//    runs nothing; clicking the little-endian one shows its 4 length bytes 05 00 00 00 in the
//    byte view, struck through as the decoder rejects them.
//  --case token: chat-server --web-bind 0.0.0.0 (Chromium still on 127.0.0.1): /class without
//    the printed token, or with another, is refused (403) with a message that says where the
//    token is; with it, the page works (and, with --max-connections 1, shows a connection the
//    server refused); once the server stops the page says it does not answer;
//    restarted on the same web port (a new token), the page says its feed is refused and why.
//
// A client whose diagnosis the bytes leave open (mistake undefined below) is checked for its end
// only: "5hello" is a length of text only if nothing else was coming, and the server closes at
// the impossible length before it can know.
//
// Usage: node class_view_test.js --case burst|token --server PATH --client PATH
//        --broken-client PATH --chromium PATH --artifacts DIR [--stage 1|2]
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { launchBrowser } = require('./browser_support');
const { ChildProgram } = require('./server_process');
const { Scenario } = require('./page_checks');

const kTimeoutMs = 20000;
const kIdleTimeoutSeconds = '1.5';

function parseArguments(argv) {
  const options = { stage: '1', case: 'burst' };
  for (let i = 0; i < argv.length; i += 2) options[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const required of ['server', 'client', 'broken-client', 'chromium', 'artifacts']) {
    if (!options[required]) throw new Error(`missing --${required} (see the usage at the top of this file)`);
  }
  options.stage = Number(options.stage);
  return options;
}

function frame(text) {
  const payload = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(payload.length);
  return Buffer.concat([head, payload]);
}

// Runs a program to its end; resolves to {code, stdout, stderr} (a failing client is expected
// for the broken ones).
function runProgram(file, args) {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: kTimeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

// A raw client: connects, then `script(socket)` writes what it wants. Reads (and drops) what the
// server sends, so that a close never turns into a reset by unread bytes. Resolves to
// {localPort, closed: Promise} once connected.
function rawClient(port, script) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      const closed = new Promise((done) => socket.on('close', done));
      resolve({ localPort: socket.localPort, socket, closed });
      script(socket);
    });
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

// The clients of the burst, each with what its row must show. `peer` is filled in for raw
// sockets (their port is known); program clients are found by their post or their mistake.
function burstClients(options, port) {
  const client = (message) => ({
    kind: 'correct', message,
    start: () => runProgram(options.client, ['--stage', String(options.stage), '--host', '127.0.0.1',
                                             '--port', String(port), '--message', message]),
    end: 'close', mistake: '', posts: [message],
  });
  const raw = (name, mistake, end, script) => ({ kind: 'raw', name, mistake, end, posts: [],
                                                 start: () => rawClient(port, script) });
  const clients = [
    client('hello, class'),
    client('héllo wörld ✓'),
    client('<img src=x onerror="window.__chatkitXss=1">'),
    raw('a length sent as text ("0005hello")', 'length-as-text', 'protocol error',
        (s) => s.end(Buffer.from('0005hello'))),
    raw('a length sent as text ("5hello")', undefined, 'protocol error',
        (s) => s.end(Buffer.from('5hello'))),
    raw('cut short in the length (00 00)', 'cut-short-in-length', 'protocol error',
        (s) => s.end(Buffer.from([0, 0]))),
    raw('cut short in the payload (length 12, 2 bytes)', 'cut-short-in-payload', 'protocol error',
        (s) => s.end(Buffer.concat([Buffer.from([0, 0, 0, 12]), Buffer.from('hi')]))),
    // The server closes once it has the message: a client holding the connection changes nothing.
    raw('a whole frame, never closed', '', 'close', (s) => s.write(frame('still here'))),
    raw('half a frame, then nothing', 'cut-short-in-payload', 'idle timeout',
        (s) => s.write(Buffer.concat([Buffer.from([0, 0, 0, 12]), Buffer.from('hi')]))),
    raw('connects and sends nothing', 'silent', 'idle timeout', () => {}),
    // Reset once the class view shows the server read the 5 bytes (so the reset meets a server
    // waiting for more, never bytes it has not read). No diagnosis asserted.
    { ...raw('half a frame, then a reset', undefined, 'reset',
             (s) => s.write(Buffer.from([0, 0, 0, 9, 0x61]))),
      async after(started, page) {
        await page.waitForFunction((peer) => Array.from(document.querySelectorAll('#class-list > li.conn'))
            .some((row) => row.querySelector('.peer')?.textContent === peer &&
                           row.querySelector('.frames li.c2s')?.textContent.includes('1 of 9 payload bytes')),
                                   `127.0.0.1:${started.localPort}`, { timeout: kTimeoutMs });
        started.socket.resetAndDestroy();
      } },
  ];
  if (options.stage === 1) {
    const broken = (mistake, message, expected) => ({
      kind: 'broken', name: `broken-client --mistake ${mistake}`, mistake: expected.mistake,
      end: expected.end, posts: [], message,
      start: () => runProgram(options['broken-client'], ['--stage', '1', '--host', '127.0.0.1',
                                                        '--port', String(port), '--message', message,
                                                        '--mistake', mistake]),
    });
    clients.push(broken('little-endian', 'hello', { mistake: 'little-endian-length', end: 'protocol error' }),
                 broken('character-length', 'héllo', { mistake: 'length-counts-characters', end: null }));
  } else {
    clients.push(raw('a little-endian length (05 00 00 00)', 'little-endian-length', 'protocol error',
                     (s) => s.end(Buffer.concat([Buffer.from([5, 0, 0, 0]), Buffer.from('hello')]))));
  }
  return clients;
}

// Every row of the list as data: what the test asserts on.
function readRows(page) {
  return page.$$eval('#class-list > li.conn', (rows) => rows.map((row) => ({
    id: Number(row.dataset.id),
    end: row.dataset.end,
    mistake: row.dataset.mistake,
    peer: row.querySelector('.peer')?.textContent ?? '',
    endText: row.querySelector('.end')?.textContent ?? '',
    frames: Array.from(row.querySelectorAll('.frames li'), (li) => li.textContent),
    posts: Array.from(row.querySelectorAll('.posts li'), (li) => li.textContent),
    what: row.querySelector('.diagnosis')?.textContent ?? '',
    hint: row.querySelector('.diagnosis details span')?.textContent ?? '',
    diagnosisMistake: row.querySelector('.diagnosis')?.dataset.mistake ?? '',
    visible: row.getBoundingClientRect().height > 0,
  })));
}

function describeRows(rows) {
  return rows.map((r) => `    #${r.id} ${r.peer} end=${r.end} mistake=${r.mistake || '-'} ` +
                         `frames=${JSON.stringify(r.frames)} posts=${JSON.stringify(r.posts)}`).join('\n');
}

// Waits until the page lists `count` connections, all ended; returns the rows.
async function waitForRows(scenario, page, count) {
  const deadline = Date.now() + kTimeoutMs;
  let rows = await readRows(page);
  while (!(rows.length === count && rows.every((r) => r.end !== 'open')) && Date.now() < deadline) {
    await page.waitForTimeout(100);
    rows = await readRows(page);
  }
  scenario.expect(rows.length === count && rows.every((r) => r.end !== 'open'),
                  `expected ${count} connections in the class view, all ended; it shows ${rows.length}:\n` +
                  describeRows(rows),
                  'every TCP connection to the chat port is a row; the never-closing ones end at the ' +
                  `idle timeout (${kIdleTimeoutSeconds} s)`);
  return rows;
}

async function openClassPage(scenario, page, url) {
  scenario.step(`open ${url}`);
  await page.goto(url);
  await page.waitForSelector('html[data-class-view="ready"][data-feed="open"]', { timeout: kTimeoutMs });
}

async function runBurst(scenario, options, browser, classUrl, chatPort) {
  const { page } = browser;
  await openClassPage(scenario, page, classUrl);
  const clients = burstClients(options, chatPort);
  scenario.step(`a burst of ${clients.length} clients at once: ${clients.map((c) => c.name ?? c.message).join('; ')}`);
  const started = await Promise.all(clients.map((c) => c.start()));
  clients.forEach((c, i) => {
    if (c.kind === 'raw') c.peer = `127.0.0.1:${started[i].localPort}`;
    if (c.kind === 'correct') {
      scenario.expectEqual(`chat-client's exit for ${JSON.stringify(c.message)} (stderr: ${started[i].stderr})`,
                           0, started[i].code);
    }
  });
  await Promise.all(clients.map((c, i) => (c.after ? c.after(started[i], page) : null)));
  const rows = await waitForRows(scenario, page, clients.length);

  for (const c of clients) {
    let row;
    if (c.peer) row = rows.find((r) => r.peer === c.peer);
    else if (c.kind === 'correct') row = rows.find((r) => r.posts.some((p) => p.includes(c.message)));
    else row = rows.find((r) => r.mistake === c.mistake);
    const what = `the row of ${c.name ?? JSON.stringify(c.message)}`;
    scenario.expect(row, `${what}: not in the list\n${describeRows(rows)}`);
    if (c.end) scenario.expectEqual(`${what}: how it ended (data-end)`, c.end, row.end);
    if (c.mistake !== undefined) {
      scenario.expectEqual(`${what}: the diagnosis id (data-mistake)`, c.mistake ?? '', row.mistake,
                           'the server diagnoses a broken client from its bytes; a correct one has none');
    }
    if (c.mistake) {
      scenario.expectEqual(`${what}: the diagnosis block's id`, c.mistake, row.diagnosisMistake);
      scenario.expect(row.what.length > 20 && row.hint.length > 10,
                      `${what}: the diagnosis must say in words what went wrong, with a hint; ` +
                      `it says ${JSON.stringify(row.what)} with hint ${JSON.stringify(row.hint)}`);
    }
    if (c.kind === 'correct') {
      scenario.expectEqual(`${what}: its posts`, [`“${c.message}”`], row.posts);
      const bytes = Buffer.byteLength(c.message, 'utf8');
      // A row quotes at most 36 characters of a message.
      const chars = Array.from(c.message);
      const quoted = chars.length > 36 ? `${chars.slice(0, 35).join('')}…` : c.message;
      scenario.expect(row.frames[0] === `→ “${quoted}” (${bytes} bytes)`,
                      `${what}: its first frame line is ${JSON.stringify(row.frames[0])}; expected ` +
                      `→ “${quoted}” (${bytes} bytes), the length in UTF-8 bytes`);
      if (options.stage === 2) {
        scenario.expect(row.frames.some((f) => /^← count \d+, \d+ items?$/.test(f)),
                        `${what}: the server's frames in short ("← count N, N items"): ${JSON.stringify(row.frames)}`);
      }
    }
  }

  scenario.step('the counters and the "only problems" filter');
  const problems = rows.filter((r) => r.mistake || !['close', 'server stopped'].includes(r.end)).length;
  const counters = await page.evaluate(() => ['count-open', 'count-seen', 'count-diagnosed'].map(
      (id) => document.getElementById(id).textContent));
  const diagnosed = rows.filter((r) => r.mistake).length;
  scenario.expectEqual('the counters: open now, seen, diagnosed', ['0', String(clients.length), String(diagnosed)],
                       counters);
  await page.locator('#only-problems').check();
  const shown = (await readRows(page)).filter((r) => r.visible);
  scenario.expectEqual('rows shown with "only problems"', problems, shown.length);
  scenario.expect(shown.every((r) => r.mistake || r.end !== 'close'),
                  `"only problems" shows a connection without a problem:\n${describeRows(shown)}`);
  await page.locator('#only-problems').uncheck();

  scenario.step('a post with markup is text');
  const xss = await page.evaluate(() => ({
    flag: window.__chatkitXss ?? null, images: document.querySelectorAll('main img').length,
  }));
  scenario.expectEqual('after an <img onerror> post: script flag and <img> elements in the list',
                       { flag: null, images: 0 }, xss, 'student text must reach the page through textContent');

  scenario.step('click the little-endian client: its bytes in the byte view');
  const little = rows.find((r) => r.mistake === 'little-endian-length');
  await page.locator(`#class-list > li.conn[data-id="${little.id}"] .pick`).click();
  // Only the client's bytes: the byte view draws only the lines in view, and the server's history
  // may come first.
  await page.locator('#show-s2c').uncheck();
  let cells = [];
  const deadline = Date.now() + kTimeoutMs;
  while (cells.length < 4 && Date.now() < deadline) {
    await page.waitForTimeout(50);
    cells = await page.$$eval('#byte-view .chunk.c2s .hex .b[data-off]', (nodes) => nodes.map((n) => ({
      hex: n.textContent, failed: n.classList.contains('failed'), role: n.dataset.role })));
  }
  scenario.expectEqual('the first 4 client → server bytes of the little-endian client, as the byte view shows them',
                       ['05', '00', '00', '00'], cells.slice(0, 4).map((c) => c.hex),
                       'the length 5 written least significant byte first');
  scenario.expect(cells.slice(0, 4).every((c) => c.failed && c.role === 'len'),
                  `the 4 length bytes must be length-prefix bytes the decoder rejected: ${JSON.stringify(cells.slice(0, 4))}`);
  const note = await page.locator('#byte-view .chunk.c2s .note').first().textContent();
  scenario.expect(note.includes('05 00 00 00 → length 83886080'),
                  `the byte view's frame note reads ${JSON.stringify(note)}; expected "05 00 00 00 → length 83886080"`);
  const detail = await page.locator('#detail-facts .diagnosis').getAttribute('data-mistake');
  scenario.expectEqual('the diagnosis beside the bytes', 'little-endian-length', detail);
  await page.screenshot({ path: path.join(options.artifacts, `class-view-stage${options.stage}.png`) });
}

// A free TCP port on 127.0.0.1 (so that a restarted server can take the same web port).
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startServer(scenario, options, extra, idleTimeout = kIdleTimeoutSeconds) {
  const args = ['--stage', String(options.stage), '--bind', '127.0.0.1', '--port', '0',
                '--idle-timeout', idleTimeout, ...extra];
  scenario.step(`start chat-server ${args.join(' ')}`);
  const server = new ChildProgram('chat-server', options.server, args);
  const [, chatPort] = await server.waitFor(/^listening on 127\.0\.0\.1:(\d+)$/m);
  const [, webPort, query] = await server.waitFor(/class view at http:\/\/[^:/\s]+:(\d+)\/class(\S*)/);
  const token = /[?&]token=([^&\s]+)/.exec(query)?.[1] ?? null;
  return { server, chatPort: Number(chatPort), webPort: Number(webPort), token };
}

// Beyond loopback: /class needs the token printed; a page whose server restarted (a new token)
// says its feed is refused and why.
async function runToken(scenario, options, browser, first) {
  const { page } = browser;
  scenario.expect(first.token, `chat-server --web-bind 0.0.0.0 must print a token on its "class view at" line\n` +
                  first.server.describe());
  const bare = `http://127.0.0.1:${first.webPort}/class`;
  for (const url of [bare, `${bare}?token=not-the-token`]) {
    scenario.step(`open ${url}`);
    const response = await page.goto(url);
    scenario.expectEqual(`the HTTP status of ${url}`, 403, response.status());
    const text = await page.locator('body').textContent();
    scenario.expect(/token/.test(text) && /class view at/.test(text),
                    `the refusal must say the token printed on the "class view at" line is needed; it says ${JSON.stringify(text)}`);
  }
  browser.problems.length = 0;  // the two 403s above, on purpose

  await openClassPage(scenario, page, `${bare}?token=${first.token}`);
  scenario.step('a client posts, another stays silent: their rows appear');
  await runProgram(options.client, ['--stage', String(options.stage), '--host', '127.0.0.1',
                                    '--port', String(first.chatPort), '--message', 'with the token']);
  // Its place is free once the server has closed it (the class view says so).
  await page.waitForFunction(() => document.querySelector('#class-list > li.conn')?.dataset.end === 'close',
                             null, { timeout: kTimeoutMs });
  const silent = await rawClient(first.chatPort, () => {});
  await page.waitForFunction(() => document.querySelectorAll('#class-list > li.conn').length === 2,
                             null, { timeout: kTimeoutMs });
  const rows = await readRows(page);
  scenario.expectEqual('the post of the client, in the class view opened with the token', ['“with the token”'],
                       rows.find((r) => r.end === 'close')?.posts);
  scenario.expectEqual('the silent client, still connected', 'open',
                       rows.find((r) => r.peer === `127.0.0.1:${silent.localPort}`)?.end);

  scenario.step('one more client while the silent one holds the only place (--max-connections 1)');
  // The server resets it, during or right after the handshake.
  await new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: first.chatPort });
    socket.on('error', () => {});
    socket.on('close', resolve);
  });
  await page.waitForFunction(() => document.querySelectorAll('#class-list > li.conn').length === 3,
                             null, { timeout: kTimeoutMs });
  const third = (await readRows(page)).find((r) => r.peer !== `127.0.0.1:${silent.localPort}` && r.end !== 'close');
  scenario.expectEqual('the refused client\'s row: how it ended, in words', ['refused', 'refused: too many connections'],
                       [third?.end, third?.endText]);

  scenario.step('stop chat-server (SIGTERM): the page says the feed is gone');
  await first.server.stop();
  await page.waitForSelector('html[data-feed="unreachable"]', { timeout: kTimeoutMs });
  const gone = await page.locator('#feed-problem').textContent();
  scenario.expect(/does not answer/.test(gone), `the page must say the server does not answer; it says ${JSON.stringify(gone)}`);
  scenario.expectEqual('rows still shown after the server stopped', 3, (await readRows(page)).length);
  scenario.expect(await page.locator('#class-list.stale').count() === 1,
                  'the list must look stale (greyed) once its feed is gone');

  const second = await startServer(scenario, options, ['--web', String(first.webPort), '--web-bind', '0.0.0.0']);
  scenario.step('chat-server restarted on the same web port, with a new token: the page is refused');
  try {
    await page.waitForSelector('html[data-feed="refused"]', { timeout: kTimeoutMs });
    const refused = await page.locator('#feed-problem').textContent();
    scenario.expect(/refused/.test(refused) && /HTTP 403/.test(refused) && /token/.test(refused),
                    `the page must say the feed was refused (HTTP 403) and why (the token); it says ${JSON.stringify(refused)}`);
  } finally {
    await second.server.stop();
  }
  browser.problems.length = 0;  // the refused and failed feed connections, on purpose
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const scenario = new Scenario(`class view ${options.case} (stage ${options.stage})`);
  fs.mkdirSync(options.artifacts, { recursive: true });
  let server = null;
  let browser = null;
  try {
    let started;
    if (options.case === 'token') {
      // One client at a time, so that a second one is refused; a silent one stays open.
      started = await startServer(scenario, options, ['--web', String(await freePort()), '--web-bind', '0.0.0.0',
                                                      '--max-connections', '1'], '60');
    } else {
      started = await startServer(scenario, options, ['--web', '0']);
    }
    server = started.server;
    browser = await launchBrowser({ executablePath: options.chromium, origin: `http://127.0.0.1:${started.webPort}`,
                                    viewport: { width: 1600, height: 900 } });
    if (options.case === 'token') {
      await runToken(scenario, options, browser, started);
    } else {
      await runBurst(scenario, options, browser, `http://127.0.0.1:${started.webPort}/class`, started.chatPort);
    }
    scenario.expectEqual('problems reported by the browser (script errors, CSP violations, failed or ' +
                         'foreign requests, dialogs)', [], browser.problems);
    await browser.close();
    browser = null;
    scenario.step('stop chat-server with SIGTERM');
    const exit = await server.stop();
    scenario.expectEqual('chat-server\'s exit after SIGTERM', { code: 0, signal: null },
                         { code: exit.code, signal: exit.signal });
    console.log(`ok: ${scenario.name}: ${scenario.steps.length} steps`);
  } catch (error) {
    process.exitCode = 1;
    const shot = path.join(options.artifacts, `FAILED-class-view-${options.case}.png`);
    if (browser) await browser.page.screenshot({ path: shot }).catch(() => {});
    console.error(`FAIL: ${scenario.name}\n${error.message}\n\nsteps so far:\n` +
                  scenario.steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n'));
    if (browser && browser.problems.length > 0) {
      console.error(`\nthe browser reported:\n${browser.problems.map((p) => `  ${p}`).join('\n')}`);
    }
    if (browser) console.error(`\nscreenshot of the page: ${shot}`);
    if (server) console.error(`\n${server.describe()}`);
    if (!error.message.includes('expected')) console.error(`\n${error.stack}`);
  } finally {
    if (browser) await browser.close();
    if (server) await server.stop();
  }
}

main();
