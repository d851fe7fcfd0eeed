// What the viewer page must show, as checks on a Playwright page (viewer_e2e_test.js runs them).
// Each failure says what was expected, what the page showed, and a hint; Scenario keeps the
// steps so far for the failure message.
'use strict';

const kTimeoutMs = 15000;

const utf8 = (text) => Array.from(Buffer.from(text, 'utf8'));
const hex = (bytes) => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
function lengthPrefix(byteCount) {
  return [byteCount >>> 24, (byteCount >>> 16) & 0xff, (byteCount >>> 8) & 0xff, byteCount & 0xff];
}

// A failure that teaches: what was expected, what the page showed, the steps so far, a hint.
class Scenario {
  constructor(name) {
    this.name = name;
    this.steps = [];
  }

  step(text) {
    this.steps.push(text);
  }

  expectEqual(what, expected, got, hint) {
    if (JSON.stringify(expected) === JSON.stringify(got)) return;
    throw new Error(`${what}\n  expected: ${JSON.stringify(expected)}\n  got:      ${JSON.stringify(got)}` +
                    (hint ? `\n  hint: ${hint}` : ''));
  }

  // The page renders on the next animation frame after an event: poll `read` until it returns
  // `expected` or the time is up.
  async expectEventually(what, expected, read, hint) {
    const deadline = Date.now() + kTimeoutMs;
    let got = await read();
    while (JSON.stringify(got) !== JSON.stringify(expected) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      got = await read();
    }
    this.expectEqual(what, expected, got, hint);
  }

  expect(condition, what, hint) {
    if (!condition) throw new Error(what + (hint ? `\n  hint: ${hint}` : ''));
  }
}

// Waits until connection #id is over and requires that it did what it was for.
async function expectConnectionOk(page, id) {
  const button = page.locator(`#connections button[data-conversation="${id}"]`);
  await button.waitFor({ timeout: kTimeoutMs });
  await page.waitForFunction(
      (selector) => /state-(ok|bad)/.test(document.querySelector(selector)?.className ?? ''),
      `#connections button[data-conversation="${id}"]`, { timeout: kTimeoutMs });
  const className = await button.getAttribute('class');
  if (!className.includes('state-ok')) {
    await button.click();
    const timeline = await page.locator('#timeline li').allTextContents();
    throw new Error(`connection #${id} failed: ${await button.getAttribute('title')}\n  its timeline:\n` +
                    timeline.map((line) => `    ${line}`).join('\n'));
  }
}

async function selectConnection(page, id) {
  await page.locator(`#connections button[data-conversation="${id}"]`).click();
  await page.waitForFunction(
      (n) => document.querySelector(`#connections button[data-conversation="${n}"]`)
                 ?.getAttribute('aria-pressed') === 'true', id, { timeout: kTimeoutMs });
}

// The hex cells of one direction in the byte view: [{offset, hex, role, frame}].
function hexCells(page, direction) {
  return page.$$eval(`#byte-view .chunk.${direction} .hex .b[data-off]`, (cells) => cells.map((cell) => ({
    offset: Number(cell.dataset.off), hex: cell.textContent, role: cell.dataset.role,
    frame: cell.dataset.frame,
  })));
}

// The sent frame's bytes in the byte view must be exactly the frame of `message`: the length
// prefix in bytes, big-endian, coloured as the prefix; then the UTF-8 bytes as payload.
async function expectSentFrame(scenario, page, message) {
  const payload = utf8(message);
  const prefix = lengthPrefix(payload.length);
  const cells = await hexCells(page, 'c2s');
  const shown = cells.map((cell) => cell.hex);
  scenario.expectEqual(
      `the byte view's client → server bytes for ${JSON.stringify(message)} ` +
      `(${Array.from(message).length} characters, ${payload.length} bytes)`,
      hex([...prefix, ...payload]).split(' '), shown,
      'the length prefix counts UTF-8 bytes, not characters, most significant byte first');
  scenario.expectEqual('the roles of the first 5 cells (length prefix, then payload)',
                       ['len', 'len', 'len', 'len', 'pay'], cells.slice(0, 5).map((c) => c.role));
  const note = await page.locator('#byte-view .chunk.c2s .note').first().textContent();
  const expectedNote = `${hex(prefix)} → length ${payload.length}`;
  scenario.expect(note.includes(expectedNote), `the frame note says ${JSON.stringify(note)}; ` +
                  `expected it to contain ${JSON.stringify(expectedNote)}`);
}

async function historyMessages(page) {
  return page.locator('#history li .message').allTextContents();
}

// Waits until the chat panel's history ends with `messages` (as text).
async function expectHistoryEndsWith(scenario, page, messages, what) {
  try {
    await page.waitForFunction((wanted) => {
      const shown = Array.from(document.querySelectorAll('#history li .message'), (n) => n.textContent);
      return JSON.stringify(shown.slice(-wanted.length)) === JSON.stringify(wanted);
    }, messages, { timeout: kTimeoutMs });
  } catch {
    scenario.expectEqual(`${what}: the last history items`, messages, (await historyMessages(page)).slice(-messages.length));
  }
}

// A chat message can never become markup or script.
async function expectNothingRan(scenario, page) {
  const state = await page.evaluate(() => ({
    xss: window.__chatkitXss ?? null,
    imagesInMain: document.querySelectorAll('main img').length,
    historyHtmlHasTag: /<img/i.test(document.getElementById('history').innerHTML),
  }));
  scenario.expectEqual('after posting an <img onerror> message: script flag, <img> elements in the ' +
                       'page body, raw "<img" in the history\'s HTML',
                       { xss: null, imagesInMain: 0, historyHtmlHasTag: false }, state,
                       'chat text must reach the DOM through textContent, never innerHTML');
}

