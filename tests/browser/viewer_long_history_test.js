// The viewer with a long history (issue 14), in real headless Chromium against chat-server --web:
// a stage-3 history of 20,000 posts (imported with chat-server --import). What must hold whatever
// the history's length (the speed itself is the benchmark's, tests/browser/bench/):
//   - the chat panel shows the newest post, scrolled to it, and its caption counts all posts;
//   - the DOM stays small (the chat list, the byte view and the timeline keep only the rows in
//     view): under kMaxElements elements after the load, after jumps and after scrolling;
//   - "Go to frame" selects the last frame (20,001: the count, then 20,000 items) and shows all of
//     its bytes, and the inspector explains it; a click on one of its ASCII characters picks
//     that byte;
//   - "Last byte" shows the stream's last byte; the byte view's end, the last frame's note;
//   - step mode goes to the selected frame at once: the next byte fed is its first length byte;
//     "back" from there shows the previous frame done;
//   - the timeline shows the newest events, and clicking the last "frame complete" selects it;
//   - the direction filter hides and shows the server's bytes.
//
// Usage: node viewer_long_history_test.js --server PATH --chromium PATH --artifacts DIR
//        [--posts 20000] [--web-root DIR]
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { launchBrowser } = require('./browser_support');
const { ChildProgram } = require('./server_process');
const { Scenario } = require('./page_checks');

const kMaxElements = 5000;
const kWaitMs = 90000;  // how long to wait for the page: generous, this is not a speed test

function parseArguments(argv) {
  const options = { posts: '20000' };
  for (let i = 0; i < argv.length; i += 2) options[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const required of ['server', 'chromium', 'artifacts']) {
    if (!options[required]) throw new Error(`missing --${required} (see the usage at the top of this file)`);
  }
  options.posts = Number(options.posts);
  return options;
}

// Post `index`, as chat-server stores them: "[time host] message"; the message is unique.
function post(index) {
  return `[2026-11-24T09:00:00.${String(index).padStart(6, '0')}+01:00 10.0.0.7] ` +
         `post number ${index} <b>of the term</b>`;
}
const messageOf = (index) => post(index).replace(/^\[[^\]]*\] /, '');

async function domElements(page) {
  return page.evaluate(() => document.getElementsByTagName('*').length);
}

async function expectFewElements(scenario, page, when) {
  const count = await domElements(page);
  scenario.expect(count < kMaxElements,
                  `${when}: the page has ${count} DOM elements; expected fewer than ${kMaxElements} ` +
                  'whatever the history', 'only the rows in view belong in the DOM (a virtual list)');
}

// Whether an element matching `selector` whose text is `text` lies within `box`'s visible area.
function visibleIn(page, boxSelector, selector, text) {
  return page.evaluate(({ boxSelector, selector, text }) => {
    const box = document.querySelector(boxSelector).getBoundingClientRect();
    return Array.from(document.querySelectorAll(selector)).some((node) => {
      const rect = node.getBoundingClientRect();
      return node.textContent === text && rect.height > 0 && rect.bottom > box.top + 1 &&
             rect.top < box.bottom - 1;
    });
  }, { boxSelector, selector, text });
}

