// The class view's benchmark (issue 15): chat-server's read transactions/s with the class view
// open in Chromium against the same with it closed, in the same run, on the same server.
//
// One `chat-server --stage 2 --web 0` with a history of --posts posts of 48 bytes (posted over
// TCP first). Then --rounds rounds, each measuring both conditions in turn (the order alternates
// from round to round):
//   - closed: Chromium running with a blank page (the class view not open);
//   - open:   Chromium showing /class, its live feed open (every connection the load makes is
//             recorded by the server and sent to the page, which decodes and lists it).
// Each measurement is `chat-load --stage 2 --mode read --clients 8` for --duration seconds after
// a 1 s warm-up: transactions/s (connect, read the history, send the empty message, wait for the
// close) and its p99. Beside it, from /proc: the CPU time the server, chat-load and everything
// else (Chromium, mostly) used per transaction, which says where the time went. The table gives
// the medians; the target is open ≥ 90 % of closed.
//
// Usage: node class_view_bench.js --build DIR [--rounds 5] [--duration 5] [--posts 100]
//        [--clients 8] [--class-bytes N] [--chromium /usr/bin/chromium] [--json FILE]
// (--class-bytes: chat-server's option, the bytes kept of each connection each way.)
// (tests/browser/bench/class_view_run.sh builds what it needs and runs this.)
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');

const execFileAsync = promisify(execFile);
const { launchBrowser } = require('../browser_support');
const { ChildProgram } = require('../server_process');

const kPostBytes = 48;
const kTicksPerSecond = 100;  // USER_HZ on Linux

function parseArguments(argv) {
  const options = { rounds: '5', duration: '5', posts: '100', clients: '8', chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      throw new Error(`bad argument ${argv[i]} (see the usage at the top of class_view_bench.js)`);
    }
    options[argv[i].slice(2)] = argv[i + 1];
  }
  if (!options.build) throw new Error('missing --build DIR (the CMake build directory)');
  for (const key of ['rounds', 'duration', 'posts', 'clients']) options[key] = Number(options[key]);
  return options;
}

function frame(text) {
  const payload = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(payload.length);
  return Buffer.concat([head, payload]);
}

// Posts one message to a stage-2 server: connect, send the frame, read until the server closes.
function post(port, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.end(frame(text)));
    socket.on('data', () => {});
    socket.on('close', resolve);
    socket.on('error', reject);
  });
}

function postText(index) {
  return `post ${index} ${'x'.repeat(kPostBytes)}`.slice(0, kPostBytes);
}

// CPU ticks (user + system) of process `pid` and of its children so far, or 0 once it is gone.
function processTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);  // utime, stime
  } catch {
    return 0;
  }
}

// CPU ticks of every process descending from this one (Chromium's), except `excluded` pids.
function descendantTicks(excluded) {
  const parents = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, and cutime, cstime: the renderers Chromium started and reaped count too.
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      parents.set(Number(entry), { parent: Number(fields[1]), ticks });
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  for (const [pid, info] of parents) {
    if (excluded.includes(pid)) continue;
    for (let up = info.parent; up > 1; up = parents.get(up)?.parent ?? 0) {
      if (up === process.pid) {
        total += info.ticks;
        break;
      }
    }
  }
  return total;
}

// Busy CPU ticks of the whole machine (every core) so far.
function machineTicks() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq + steal, idle: idle + iowait };
}