async function send(page, message) {
  await page.locator('#message-input').fill(message);
  await page.locator('#send-button').click();
}

// `stageSource`, when given, is where the page must say the preselected stage came from.
async function loadPage(scenario, page, url, stage, stageSource) {
  await page.goto(url);
  await page.waitForSelector('html[data-viewer="ready"]', { timeout: kTimeoutMs });
  scenario.expectEqual('the stage preselected from the bridge (/bridge.json)', String(stage),
                       await page.locator('#stage-select').inputValue());
  if (stageSource) {
    scenario.expectEqual('where the page says the stage came from', `(${stageSource})`,
                         await page.locator('#stage-source').textContent(),
                         'only chat-server --web knows its stage; chat-bridge --stage was only told');
  }
}

// The chat panel's caption ("2 messages, as connection #3 received them at ...") must count the
// messages its list shows, also after an acknowledgement added one.
async function expectCaptionCountsTheList(scenario, page, what) {
  const listed = await page.locator('#history li .message').count();
  const expected = `${listed} ${listed === 1 ? 'message' : 'messages'}`;
  await scenario.expectEventually(`${what}: the count in the chat caption (the list shows ${listed})`,
                                  expected, async () => {
                                    const caption = await page.locator('#history-caption').textContent();
                                    return caption.match(/^[\d,]+ messages?\b/)?.[0] ?? caption;
                                  });
}

// Step mode over the server's bytes of a fresh page load: count frame "2", then the items.
async function checkStepMode(scenario, page) {
  const big = page.locator('#step-state .big');
  await page.locator('input[name="step-direction"][value="s2c"]').check();
  const expectations = ['reading length 1/4', 'reading length 2/4', 'reading length 3/4',
                        'reading payload 0/1', 'frame done: “2”'];
  for (const expected of expectations) {
    await page.locator('#step-next').click();
    scenario.expectEqual('step mode: the decoder state after one more byte', expected, await big.textContent(),
                         'the states come from the kit\'s FrameDecoder (to_string) through WebAssembly');
  }
  await page.locator('#step-frame').click();
  const done = await big.textContent();
  const firstItem = await page.locator('#history li').first().evaluate(
      (li) => (li.querySelector('.meta') ? `[${li.querySelector('.meta').textContent.replace(' · ', ' ')}] ` : '') +
              li.querySelector('.message').textContent);
  scenario.expect(done.startsWith('frame done: “') && firstItem.startsWith(done.slice(13, 20)),
                  `step mode "to frame end" shows ${JSON.stringify(done)}; expected the first history ` +
                  `item ${JSON.stringify(firstItem)}`);
  await scenario.expectEventually('step mode marks the last byte fed in the byte view', 1,
                                  () => page.locator('#byte-view .b.cursor').count());
  await page.locator('#step-back').click();
  scenario.expect((await big.textContent()).startsWith('reading payload'),
                  `after "back", step mode should be reading the payload again, shows ${await big.textContent()}`);
}

// Clicking a byte selects its frame; clicking elsewhere in the frame keeps the same selection;
// the filter hides a direction.
async function checkSelectionAndFilter(scenario, page, message, stage) {
  // Frame 2 of the server's stream is history item 1: click its first payload byte.
  await page.locator('#byte-view .chunk.s2c .hex .b[data-frame="1"][data-role="pay"]').first().click();
  await scenario.expectEventually('clicking a byte of history item 1 inspects frame 2 (the inspector\'s heading)',
                                  '◀ Frame 2, server → client — history item 1 of 2',
                                  () => page.locator('#inspector h3').textContent());
  // Stage 3 items are posts, "[time host] message".
  const item = await page.locator('#inspector .message-text').textContent();
  scenario.expect(stage === 3 ? item.endsWith(`] ${message}`) : item === message,
                  `the inspector shows history item 1 as ${JSON.stringify(item)}; expected ` +
                  `${stage === 3 ? 'a post of' : ''} ${JSON.stringify(message)}`);
  await scenario.expectEventually('selected hex cells after clicking a byte: the whole frame (4 + payload)',
                                  4 + utf8(item).length, () => page.locator('#byte-view .hex .b.sel').count());
  await scenario.expectEventually('the selected frame\'s note is highlighted', 1,
                                  () => page.locator('#byte-view .note.sel').count());

  await page.locator('#byte-view .note[data-note-frame="0"]').first().click();
  await scenario.expectEventually('clicking frame 1\'s note selects its 5 bytes (count "2")', 5,
                                  () => page.locator('#byte-view .hex .b.sel').count());

  await page.locator('#show-s2c').uncheck();
  await scenario.expectEventually('server → client chunks with that direction filtered out', 0,
                                  () => page.locator('#byte-view .chunk.s2c').count());
  await page.locator('#show-s2c').check();
  await scenario.expectEventually('server → client chunks shown again after re-checking the filter', true,
                                  async () => (await page.locator('#byte-view .chunk.s2c').count()) > 0);
}


module.exports = {
  Scenario, checkSelectionAndFilter, checkStepMode, expectCaptionCountsTheList, expectConnectionOk,
  expectHistoryEndsWith,
  expectNothingRan, expectSentFrame, hexCells, historyMessages, loadPage, selectConnection, send,
};
