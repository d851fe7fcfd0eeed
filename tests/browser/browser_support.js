// Real headless Chromium for the viewer tests: Debian's /usr/bin/chromium driven by
// playwright-core (no browser is ever downloaded), in a fresh profile directory that is deleted
// afterwards. Everything that would mean the page is broken or unsafe is collected as a
// problem: uncaught exceptions, console errors (a Content-Security-Policy violation is one),
// failed or refused requests, any request to another origin, any dialog (alert() would be a
// script that ran from a chat message).
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const kChromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch (error) {
    throw new Error('playwright-core is not installed: the ctest fixture Viewer.NpmCi installs it ' +
                    `(npm ci in the build tree); NODE_PATH=${process.env.NODE_PATH || '(unset)'}\n` +
                    `${error.message}`);
  }
}

// Opens Chromium with one page. `origin` is the only origin the page may talk to.
async function launchBrowser({ executablePath, origin, viewport = { width: 1600, height: 900 } }) {
  const { chromium } = loadPlaywright();
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatkit-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath, headless: true, args: kChromiumArgs, viewport,
    });
  } catch (error) {
    fs.rmSync(profileDir, { recursive: true, force: true });
    throw new Error(`could not start Chromium at ${executablePath}: ${error.message}`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught exception in the page: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith(origin.replace(/^http/, 'ws')) &&
        !url.startsWith('data:')) {
      problems.push(`request to another origin: ${url}`);
    }
  });
  page.on('requestfailed', (request) => {
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`a dialog opened: ${dialog.type()} "${dialog.message()}"`);
    dialog.dismiss().catch(() => {});
  });
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profileDir, { recursive: true, force: true });
  };
  return { page, problems, close };
}

module.exports = { launchBrowser };
