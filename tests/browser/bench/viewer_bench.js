// The viewer's benchmark (issue 14): how long the page in headless Chromium takes to show the
// newest post of a long stage-3 history, against how long chat-server takes to replay the same
// history to a native client (chat-load), in the same run.
//
// For each size (default 1,000 / 10,000 / 100,000 posts of 85 bytes, imported with
// `chat-server --import`), it starts `chat-server --stage 3 --web 0` on that history and measures:
//   - replay: chat-load (bench/load, libuv + C++) reading the history, one client, for 2 s: the
//     median time from connect to close of one read transaction (count + items + close);
//   - the page: from navigation start until the newest post is visible in the chat panel (polled
//     on every animation frame), in a fresh browser profile, and again on a reload (warm caches);
//     the longest main-thread task during that first load (Long Tasks API, observed from before
//     the page's first script), the DOM elements and the JS heap (CDP Performance.getMetrics)
//     once it shows;
//   - scrolling: the byte view and the chat list scrolled from the top to the bottom in 40 steps
//     (two animation frames each), then a jump to the last frame (the byte view's "frame" box,
//     when the page has it): the longest task meanwhile, and the DOM elements at the end.
// The page is measured --rounds times (default 3), each time in a fresh browser, and the table
// gives the medians (the scrolling, the jump and the reload are measured in the first round).
// Before the first, one browser is started and closed, so that the first size does not pay for
// Chromium's own first start on this machine.
// It prints a Markdown table (docs/performance.md holds one, unedited) and, with --json, the raw
// figures. With --profile DIR it also writes a Chromium CPU profile of each load and prints the
// functions with the most self time.
//
// Usage: node viewer_bench.js --build DIR [--sizes 1000,10000,100000] [--timeout 120]
//        [--chromium /usr/bin/chromium] [--rounds 3] [--profile DIR] [--json FILE] [--web-root DIR]
// (--web-root: another build of the page, e.g. an older commit's, to compare with.)
// (tests/browser/bench/run.sh installs playwright-core into the build tree and runs this.)
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile, execFileSync } = require('node:child_process');
const { promisify } = require('node:util');

const execFileAsync = promisify(execFile);
const { launchBrowser } = require('../browser_support');
const { ChildProgram } = require('../server_process');

const kPostBytes = 85;
const kScrollSteps = 40;

function parseArguments(argv) {
  const options = { sizes: '1000,10000,100000', timeout: '120', chromium: '/usr/bin/chromium', rounds: '3' };
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      throw new Error(`bad argument ${argv[i]} (see the usage at the top of viewer_bench.js)`);
    }
    options[argv[i].slice(2)] = argv[i + 1];
  }
  if (!options.build) throw new Error('missing --build DIR (the CMake build directory)');
  options.sizes = options.sizes.split(',').map(Number);
  options.timeout = Number(options.timeout);
  options.rounds = Math.max(1, Number(options.rounds));
  return options;
}

// Post `index` of the history: shaped like the posts chat-server stores ("[time host] message"),
// exactly kPostBytes bytes, its message starting with a unique "m<index>".
function postText(index) {
  const two = (n) => String(n).padStart(2, '0');
  const head = `[2026-11-24T09:${two(Math.floor(index / 60) % 60)}:${two(index % 60)}.` +
               `${String(index % 1000000).padStart(6, '0')}+01:00 10.0.0.7] `;
  const text = `${head}m${index} ${'x'.repeat(kPostBytes)}`.slice(0, kPostBytes);
  return text;
}

function messageOf(index) {
  return postText(index).replace(/^\[[^\]]*\] /, '');
}

function makeHistory(binaries, directory, count) {
  const lines = path.join(directory, 'lines.txt');
  const parts = [];
  for (let i = 0; i < count; ++i) parts.push(postText(i));
  fs.writeFileSync(lines, parts.join('\n') + '\n');
  const db = path.join(directory, 'history.db');
  execFileSync(binaries.server, ['--data', db, '--import', lines], { stdio: 'pipe' });
  return { db, bytes: count * (kPostBytes + 4) };
}

