// The viewer page, in real headless Chromium, in front of chat servers that go wrong: what the
// page tells a student must name the problem.
//
//  1. A stage-2 "server" (a stand-in in this file) that sends its history count as a binary
//     number, 00 00 00 05, instead of the digits "5": the page quotes the payload as bytes in
//     hex ("got 4 bytes 00 00 00 05 (not text)"), not as invisible characters.
//  2. The same server stopped: the bridge cannot reach it, and the page shows why ("connection
//     refused", the reason the bridge sends with close 1014), not only "close 1006".
//
// Usage: node viewer_faults_test.js --bridge PATH --chromium PATH --artifacts DIR
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { launchBrowser } = require('./browser_support');
const { ChildProgram } = require('./server_process');
const { Scenario } = require('./page_checks');

const kTimeoutMs = 15000;
// The frame a confused server sends for "5 items": length 4, then 5 as a 32-bit number.
const kBinaryCountFrame = Buffer.from([0, 0, 0, 4, 0, 0, 0, 5]);
const kBinaryCountText = '4 bytes 00 00 00 05 (not text)';

function parseArguments(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) options[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const required of ['bridge', 'chromium', 'artifacts']) {
    if (!options[required]) throw new Error(`missing --${required} (see the usage at the top of this file)`);
  }
  return options;
}

// A chat server that answers every connection with kBinaryCountFrame. Resolves to
// {port, stop()}; stop() closes the listener and every connection, so the port refuses.
async function startBinaryCountServer() {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write(kBinaryCountFrame);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const stop = () => new Promise((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });
  return { port: server.address().port, stop };
}

// Waits until connection #id has ended and returns its outcome (the button's title) and class.
async function connectionOutcome(page, id) {
  const selector = `#connections button[data-conversation="${id}"]`;
  await page.locator(selector).waitFor({ timeout: kTimeoutMs });
  await page.waitForFunction((s) => /state-(ok|bad)/.test(document.querySelector(s)?.className ?? ''),
                             selector, { timeout: kTimeoutMs });
  const button = page.locator(selector);
  return { title: await button.getAttribute('title'), className: await button.getAttribute('class') };
}

function expectIncludes(scenario, what, text, needle, hint) {
  scenario.expect(text.includes(needle), `${what}\n  expected it to contain: ${JSON.stringify(needle)}\n` +
                  `  got: ${JSON.stringify(text)}`, hint);
}

async function run(scenario, page, url, fake) {
  scenario.step(`load ${url} (stage 2, the server sends its count as a binary number)`);
  await page.goto(url);
  await page.waitForSelector('html[data-viewer="ready"]', { timeout: kTimeoutMs });
  const first = await connectionOutcome(page, 1);
  scenario.expect(first.className.includes('state-bad'),
                  `connection #1 should fail on a count that is not decimal digits; it says ${first.title}`);
  expectIncludes(scenario, 'connection #1\'s outcome', first.title, `got ${kBinaryCountText}`,
                 'payload bytes that are not printable text are quoted in hex');
  expectIncludes(scenario, 'the chat caption', await page.locator('#history-caption').textContent(),
                 `got ${kBinaryCountText}`);
  await page.locator('#connections button[data-conversation="1"]').click();
  const note = await page.locator('#byte-view .chunk.s2c .note[data-note-frame="0"]').first().textContent();
  expectIncludes(scenario, 'the byte view\'s note for frame 1', note, kBinaryCountText);

  scenario.step('stop the server; refresh: the bridge cannot reach it');
  await fake.stop();
  await page.locator('#refresh').click();
  const second = await connectionOutcome(page, 2);
  scenario.expect(second.className.includes('state-bad'),
                  `connection #2 should fail, the server is gone; it says ${second.title}`);
  for (const needle of ['connection refused', 'WebSocket close 1014']) {
    expectIncludes(scenario, 'connection #2\'s outcome', second.title, needle,
                   'the bridge closes the WebSocket with 1014 and the reason; the page shows it');
  }
  await page.locator('#connections button[data-conversation="2"]').click();
  expectIncludes(scenario, 'the chat caption', await page.locator('#history-caption').textContent(),
                 'connection refused');
  const timeline = (await page.locator('#timeline li').allTextContents()).join('\n');
  scenario.expect(!timeline.includes('the bridge reached the chat server'),
                  `the timeline of connection #2 must not claim the chat server was reached:\n${timeline}`);
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const scenario = new Scenario('faults');
  fs.mkdirSync(options.artifacts, { recursive: true });
  let fake = null;
  let bridge = null;
  let browser = null;
  try {
    scenario.step('start a stand-in stage-2 server and chat-bridge --stage 2 in front of it');
    fake = await startBinaryCountServer();
    bridge = new ChildProgram('chat-bridge', options.bridge,
                              ['--target', `127.0.0.1:${fake.port}`, '--web', '0', '--stage', '2']);
    const [, viewerUrl] = await bridge.waitFor(/viewer at (http:\/\/127\.0\.0\.1:\d+\/)/);
    scenario.step(`start Chromium (${options.chromium})`);
    browser = await launchBrowser({
      executablePath: options.chromium, origin: new URL(viewerUrl).origin,
      viewport: { width: 1600, height: 900 },
    });
    await run(scenario, browser.page, viewerUrl, fake);
    await browser.page.screenshot({ path: path.join(options.artifacts, 'faults.png') });
    scenario.expectEqual('problems reported by the browser (script errors, CSP violations, failed or ' +
                         'foreign requests, dialogs)', [], browser.problems);
    await browser.close();
    browser = null;
    scenario.step('stop chat-bridge with SIGTERM');
    const exit = await bridge.stop();
    scenario.expectEqual('chat-bridge\'s exit after SIGTERM', { code: 0, signal: null },
                         { code: exit.code, signal: exit.signal });
    console.log(`ok: viewer ${scenario.name}: ${scenario.steps.length} steps`);
  } catch (error) {
    process.exitCode = 1;
    const shot = path.join(options.artifacts, 'FAILED-faults.png');
    if (browser) await browser.page.screenshot({ path: shot }).catch(() => {});
    console.error(`FAIL: viewer ${scenario.name}\n${error.message}\n\nsteps so far:\n` +
                  scenario.steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n'));
    if (browser && browser.problems.length > 0) {
      console.error(`\nthe browser reported:\n${browser.problems.map((p) => `  ${p}`).join('\n')}`);
    }
    if (browser) console.error(`\nscreenshot of the page: ${shot}`);
    if (bridge) console.error(`\n${bridge.describe()}`);
    if (!(error.message.includes('expected'))) console.error(`\n${error.stack}`);
  } finally {
    if (browser) await browser.close();
    if (bridge) await bridge.stop();
    if (fake) await fake.stop();
  }
}

main();
