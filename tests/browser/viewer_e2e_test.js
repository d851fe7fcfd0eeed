// The viewer page end to end, in real headless Chromium, against the real chat server and bridge.
//
// For one stage it starts chat-server (with --web, or behind a standalone chat-bridge), loads
// the page and checks what a student relies on: the page loads with no script error, console
// error, failed request or request to another origin; it sends a multi-byte UTF-8 message and
// the hex cells of the frame's length prefix show the message's length in BYTES, big-endian; the
// history shows the message (also after a reload, from the server) and the chat caption counts
// what the list shows; the page says where the preselected stage came from; a posted
// `<img src=x onerror=...>` shows as literal text and runs nothing; clicking a byte selects its
// frame, the direction filter hides a direction, and step mode walks the kit's decoder through
// its states one byte at a time.
//
// Usage: node viewer_e2e_test.js --stage 1|2|3 --via server|bridge --server PATH --bridge PATH
//        --chromium PATH --artifacts DIR [--screenshot FILE]
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launchBrowser } = require('./browser_support');
const { startChatWithViewer } = require('./server_process');
const {
  Scenario, checkSelectionAndFilter, checkStepMode, expectCaptionCountsTheList, expectConnectionOk,
  expectHistoryEndsWith,
  expectNothingRan, expectSentFrame, hexCells, historyMessages, loadPage, selectConnection, send,
} = require('./page_checks');

// é ö ü ï are 2 bytes in UTF-8, — and ✓ are 3: 23 characters, 33 bytes.
const kMessage = 'héllo wörld — ünïcödé ✓';
const kHostile = '<img src=x onerror="window.__chatkitXss=1;alert(1)">';

function parseArguments(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) options[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const required of ['stage', 'via', 'server', 'bridge', 'chromium', 'artifacts']) {
    if (!options[required]) throw new Error(`missing --${required} (see the usage at the top of this file)`);
  }
  options.stage = Number(options.stage);
  return options;
}

async function runHistoryStage(scenario, page, url, stage, stageSource, screenshotPath) {
  scenario.step(`load ${url}`);
  await loadPage(scenario, page, url, stage, stageSource);
  await expectConnectionOk(page, 1);
  scenario.expectEqual('the history of a new server', [], await historyMessages(page));
  await expectCaptionCountsTheList(scenario, page, 'the history of a new server');

  scenario.step(`send ${JSON.stringify(kMessage)}`);
  await send(page, kMessage);
  await expectConnectionOk(page, 2);
  await selectConnection(page, 2);
  await expectSentFrame(scenario, page, kMessage);
  scenario.step('the history shows the message');
  await expectHistoryEndsWith(scenario, page, [kMessage], stage === 3 ? 'after the acknowledgement'
                                                                      : 'after the automatic refresh');
  await expectCaptionCountsTheList(scenario, page, stage === 3 ? 'after the acknowledgement'
                                                               : 'after the automatic refresh');
  if (stage === 3) {
    const meta = await page.locator('#history li.new .meta').last().textContent();
    scenario.expect(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d · \S+$/.test(meta),
                    `a stage-3 post shows "time · host" above the message, got ${JSON.stringify(meta)}`);
  }

  scenario.step(`send ${kHostile}`);
  await send(page, kHostile);
  await expectConnectionOk(page, stage === 2 ? 4 : 3);
  await expectHistoryEndsWith(scenario, page, [kMessage, kHostile], 'after posting markup');
  await expectCaptionCountsTheList(scenario, page, 'after posting markup');
  await page.locator('#byte-view .chunk.c2s .note').first().click();
  await expectNothingRan(scenario, page);

  scenario.step('reload: the history comes from the server');
  await loadPage(scenario, page, url, stage);
  await expectConnectionOk(page, 1);
  scenario.expectEqual('the history after a reload', [kMessage, kHostile], await historyMessages(page));
  await expectCaptionCountsTheList(scenario, page, 'after a reload');
  await expectNothingRan(scenario, page);

  scenario.step('select a frame by clicking a byte; filter a direction');
  await checkSelectionAndFilter(scenario, page, kMessage, stage);
  scenario.step('step mode');
  await checkStepMode(scenario, page);

  if (screenshotPath) {
    scenario.step('the screenshot for the docs: one stage-2 exchange');
    await page.locator('#step-reset').click();
    await send(page, 'hello, class');
    await expectConnectionOk(page, 2);
    await selectConnection(page, 2);
    await page.locator('#byte-view .chunk.c2s .hex .b[data-role="len"]').last().click();
    await page.locator('input[name="step-direction"][value="s2c"]').check();
    for (let i = 0; i < 9; ++i) await page.locator('#step-next').click();
    await page.screenshot({ path: screenshotPath });
  }
}