// Asynchronous: chat-server logs every connection to a pipe this process must keep reading.
async function replayTime(binaries, port) {
  const args = ['--port', String(port), '--mode', 'read', '--clients', '1', '--duration', '2',
                '--warmup', '0.5', '--timeout', '60', '--json'];
  let output;
  try {
    ({ stdout: output } = await execFileAsync(binaries.load, args, { encoding: 'utf8' }));
  } catch (error) {
    throw new Error(`${binaries.load} ${args.join(' ')} failed (${error.status}): ${error.stdout}${error.stderr}`);
  }
  const report = JSON.parse(output);
  if (report.errors) throw new Error(`chat-load reported errors: ${output}`);
  return { p50Ms: report.p50_ms, mbPerSecond: report.history_mb_per_second,
           transactions: report.transactions };
}

// Runs in the page before any of its scripts: records every long task.
function installLongTaskObserver() {
  window.__benchLongTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__benchLongTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
}

// In the page: the newest post is visible when an element of #history whose .message reads
// `wanted` lies within the list's visible box.
function newestPostVisible(wanted) {
  const list = document.getElementById('history');
  if (!list) return false;
  const box = list.getBoundingClientRect();
  let node = list.lastElementChild;
  for (let seen = 0; node && seen < 200; ++seen, node = node.previousElementSibling) {
    const message = node.querySelector?.('.message');
    if (message && message.textContent === wanted) {
      const rect = node.getBoundingClientRect();
      if (rect.height > 0 && rect.bottom > box.top && rect.top < box.bottom) return performance.now();
    }
  }
  return false;
}

// In the page: scrolls each list from top to bottom in `steps` steps, two frames a step, then
// jumps to the server's last frame if the page has a box for it.
async function scrollThrough({ steps, lastFrame }) {
  const frames = (n) => new Promise((resolve) => {
    const next = (left) => (left === 0 ? resolve() : requestAnimationFrame(() => next(left - 1)));
    next(n);
  });
  const started = performance.now();
  for (const id of ['byte-view', 'history', 'timeline']) {
    const box = document.getElementById(id);
    if (!box) continue;
    for (let i = 0; i <= steps; ++i) {
      box.scrollTop = ((box.scrollHeight - box.clientHeight) * i) / steps;
      await frames(2);
    }
  }
  let jumped = null;
  const input = document.getElementById('frame-jump-input');
  if (input) {
    document.getElementById('frame-jump-direction').value = 's2c';
    input.value = String(lastFrame);
    input.form.requestSubmit();
    await frames(3);
    jumped = document.querySelectorAll(`#byte-view .b.sel[data-frame="${lastFrame - 1}"]`).length > 0;
  }
  return { started, ended: performance.now(), jumped };
}

async function metrics(page, cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const metric = (name) => list.find((m) => m.name === name)?.value ?? null;
  return {
    domElements: await page.evaluate(() => document.getElementsByTagName('*').length),
    heapMb: metric('JSHeapUsedSize') / (1024 * 1024),
  };
}

const longest = (tasks, from = 0, to = Infinity) =>
  tasks.filter((t) => t.start >= from && t.start < to).reduce((max, t) => Math.max(max, t.duration), 0);

// Self time by function over a CPU profile: the top `count`, as lines.
function topSelfTime(profile, count) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; ++i) {
    const node = byId.get(profile.samples[i]);
    const frame = node.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${path.basename(frame.url || '')}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)
      .map(([key, ms]) => `  ${ms.toFixed(0).padStart(7)} ms ${(100 * ms / total).toFixed(1).padStart(5)}%  ${key}`);
}