// One chat-load run; resolves to its report plus the CPU each part used during it.
async function measure(binaries, port, server, options) {
  const args = ['--port', String(port), '--stage', '2', '--mode', 'read', '--clients', String(options.clients),
                '--duration', String(options.duration), '--warmup', '1', '--timeout', '30', '--json'];
  const serverBefore = processTicks(server.child.pid);
  const browserBefore = descendantTicks([server.child.pid]);
  const machineBefore = machineTicks();
  const started = process.cpuUsage();
  let output;
  let loadTicks = 0;
  try {
    const child = execFileAsync(binaries.load, args, { encoding: 'utf8' });
    const pid = child.child.pid;
    // chat-load's own CPU, read just before it exits: sampled while it runs.
    const sampler = setInterval(() => { loadTicks = Math.max(loadTicks, processTicks(pid)); }, 200);
    try {
      ({ stdout: output } = await child);
    } finally {
      clearInterval(sampler);
    }
  } catch (error) {
    throw new Error(`${binaries.load} ${args.join(' ')} failed: ${error.stdout ?? ''}${error.stderr ?? error.message}`);
  }
  const report = JSON.parse(output);
  if (report.errors) throw new Error(`chat-load reported errors: ${output}`);
  const machineAfter = machineTicks();
  const serverTicks = processTicks(server.child.pid) - serverBefore;
  // chat-load has exited: its ticks are no longer counted among the descendants.
  const browserTicks = Math.max(0, descendantTicks([server.child.pid]) - browserBefore);
  const benchCpu = process.cpuUsage(started);
  const busyTicks = machineAfter.busy - machineBefore.busy;
  const transactions = report.transactions_per_second * options.duration;
  // Per transaction over the whole run (warm-up included: the CPU counters cannot tell it apart,
  // so the figures are relative, the same for both conditions).
  const perTransaction = (ticks) => (ticks / kTicksPerSecond) * 1e6 / (transactions * (options.duration + 1) / options.duration);
  const benchTicks = ((benchCpu.user + benchCpu.system) / 1e6) * kTicksPerSecond;
  return {
    tps: report.transactions_per_second,
    p99Ms: report.p99_ms,
    serverUs: perTransaction(serverTicks),
    loadUs: perTransaction(loadTicks),
    browserUs: perTransaction(browserTicks),
    otherUs: perTransaction(Math.max(0, busyTicks - serverTicks - loadTicks - benchTicks - browserTicks)),
    idleShare: (machineAfter.idle - machineBefore.idle) / Math.max(1, busyTicks + machineAfter.idle - machineBefore.idle),
  };
}