async function runStageOne(scenario, page, url, stageSource) {
  scenario.step(`load ${url}`);
  await loadPage(scenario, page, url, 1, stageSource);
  scenario.expectEqual('connections opened on load in stage 1 (nothing to fetch)', 0,
                       await page.locator('#connections button').count());
  scenario.step(`send ${JSON.stringify(kMessage)}`);
  await send(page, kMessage);
  await expectConnectionOk(page, 1);
  await expectSentFrame(scenario, page, kMessage);
  scenario.expectEqual('server → client bytes in stage 1', 0, (await hexCells(page, 's2c')).length);
  await expectHistoryEndsWith(scenario, page, [kMessage], 'the messages this page sent');

  scenario.step(`send ${kHostile}`);
  await send(page, kHostile);
  await expectConnectionOk(page, 2);
  await expectHistoryEndsWith(scenario, page, [kMessage, kHostile], 'after posting markup');
  await page.locator('#byte-view .chunk.c2s .note').first().click();
  await expectNothingRan(scenario, page);

  scenario.step('step mode over the client\'s frame');
  await page.locator('input[name="step-direction"][value="c2s"]').check();
  await page.locator('#step-frame').click();
  scenario.expectEqual('step mode "to frame end" over the sent frame',
                       `frame done: “${Array.from(kHostile).slice(0, 27).join('')}…”`,
                       await page.locator('#step-state .big').textContent());
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const scenario = new Scenario(`stage ${options.stage} via ${options.via}`);
  fs.mkdirSync(options.artifacts, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatkit-viewer-test-'));
  let chat = null;
  let browser = null;
  try {
    scenario.step(`start ${options.via === 'server' ? 'chat-server --web 0' : 'chat-server + chat-bridge'} ` +
                  `(stage ${options.stage})`);
    chat = await startChatWithViewer({
      via: options.via, stage: options.stage, serverPath: options.server, bridgePath: options.bridge, dataDir,
    });
    scenario.step(`start Chromium (${options.chromium})`);
    browser = await launchBrowser({
      executablePath: options.chromium, origin: new URL(chat.viewerUrl).origin,
      viewport: { width: 1920, height: 1080 },
    });
    // chat-server --web knows its own stage; chat-bridge only what --stage told it.
    const stageSource = options.via === 'server' ? 'as the server reports'
                                                 : 'as chat-bridge was told with --stage';
    if (options.stage === 1) await runStageOne(scenario, browser.page, chat.viewerUrl, stageSource);
    else {
      await runHistoryStage(scenario, browser.page, chat.viewerUrl, options.stage, stageSource,
                            options.screenshot);
    }
    await browser.page.screenshot({ path: path.join(options.artifacts, `stage${options.stage}-${options.via}.png`) });
    scenario.expectEqual('problems reported by the browser (script errors, CSP violations, failed or ' +
                         'foreign requests, dialogs)', [], browser.problems);
    await browser.close();
    browser = null;
    scenario.step('stop the programs with SIGTERM');
    const exits = await chat.stop();
    scenario.expectEqual('exit codes after SIGTERM (protocol 6.1: 0 when stopped by a signal)',
                         exits.map(({ name }) => ({ name, code: 0 })),
                         exits.map(({ name, code }) => ({ name, code })),
                         'a sanitizer report or a crash at shutdown is in the program\'s output below');
    console.log(`ok: viewer ${scenario.name}: ${scenario.steps.length} steps`);
  } catch (error) {
    process.exitCode = 1;
    const shot = path.join(options.artifacts, `FAILED-stage${options.stage}-${options.via}.png`);
    if (browser) await browser.page.screenshot({ path: shot }).catch(() => {});
    console.error(`FAIL: viewer ${scenario.name}\n${error.message}\n\nsteps so far:\n` +
                  scenario.steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n'));
    if (browser && browser.problems.length > 0) {
      console.error(`\nthe browser reported:\n${browser.problems.map((p) => `  ${p}`).join('\n')}`);
    }
    if (browser) console.error(`\nscreenshot of the page: ${shot}`);
    if (chat) for (const program of chat.programs) console.error(`\n${program.describe()}`);
    if (!(error.message.includes('expected:'))) console.error(`\n${error.stack}`);
  } finally {
    if (browser) await browser.close();
    if (chat) await chat.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main();