// One fresh browser (a new profile: nothing cached) loading the page: time to the newest post,
// longest task, DOM elements, heap; with `full`, then scrolling, the jump and a reload.
async function measureInBrowser(options, url, count, full) {
  const browser = await launchBrowser({ executablePath: options.chromium, origin: new URL(url).origin,
                                        viewport: { width: 1920, height: 1080 } });
  try {
    const { page } = browser;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.addInitScript(installLongTaskObserver);
    const profiling = options.profile && full;
    if (profiling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const result = {};
    await page.goto(url, { waitUntil: 'commit' });
    const wanted = messageOf(count - 1);
    try {
      const handle = await page.waitForFunction(newestPostVisible, wanted,
                                                { polling: 'raf', timeout: options.timeout * 1000 });
      result.shownMs = await handle.jsonValue();
    } catch (error) {
      if (!/Timeout/i.test(error.message)) throw error;
      result.shownMs = null;
    }
    if (profiling) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.mkdirSync(options.profile, { recursive: true });
      const file = path.join(options.profile, `viewer-load-${count}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      console.error(`CPU profile of the ${count}-post load: ${file}\n${topSelfTime(profile, 15).join('\n')}`);
    }
    const afterLoad = await page.evaluate(() => performance.now());
    Object.assign(result, await metrics(page, cdp));
    const loadTasks = (await page.evaluate(() => window.__benchLongTasks)).filter((t) => t.start < afterLoad);
    result.loadLongestTaskMs = longest(loadTasks);
    result.loadTasksOver100 = loadTasks.filter((t) => t.duration > 100).length;
    if (full && result.shownMs !== null) {
      if (profiling) await cdp.send('Profiler.start');
      const scroll = await page.evaluate(scrollThrough, { steps: kScrollSteps, lastFrame: count + 1 });
      const tasks = await page.evaluate(() => window.__benchLongTasks);
      if (profiling) {
        const { profile } = await cdp.send('Profiler.stop');
        const file = path.join(options.profile, `viewer-scroll-${count}.cpuprofile`);
        fs.writeFileSync(file, JSON.stringify(profile));
        const during = tasks.filter((t) => t.start >= scroll.started).map((t) => `${t.start.toFixed(0)}+${t.duration}`);
        console.error(`CPU profile of the ${count}-post scroll: ${file}; long tasks ${during.join(' ')}\n` +
                      `${topSelfTime(profile, 15).join('\n')}`);
      }
      result.scrollLongestTaskMs = longest(tasks, scroll.started, scroll.ended + 1);
      result.scrollMs = scroll.ended - scroll.started;
      result.jumpedToLastFrame = scroll.jumped;
      result.domElementsAfterScroll = (await metrics(page, cdp)).domElements;
      // The same page again in the same browser (an instructor's reload): the browser's caches
      // are warm, as they are for a page opened before.
      await page.goto(url, { waitUntil: 'commit' });
      const handle = await page.waitForFunction(newestPostVisible, wanted,
                                                { polling: 'raf', timeout: options.timeout * 1000 });
      result.reloadShownMs = await handle.jsonValue();
    }
    result.problems = browser.problems.slice(0, 5);
    return result;
  } finally {
    await browser.close();
  }
}

const median = (values) => {
  const known = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  return known.length < values.length || known.length === 0 ? null : known[(known.length - 1) >> 1];
};

// `count` posts: the server's replay, then the page --rounds times (each in a fresh browser; the
// scrolling, the jump and the reload in the first); the figures are the rounds' medians.
async function measureSize(options, binaries, count) {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'chatkit-viewer-bench-'));
  let server = null;
  try {
    const history = makeHistory(binaries, directory, count);
    const args = ['--stage', '3', '--data', history.db, '--bind', '127.0.0.1', '--port', '0', '--web', '0'];
    if (options['web-root']) args.push('--web-root', options['web-root']);
    server = new ChildProgram('chat-server', binaries.server, args);
    const [, port] = await server.waitFor(/^listening on 127\.0\.0\.1:(\d+)$/m);
    const [, url] = await server.waitFor(/viewer at (http:\/\/127\.0\.0\.1:\d+\/)/);
    const replay = await replayTime(binaries, Number(port));
    const rounds = [];
    for (let round = 0; round < options.rounds; ++round) {
      const one = await measureInBrowser(options, url, count, round === 0);
      rounds.push(one);
      if (one.shownMs === null) break;  // not shown: once is enough
    }
    const result = { posts: count, historyBytes: history.bytes, replay, ...rounds[0], rounds };
    for (const key of ['shownMs', 'loadLongestTaskMs', 'domElements', 'heapMb']) {
      result[key] = median(rounds.map((r) => r[key]));
    }
    result.problems = rounds.flatMap((r) => r.problems);
    return result;
  } finally {
    if (server) await server.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

const fmt = (n, digits = 0) => (n === null || n === undefined ? '–'
    : n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

function table(results, options) {
  const rows = [
    '| posts (85 B) | history | server replay (chat-load) | page: newest post shown (on reload) | page ÷ replay | ' +
        'longest task, load | longest task, scrolling | DOM elements (after scrolling) | JS heap | ' +
        'jump to last frame |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    const shown = r.shownMs === null ? `not shown after ${options.timeout} s`
                                     : `${fmt(r.shownMs)} ms (${fmt(r.reloadShownMs)} ms)`;
    const ratio = r.shownMs === null ? '–' : `${fmt(r.shownMs / r.replay.p50Ms)}×`;
    rows.push(`| ${fmt(r.posts)} | ${fmt(r.historyBytes / 1e6, 2)} MB | ${fmt(r.replay.p50Ms, 2)} ms ` +
              `(${fmt(r.replay.mbPerSecond)} MB/s) | ${shown} | ${ratio} | ${fmt(r.loadLongestTaskMs)} ms | ` +
              `${r.scrollLongestTaskMs === undefined ? '–' : `${fmt(r.scrollLongestTaskMs)} ms`} | ` +
              `${fmt(r.domElements)} (${fmt(r.domElementsAfterScroll)}) | ${fmt(r.heapMb)} MB | ` +
              `${r.jumpedToLastFrame === undefined || r.jumpedToLastFrame === null ? '–'
                                                                                  : (r.jumpedToLastFrame ? 'yes' : 'NO')} |`);
  }
  return rows.join('\n');
}

function machine() {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  let chromium = '';
  try {
    chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim();
  } catch { /* not fatal */ }
  return `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; ${chromium}; ` +
         `load average ${os.loadavg()[0].toFixed(2)}`;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const binaries = {
    server: path.join(options.build, 'server', 'chat-server'),
    load: path.join(options.build, 'bench', 'chat-load'),
  };
  for (const [what, file] of Object.entries(binaries)) {
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing: build it first (cmake --build ${options.build} --target ` +
                      `chat-server chat-load chatkit_viewer); needed for ${what}`);
    }
  }
  const started = new Date();
  const warmup = await launchBrowser({ executablePath: options.chromium, origin: 'http://127.0.0.1' });
  await warmup.close();
  const results = [];
  for (const count of options.sizes) {
    console.error(`measuring ${count.toLocaleString('en')} posts…`);
    const result = await measureSize(options, binaries, count);
    console.error(JSON.stringify(result));
    results.push(result);
  }
  console.log(`Machine: ${machine()}.`);
  console.log(`Run: ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
              'headless Chromium 1920×1080, chat-server --stage 3 --web on the same machine; ' +
              `page figures: median of ${options.rounds} loads, each in a fresh browser profile.\n`);
  console.log(table(results, options));
  if (options.json) fs.writeFileSync(options.json, JSON.stringify({ machine: machine(), results }, null, 2));
  const problems = results.flatMap((r) => r.problems);
  if (problems.length > 0) console.error(`the browser reported:\n${problems.join('\n')}`);
}

main().catch((error) => {
  console.error(`viewer_bench: ${error.message}`);
  process.exitCode = 1;
});