async function run(scenario, page, url, posts) {
  const last = posts - 1;
  const lastFrame = posts + 1;  // frame 1 is the count
  scenario.step(`load ${url} (stage 3, ${posts} posts)`);
  await page.goto(url);
  await page.waitForSelector('html[data-viewer="ready"]', { timeout: kWaitMs });
  await page.waitForFunction(
      (n) => /state-(ok|bad)/.test(document.querySelector(`#connections button[data-conversation="${n}"]`)
          ?.className ?? ''), 1, { timeout: kWaitMs });

  scenario.step('the chat panel shows the newest post, scrolled to it');
  await scenario.expectEventually('the newest post is visible in the chat panel', true,
                                  () => visibleIn(page, '#history', '#history li .message', messageOf(last)),
                                  'the chat panel scrolls to the newest post, as chat programs do');
  const caption = await page.locator('#history-caption').textContent();
  scenario.expect(caption.startsWith(`${posts.toLocaleString('en')} messages`),
                  `the chat caption reads ${JSON.stringify(caption)}; expected it to count ` +
                  `${posts.toLocaleString('en')} messages`);
  scenario.expectEqual('the markup in a post shows as text (no <b> element in the chat list)', 0,
                       await page.locator('#history b').count());
  await expectFewElements(scenario, page, 'after the load');

  scenario.step(`go to frame ${lastFrame} (the last) of the server's bytes`);
  await page.locator('#frame-jump-direction').selectOption('s2c');
  await page.locator('#frame-jump-input').fill(String(lastFrame));
  await page.locator('#frame-jump button[type="submit"]').click();
  await scenario.expectEventually(`the inspector's heading after going to frame ${lastFrame}`,
                                  `◀ Frame ${lastFrame}, server → client — history item ${posts} of ${posts}`,
                                  () => page.locator('#inspector h3').textContent());
  const payload = Buffer.byteLength(post(last));
  await scenario.expectEventually(`selected hex cells of frame ${lastFrame} (4 + ${payload} bytes), all in view`,
                                  4 + payload,
                                  () => page.locator(`#byte-view .hex .b.sel[data-frame="${lastFrame - 1}"]`).count());
  await expectFewElements(scenario, page, 'after going to the last frame');

  scenario.step('click the ASCII column on the last frame\'s third payload byte');
  const start = Number(await page.locator(`#byte-view .hex .b.fs[data-frame="${lastFrame - 1}"]`).getAttribute('data-off'));
  const point = await page.evaluate((target) => {
    // The ASCII column draws runs of like bytes: find the run and the character for `target`.
    for (const run of document.querySelectorAll('#byte-view .ascii .a[data-dir="s2c"]')) {
      const from = Number(run.dataset.off);
      const count = run.textContent.length;
      if (target >= from && target < from + count) {
        const box = run.getBoundingClientRect();
        return { x: box.left + ((target - from + 0.5) * box.width) / count, y: box.top + box.height / 2 };
      }
    }
    return null;
  }, start + 6);
  scenario.expect(point !== null, `no ASCII character for stream byte ${start + 6} in the byte view`);
  await page.mouse.click(point.x, point.y);
  const third = post(last).charCodeAt(2).toString(16);
  await scenario.expectEventually('the inspector\'s "clicked byte" after clicking that ASCII character',
                                  `0x${third} at payload offset 2 (of ${payload} payload bytes)`,
                                  () => page.locator('#inspector dt:text-is("clicked byte") + dd').textContent());

  scenario.step('step mode: to the selected frame, one byte, back');
  await page.locator('input[name="step-direction"][value="s2c"]').check();
  await page.locator('#step-to-selection').click();
  const big = page.locator('#step-state .big');
  const previousDone = `frame done: “[2026-11-24T09:00:00.${String(last - 1).padStart(6, '0')}`;
  await scenario.expectEventually('step mode at the start of the last frame: the previous frame is done',
                                  previousDone, async () => (await big.textContent()).slice(0, previousDone.length));
  await page.locator('#step-next').click();
  scenario.expectEqual('step mode after one more byte', 'reading length 1/4', await big.textContent());
  const frameStart = await page.locator(`#byte-view .hex .b.fs[data-frame="${lastFrame - 1}"]`).getAttribute('data-off');
  await scenario.expectEventually('the byte just fed is the last frame\'s first byte, ringed in the byte view',
                                  frameStart, () => page.locator('#byte-view .hex .b.cursor').getAttribute('data-off'));
  await page.locator('#step-back').click();
  scenario.expect((await big.textContent()).startsWith('frame done'),
                  `after "back", step mode should show frame ${lastFrame - 1} done, shows ${await big.textContent()}`);

  scenario.step('the last byte; the end of the byte view');
  const streamBytes = Number(frameStart) + 4 + payload;
  await page.locator('#byte-view').evaluate((box) => { box.scrollTop = 0; });
  await page.locator('#last-byte').click();
  await scenario.expectEventually('the stream\'s last byte is in the byte view after "Last byte"', 1,
                                  () => page.locator(`#byte-view .hex .b[data-dir="s2c"][data-off="${streamBytes - 1}"]`).count());
  await page.locator('#byte-view').evaluate((box) => { box.scrollTop = box.scrollHeight; });
  // The notes come under their chunk's bytes: the last one is the last frame's (its own, or
  // "continues from message N" when it began in the chunk before).
  await scenario.expectEventually('the last frame\'s note at the end of the byte view, highlighted as selected', true,
                                  async () => (await page.locator(`#byte-view .note.sel[data-note-frame="${lastFrame - 1}"]`).count()) > 0);
  await page.locator('#byte-view').evaluate((box) => { box.scrollTop = box.scrollHeight / 2; });
  await expectFewElements(scenario, page, 'after scrolling the byte view');

  scenario.step('the timeline: newest events shown; clicking the last frame event selects it');
  const timelineRows = await page.locator('#timeline li').count();
  scenario.expect(timelineRows > 0 && timelineRows < 200,
                  `the timeline has ${timelineRows} rows in the DOM; expected some, and fewer than 200`);
  const frameEvent = page.locator('#timeline li[data-kind="frame"]').last();
  scenario.expect((await frameEvent.textContent()).includes(`frame ${lastFrame} complete`),
                  `the last frame event in view reads ${JSON.stringify(await frameEvent.textContent())}; ` +
                  `expected "frame ${lastFrame} complete" (the timeline follows its end)`);
  await page.locator('#frame-jump-input').fill('1');
  await page.locator('#frame-jump button[type="submit"]').click();
  await scenario.expectEventually('after going to frame 1: the inspector', '◀ Frame 1, server → client — history count: ' + posts,
                                  () => page.locator('#inspector h3').textContent());
  await frameEvent.click();
  await scenario.expectEventually('after clicking the last frame event in the timeline: the inspector',
                                  `◀ Frame ${lastFrame}, server → client — history item ${posts} of ${posts}`,
                                  () => page.locator('#inspector h3').textContent());

  scenario.step('the direction filter');
  await page.locator('#show-s2c').uncheck();
  await scenario.expectEventually('server → client chunks with that direction filtered out', 0,
                                  () => page.locator('#byte-view .chunk.s2c').count());
  await page.locator('#show-s2c').check();
  await scenario.expectEventually('server → client chunks shown again', true,
                                  async () => (await page.locator('#byte-view .chunk.s2c').count()) > 0);
  await expectFewElements(scenario, page, 'at the end');
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const scenario = new Scenario(`long history of ${options.posts} posts`);
  fs.mkdirSync(options.artifacts, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatkit-viewer-long-'));
  let server = null;
  let browser = null;
  try {
    scenario.step(`import ${options.posts} posts with chat-server --import`);
    const lines = path.join(dataDir, 'lines.txt');
    fs.writeFileSync(lines, Array.from({ length: options.posts }, (_, i) => post(i)).join('\n') + '\n');
    const db = path.join(dataDir, 'history.db');
    execFileSync(options.server, ['--data', db, '--import', lines], { stdio: 'pipe' });
    const args = ['--stage', '3', '--data', db, '--bind', '127.0.0.1', '--port', '0', '--web', '0'];
    if (options['web-root']) args.push('--web-root', options['web-root']);
    server = new ChildProgram('chat-server', options.server, args);
    const [, url] = await server.waitFor(/viewer at (http:\/\/127\.0\.0\.1:\d+\/)/);
    browser = await launchBrowser({ executablePath: options.chromium, origin: new URL(url).origin,
                                    viewport: { width: 1920, height: 1080 } });
    await run(scenario, browser.page, url, options.posts);
    await browser.page.screenshot({ path: path.join(options.artifacts, 'long-history.png') });
    scenario.expectEqual('problems reported by the browser (script errors, CSP violations, failed or ' +
                         'foreign requests, dialogs)', [], browser.problems);
    console.log(`ok: viewer ${scenario.name}: ${scenario.steps.length} steps`);
  } catch (error) {
    process.exitCode = 1;
    const shot = path.join(options.artifacts, 'FAILED-long-history.png');
    if (browser) await browser.page.screenshot({ path: shot }).catch(() => {});
    console.error(`FAIL: viewer ${scenario.name}\n${error.message}\n\nsteps so far:\n` +
                  scenario.steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n'));
    if (browser && browser.problems.length > 0) {
      console.error(`\nthe browser reported:\n${browser.problems.map((p) => `  ${p}`).join('\n')}`);
    }
    if (browser) console.error(`\nscreenshot of the page: ${shot}`);
    if (server) console.error(`\n${server.describe().slice(-3000)}`);
    if (!error.message.includes('expected')) console.error(`\n${error.stack}`);
  } finally {
    if (browser) await browser.close();
    if (server) await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main();