// What the page shows once a measurement is over: it must have kept up.
async function pageState(page) {
  return page.evaluate(() => ({
    rows: document.querySelectorAll('#class-list > li.conn').length,
    seen: document.getElementById('count-seen')?.textContent,
    newest: Number(document.querySelector('#class-list > li.conn')?.dataset.id ?? 0),
    elements: document.getElementsByTagName('*').length,
    feed: document.documentElement.dataset.feed,
    status: document.getElementById('feed-status')?.textContent,
  }));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function format(value, digits = 0) {
  return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const build = path.resolve(options.build);
  const binaries = { server: path.join(build, 'server/chat-server'), load: path.join(build, 'bench/chat-load') };
  for (const [name, file] of Object.entries(binaries)) {
    if (!fs.existsSync(file)) throw new Error(`no ${name} at ${file}: build it first (class_view_run.sh does)`);
  }
  const serverArgs = ['--stage', '2', '--bind', '127.0.0.1', '--port', '0', '--web', '0'];
  if (options['class-bytes']) serverArgs.push('--class-bytes', String(options['class-bytes']));
  const server = new ChildProgram('chat-server', binaries.server, serverArgs);
  let browser = null;
  try {
    const [, port] = await server.waitFor(/^listening on 127\.0\.0\.1:(\d+)$/m);
    const [, viewer] = await server.waitFor(/viewer at (http:\/\/127\.0\.0\.1:\d+\/)/);
    for (let i = 0; i < options.posts; ++i) await post(Number(port), postText(i));
    // Keep only the output's tail: the server logs every connection.
    const trim = setInterval(() => { server.output = server.output.slice(-20000); }, 1000);
    browser = await launchBrowser({ executablePath: options.chromium, origin: new URL(viewer).origin,
                                    viewport: { width: 1600, height: 900 } });
    const { page } = browser;
    // Counts what the feed sends the page (text characters of its messages).
    await page.addInitScript(() => {
      window.__benchFeed = { messages: 0, chars: 0 };
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener('message', (event) => {
            window.__benchFeed.messages += 1;
            window.__benchFeed.chars += event.data.length;
          });
        }
      };
    });
    const classUrl = `${viewer}class`;
    const loadAverage = os.loadavg()[0];
    const results = { closed: [], open: [] };
    const states = [];
    for (let round = 0; round < options.rounds; ++round) {
      const order = round % 2 === 0 ? ['closed', 'open'] : ['open', 'closed'];
      for (const condition of order) {
        if (condition === 'open') {
          await page.goto(classUrl);
          await page.waitForSelector('html[data-class-view="ready"][data-feed="open"]', { timeout: 20000 });
        } else {
          await page.goto('about:blank');
        }
        const feedBefore = condition === 'open' ? await page.evaluate(() => ({ ...window.__benchFeed })) : null;
        const result = await measure(binaries, Number(port), server, options);
        if (condition === 'open') {
          const state = await pageState(page);
          const feed = await page.evaluate(() => ({ ...window.__benchFeed }));
          // Per second of the run (warm-up included).
          result.feedMBps = (feed.chars - feedBefore.chars) / 1e6 / (options.duration + 1);
          result.feedMessages = (feed.messages - feedBefore.messages) / (options.duration + 1);
          states.push(state);
        }
        results[condition].push(result);
        process.stderr.write(`round ${round + 1} ${condition}: ${format(result.tps)} transactions/s\n`);
      }
    }
    clearInterval(trim);
    const summary = {};
    for (const condition of ['closed', 'open']) {
      const list = results[condition];
      summary[condition] = Object.fromEntries(Object.keys(list[0]).map((key) => [key, median(list.map((r) => r[key] ?? 0))]));
    }
    const ratio = summary.open.tps / summary.closed.tps;
    const cpu = os.cpus();
    console.log(`Machine: ${cpu[0]?.model ?? '?'}, ${cpu.length} cores, Linux ${os.release()}; ` +
                `${options.rounds} rounds of ${options.duration} s, ${options.clients} clients, ` +
                `a history of ${options.posts} posts of ${kPostBytes} B, chat-server ${serverArgs.slice(6).join(' ')}, ${new Date().toISOString().slice(0, 16)} UTC; ` +
                `load average ${loadAverage.toFixed(2)} at the start and ${os.loadavg()[0].toFixed(2)} at the end.\n`);
    console.log('| Figure (median of the rounds) | class view closed | class view open | open ÷ closed | Target | |');
    console.log('|---|---:|---:|---:|---|---|');
    console.log(`| read transactions/s | ${format(summary.closed.tps)} | ${format(summary.open.tps)} | ` +
                `${format(ratio * 100)} % | ≥ 90 % | **${ratio >= 0.9 ? 'met' : 'missed'}** |`);
    console.log(`| … p99 latency, ms | ${format(summary.closed.p99Ms, 2)} | ${format(summary.open.p99Ms, 2)} | | | |`);
    console.log(`| … chat-server CPU per transaction, µs | ${format(summary.closed.serverUs, 1)} | ` +
                `${format(summary.open.serverUs, 1)} | ${format(summary.open.serverUs / summary.closed.serverUs, 2)}× | | |`);
    console.log(`| … chat-load CPU per transaction, µs | ${format(summary.closed.loadUs, 1)} | ` +
                `${format(summary.open.loadUs, 1)} | | | |`);
    console.log(`| … Chromium CPU per transaction, µs | ${format(summary.closed.browserUs, 1)} | ` +
                `${format(summary.open.browserUs, 1)} | | | |`);
    console.log(`| … CPU of everything else on the machine per transaction, µs | ${format(summary.closed.otherUs, 1)} | ` +
                `${format(summary.open.otherUs, 1)} | | | |`);
    console.log(`| … machine idle | ${format(summary.closed.idleShare * 100)} % | ${format(summary.open.idleShare * 100)} % | | | |`);
    console.log(`| … the feed to the page, MB/s (messages/s) | | ${format(summary.open.feedMBps, 2)} ` +
                `(${format(summary.open.feedMessages, 1)}) | | | |`);
    const last = states.at(-1);
    console.log(`\nEach round: ${results.closed.map((r) => format(r.tps)).join(', ')} closed; ` +
                `${results.open.map((r) => format(r.tps)).join(', ')} open. The page after the last open run: ` +
                `${last.rows} rows, newest #${last.newest}, ${last.elements} elements.`);
    if (options.json) fs.writeFileSync(options.json, JSON.stringify({ options, results, summary, states }, null, 2));
    await browser.close();
    browser = null;
  } finally {
    if (browser) await browser.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(`class_view_bench: ${error.message}`);
  process.exitCode = 1;
});
