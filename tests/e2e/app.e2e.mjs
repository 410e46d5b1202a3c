// End-to-end: the real app window under Xvfb, driven through tauri-driver + WebKitWebDriver.
// Usage: node tests/e2e/app.e2e.mjs --app PATH [--driver PATH] [--artifacts DIR]
// Needs a D-Bus session with an unlocked keychain (run under tests/ci/with-keychain.sh).

import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync, existsSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import http from 'node:http';
import { WebDriver } from './webdriver.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const app = resolve(arg('app', ''));
const driverBin = arg('driver', 'tauri-driver');
const sandboxBin = arg('sandbox-bin', '');
const artifacts = resolve(arg('artifacts', 'tests/e2e/artifacts'));
if (!existsSync(app)) {
  console.error(`app binary not found: ${app}`);
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A top-level navigation, as the browser makes when a redirect sends it to the app's loopback
// listener: the listener accepts only `Sec-Fetch-Mode: navigate` (Node's fetch says `cors`).
function navigate(url) {
  return new Promise((res, rej) => {
    const req = http.get(url, { headers: { 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' } }, (r) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d) => (body += d));
      r.on('end', () => res({ status: r.statusCode, body }));
    });
    req.on('error', rej);
  });
}
const freePort = () =>
  new Promise((res, rej) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });

const children = [];
function start(cmd, args, env) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  child.stdout.on('data', (d) => log.push(d.toString()));
  child.stderr.on('data', (d) => log.push(d.toString()));
  child.log = log;
  children.push(child);
  return child;
}
function cleanup() {
  for (const c of children.reverse()) {
    try {
      c.kill('SIGTERM');
    } catch {
      /* already gone */
    }
  }
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

// A display of our own, unless one is given.
let display = process.env.DISPLAY;
if (!display || process.env.CI) {
  const n = 90 + Math.floor(Math.random() * 100);
  display = `:${n}`;
  start('Xvfb', [display, '-screen', '0', '1366x860x24', '-nolisten', 'tcp']);
  await sleep(800);
}

const dataDir = mkdtempSync(join(tmpdir(), 'xp-e2e-'));

// A window that dies takes every later step with it, and the driver only says "page crash or
// hang". The kernel names the process and library when something crashed, so a failed run
// prints what it logged meanwhile (where the kernel log can be read).
const kernelLog = () => {
  try {
    return execFileSync('dmesg', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
  } catch {
    return null;
  }
};
const kernelLinesBefore = kernelLog()?.length ?? 0;

// The sandbox's provider emulators, and the file with its start-up line for `--sandbox`.
let sandboxInfo = null;
let sandboxProc = null;
const appArgs = ['--data-dir', dataDir];
if (sandboxBin) {
  const sb = start(sandboxBin, ['--listen', '127.0.0.1:0', '--seed', 'demo']);
  sandboxProc = sb;
  const line = await new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error('the sandbox printed no start-up line within 30 s')), 30000);
    sb.stdout.on('data', (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        res(buf.slice(0, nl));
      }
    });
  });
  sandboxInfo = JSON.parse(line);
  const file = join(dataDir, 'sandbox.json');
  writeFileSync(file, line + '\n');
  appArgs.push('--sandbox', file);
} else {
  appArgs.push('--profile', 'sandbox');
}
const port = await freePort();
const nativePort = await freePort();
// The app opens Xero's sign-in in the "system browser": here a script that records the URL, so
// the test can act as the person in that browser.
const browserLog = join(dataDir, 'browser-urls.txt');
const browserScript = join(dataDir, 'browser.sh');
writeFileSync(browserScript, `#!/bin/sh\necho "$1" >> '${browserLog}'\n`, { mode: 0o755 });
// Xvfb has no GPU, so WebKit's GL runs on Mesa's software driver, and it crashed there once in
// CI: the kernel logged "traps: eadedCompositor … general protection fault … in swrast_dri.so"
// (WebKit's ThreadedCompositor thread) and every later step failed with "session deleted because
// of page crash or hang". By default WebKitGTK 2.50 paints with Skia on the GPU in a worker thread
// (SkiaGPUWorker) whose GL context is shared with the compositor's; with CPU painting the
// compositor is the only thread using GL (seen in the web process's thread list), and painting on
// the CPU is also what Skia does best without a GPU. WEBKIT_DISABLE_COMPOSITING_MODE, which avoids
// GL altogether, is no option: with it WebKitGTK 2.50.6 never answers a WebDriver screenshot.
const driver = start(driverBin, ['--port', String(port), '--native-port', String(nativePort)], {
  DISPLAY: display,
  BROWSER: browserScript,
  WEBKIT_SKIA_ENABLE_CPU_RENDERING: '1',
});
await sleep(800);

const wd = new WebDriver(`http://127.0.0.1:${port}`);
const results = [];
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ok    ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false, error: e.message });
    console.log(`  FAIL  ${name}: ${e.message}`);
    try {
      writeFileSync(join(artifacts, `FAILED-${name.replace(/\W+/g, '-')}.png`), await wd.screenshot());
    } catch {
      /* no window to capture */
    }
    await explainFailure();
  }
}
// What a person would have seen when a step failed, and what the app logged: CI keeps only the
// tail of this log, so a failure must explain itself here (the screenshot stays on that machine).
async function explainFailure() {
  try {
    const seen = await wd.execute(
      `const alerts = [...document.querySelectorAll('[role="alert"], [data-testid$="-error"]')].map(e => e.textContent.trim()).filter(Boolean);
       return { url: location.pathname + location.search, alerts, main: (document.querySelector('main')?.innerText ?? '').replace(/\\s+/g, ' ').slice(0, 700) };`,
    );
    console.log(`        at ${seen.url}`);
    for (const a of seen.alerts) console.log(`        alert: ${a.slice(0, 400)}`);
    console.log(`        page: ${seen.main}`);
  } catch (err) {
    console.log(`        (the window could not be read: ${err.message})`);
  }
  const logs = join(dataDir, 'logs');
  try {
    for (const f of readdirSync(logs)) {
      const lines = readFileSync(join(logs, f), 'utf8').split('\n').filter((l) => /\b(WARN|ERROR)\b/.test(l));
      for (const l of lines.slice(-25)) console.log(`        log: ${l.slice(0, 400)}`);
    }
  } catch {
    /* no log yet */
  }
}
async function shot(name) {
  writeFileSync(join(artifacts, `${name}.png`), await wd.screenshot());
}


// The last URL the app handed to the "system browser" after `count` earlier ones.
async function browserUrl(after, prefix) {
  for (let i = 0; i < 100; i++) {
    await sleep(100);
    if (!existsSync(browserLog)) continue;
    const urls = readFileSync(browserLog, 'utf8').trim().split('\n').filter(Boolean);
    if (urls.length > after) {
      const url = urls[urls.length - 1];
      if (!url.startsWith(prefix)) throw new Error(`unexpected browser URL ${url}`);
      return url;
    }
  }
  throw new Error('the app did not open the system browser');
}
const browserCount = () => (existsSync(browserLog) ? readFileSync(browserLog, 'utf8').trim().split('\n').filter(Boolean).length : 0);

// Okta sign-in as a person does it: the app opens the sandbox's Okta sign-in page in the
// browser; the person fills okta-signin-username/password and submits; Okta redirects to the
// app's private-use scheme, which the desktop hands to a second launch of the app; the single
// instance forwards it to the running window (the same path as xdg-open/gio open).
async function oktaSignIn(who, { fresh = false } = {}) {
  const user = sandboxInfo.credentials.okta.users.find((u) => u.username.startsWith(who));
  const before = browserCount();
  await wd.click(await wd.waitFor('[data-testid="sign-in"]'));
  await wd.waitFor('[data-testid="sign-in-waiting"]');
  const url = await browserUrl(before, sandboxInfo.okta_issuer);
  if (fresh) {
    // Okta must ask for the password, not reuse the browser's session (prompt=login, max_age=0).
    const q = new URL(url).searchParams;
    if (q.get('prompt') !== 'login' || q.get('max_age') !== '0') {
      throw new Error(`the sign-in does not ask Okta for the password again: ${url}`);
    }
  }
  const page = await (await fetch(url)).text();
  const action = /<form method="post" action="([^"]+)" id="okta-signin-form"/.exec(page)?.[1];
  const tx = /name="tx" value="([^"]+)"/.exec(page)?.[1];
  if (!action || !tx || !page.includes('id="okta-signin-password"') || !page.includes('id="okta-signin-submit"')) {
    throw new Error('no Okta sign-in form');
  }
  const form = new URLSearchParams([['tx', tx], ['username', user.username], ['password', user.password]]);
  const answer = await fetch(action.replaceAll('&amp;', '&'), { method: 'POST', body: form, redirect: 'manual' });
  const redirect = answer.headers.get('location');
  if (!redirect || !redirect.startsWith('com.xeropartner.app:/auth/callback?')) {
    throw new Error(`Okta did not redirect to the app: ${answer.status} ${redirect}`);
  }
  const second = spawn(app, [redirect], { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
  const code = await new Promise((res) => second.on('exit', res));
  if (code !== 0) throw new Error(`the second launch exited with ${code}`);
  return user;
}
const roleBadge = async (re) => wd.waitForText('[data-testid="session-role"]', re, 20000);

let origin = 'tauri://localhost';
try {
  await wd.start({
    browserName: 'wry',
    'tauri:options': { application: app, args: appArgs },
  });

  if (sandboxInfo) {
    await step('signed out, the app opens on the Okta login page and shows no data', async () => {
      await wd.waitFor('[data-testid="page-login"]', 30000);
      origin = new URL(await wd.url()).origin;
      if (origin === 'null') origin = 'tauri://localhost';
      const r = await wd.execute(
        'return window.__TAURI_INTERNALS__.invoke("list_invoices", {query: {statuses: [], sort: "date", descending: true, offset: 0, limit: 5}}).then(v => "allowed", e => e.code);',
      );
      if (r !== 'sign_in_required') throw new Error(`list_invoices signed out should be refused, got ${r}`);
      await shot('00-login');
    });

    await step('sign in as a viewer through the sandbox Okta page; the deep link returns to the app', async () => {
      await oktaSignIn('vera.viewer');
      await wd.waitFor('[data-testid="page-dashboard"]', 30000);
      await roleBadge(/Viewer/);
      await wd.waitForText('[data-testid="session-user"]', /Vera Viewer/);
      await shot('00-signed-in-viewer');
    });

    await step('a viewer is refused an owner action in the UI and by calling the command', async () => {
      await wd.go(`${origin}/connections`);
      await wd.waitFor('[data-testid="page-connections"]');
      await wd.waitForText('[data-testid="page-connections"]', /Only an owner can connect/);
      const shown = await wd.execute('return !!document.querySelector(\'[data-testid="connect-xero"]\')');
      if (shown) throw new Error('the viewer sees the Connect Xero button');
      const r = await wd.execute(
        'return window.__TAURI_INTERNALS__.invoke("connect_xero").then(v => "allowed", e => JSON.stringify(e));',
      );
      if (!/"code":"forbidden"/.test(r) || !/owner/.test(r)) throw new Error(`connect_xero as a viewer: ${r}`);
      await shot('00-viewer-refused');
    });

    await step('sign out, then sign in as the owner', async () => {
      await wd.click(await wd.find('[data-testid="sign-out-button"]'));
      await wd.waitFor('[data-testid="page-login"]', 15000);
      await oktaSignIn('olivia.owner');
      await roleBadge(/Owner/);
      // Back where the viewer signed out, now with the owner's controls.
      await wd.waitFor('[data-testid="connect-xero"]', 15000);
      await shot('00-owner-connections');
    });

    await step('locking hides the data until the owner signs in again', async () => {
      await wd.click(await wd.find('[data-testid="lock-button"]'));
      await wd.waitForText('[data-testid="page-login"]', /locked/i, 15000);
      const r = await wd.execute('return window.__TAURI_INTERNALS__.invoke("list_connections").then(v => "allowed", e => e.code);');
      if (r !== 'locked') throw new Error(`list_connections while locked should be refused, got ${r}`);
      await shot('00-locked');
      await oktaSignIn('olivia.owner', { fresh: true });
      await roleBadge(/Owner/);
      await wd.waitFor('[data-testid="page-connections"]', 15000);
    });

    const settings = (minutes) =>
      wd.execute(
        `return window.__TAURI_INTERNALS__.invoke("update_session_settings", {settings: {mode: "okta", idleLockMinutes: ${minutes}, offlineGraceDays: 7}}).then(v => "ok", e => JSON.stringify(e));`,
      );
    await step('idle past the limit: the first keypress does not unlock and the data stays hidden', async () => {
      const set = await settings(1); // the shortest idle lock an owner can choose
      if (set !== 'ok') throw new Error(`setting a one-minute idle lock: ${set}`);
      // No input for a minute and a bit: the lock is decided in Rust by the clock.
      await sleep(66000);
      await wd.execute(
        'document.dispatchEvent(new KeyboardEvent("keydown", {key: "a", bubbles: true})); return window.__TAURI_INTERNALS__.invoke("session_activity").then(() => "sent", e => e.code);',
      );
      await wd.waitForText('[data-testid="page-login"]', /locked/i, 15000);
      const r = await wd.execute('return window.__TAURI_INTERNALS__.invoke("list_connections").then(v => "allowed", e => e.code);');
      if (r !== 'locked') throw new Error(`after the keypress, list_connections should still be refused, got ${r}`);
      await shot('00-idle-locked');
      await oktaSignIn('olivia.owner', { fresh: true });
      await roleBadge(/Owner/);
      const back = await settings(15);
      if (back !== 'ok') throw new Error(`restoring the idle lock: ${back}`);
    });

    await step('sign out, restart the app, sign in: Okta is asked for the password again', async () => {
      await wd.click(await wd.find('[data-testid="sign-out-button"]'));
      await wd.waitFor('[data-testid="page-login"]', 15000);
      await wd.stop();
      await sleep(1500); // the first instance releases the single-instance name
      await wd.start({ browserName: 'wry', 'tauri:options': { application: app, args: appArgs } });
      await wd.waitFor('[data-testid="page-login"]', 30000);
      await oktaSignIn('olivia.owner', { fresh: true });
      await roleBadge(/Owner/);
      // The restarted app opened the same encrypted store.
      await wd.waitForText('[data-testid="store-info"]', /SQLCipher 4\./, 20000);
      await shot('00-restarted-signed-in');
    });
    await wd.go(`${origin}/dashboard`);
  }

  await step('app opens on the dashboard with live data from the encrypted store', async () => {
    await wd.waitFor('[data-testid="page-dashboard"]', 30000);
    await wd.waitForText('[data-testid="store-info"]', /SQLCipher 4\./);
    await wd.waitForText('[data-testid="profile-badge"]', /SANDBOX/);
    origin = new URL(await wd.url()).origin;
    if (origin === 'null') origin = 'tauri://localhost';
    await shot('01-dashboard');
  });

  for (const [label, href, testid] of [
    ['Transactions', '/transactions', 'page-transactions'],
    ['Connections', '/connections', 'page-connections'],
    ['Direct debit', '/direct-debit', 'page-direct-debit'],
    ['Settings', '/settings', 'page-settings'],
    ['Dashboard', '/dashboard', 'page-dashboard'],
  ]) {
    await step(`navigation: ${label}`, async () => {
      await wd.click(await wd.find(`nav[aria-label="Main"] a[href="${href}"]`));
      await wd.waitFor(`[data-testid="${testid}"]`);
      const path = new URL(await wd.url()).pathname;
      if (path !== href) throw new Error(`expected path ${href}, got ${path}`);
      await shot(`02-${label.toLowerCase().replaceAll(' ', '-')}`);
    });
  }

  await step('connections page lists the providers at the running sandbox', async () => {
    await wd.click(await wd.find('nav[aria-label="Main"] a[href="/connections"]'));
    const expected = sandboxInfo ? sandboxInfo.xero_api : 'http://127.0.0.1:';
    const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await wd.waitForText('[data-testid="provider-xero"]', new RegExp(escaped));
    if (sandboxInfo) await wd.waitForText('[data-testid="provider-okx"]', new RegExp(sandboxInfo.okx.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });

  await step('settings: the audit chain verifies in Rust', async () => {
    await wd.click(await wd.find('nav[aria-label="Main"] a[href="/settings"]'));
    await wd.waitFor('[data-testid="page-settings"]');
    const buttons = await wd.execute(
      'return [...document.querySelectorAll("button")].findIndex(b => /Verify audit chain/.test(b.textContent));',
    );
    if (buttons < 0) throw new Error('no "Verify audit chain" button');
    await wd.execute('[...document.querySelectorAll("button")].find(b => /Verify audit chain/.test(b.textContent)).click();');
    await wd.waitForText('[data-testid="page-settings"]', /Chain intact: \d+ entries/);
    await shot('03-settings-audit');
  });

  await step('a reload on a deep route shows that route', async () => {
    await wd.go(`${origin}/transactions/abc-123`);
    await wd.waitForText('[data-testid="transaction-id"]', /abc-123/);
    await wd.refresh();
    await wd.waitFor('[data-testid="page-transaction-detail"]');
    await wd.waitForText('[data-testid="transaction-id"]', /abc-123/);
    await shot('04-deep-route-reload');
  });

  for (const [path, testid] of [
    ['/unauthorized', 'page-unauthorized'],
    ['/no/such/page', 'page-not-found'],
  ]) {
    await step(`route ${path} renders`, async () => {
      await wd.go(`${origin}${path}`);
      await wd.waitFor(`[data-testid="${testid}"]`);
      await shot(`05-${testid}`);
    });
  }


  if (sandboxInfo) {
    let orgId = null;
    let invoiceNumber = null;
    await step('connect Xero through the sandbox consent page and choose one organisation', async () => {
      await wd.go(`${origin}/connections`);
      const before = browserCount();
      await wd.click(await wd.waitFor('[data-testid="connect-xero"]'));
      // The app opened the "system browser": read the URL it was given.
      const url = await browserUrl(before, sandboxInfo.xero_login);
      // The person in the browser: the consent page, both organisations ticked, Allow.
      const page = await (await fetch(url)).text();
      const consent = /name="consent" value="([^"]+)"/.exec(page)?.[1];
      const tenants = [...page.matchAll(/name="tenant" value="([^"]+)"/g)].map((m) => m[1]);
      if (!consent || tenants.length !== 2 || !page.includes('id="xero-allow"')) throw new Error('no consent form with an Allow button');
      const form = new URLSearchParams([['consent', consent], ['decision', 'allow'], ...tenants.map((t) => ['tenant', t])]);
      const action = new URL('authorize/consent', url).toString(); // the form's relative action
      const answer = await fetch(action, { method: 'POST', body: form, redirect: 'manual' });
      const loopback = answer.headers.get('location');
      if (!loopback || !loopback.startsWith('http://127.0.0.1:')) throw new Error(`consent did not redirect to the app: ${answer.status} ${loopback}`);
      const done = await navigate(loopback);
      if (!/close this window/i.test(done.body)) throw new Error(`the app did not answer the redirect: ${done.status}`);
      // Back in the app: the picker offers both, none chosen; keep the EUR one.
      await wd.waitFor('[data-testid="org-picker"]');
      const keepDisabled = await wd.execute('return document.querySelector(\'[data-testid="keep-organisations"]\').disabled');
      if (!keepDisabled) throw new Error('nothing may be preselected');
      await wd.click(await wd.find(`[data-testid="org-option-${tenants[0]}"]`));
      await wd.click(await wd.find('[data-testid="keep-organisations"]'));
      await wd.waitFor('[data-testid^="org-row-"]', 30000);
      await wd.waitForText('[data-testid^="org-row-"]', /Alpenrad Velo GmbH/);
      // The Xero organisation by its name: other providers' accounts (the sandbox's GoCardless creditor) are rows too.
      orgId = await wd.execute(
        'const r = [...document.querySelectorAll(\'[data-testid^="org-row-"]\')].find((e) => e.textContent.includes("Alpenrad Velo GmbH")); return r ? r.dataset.testid.slice(8) : null;',
      );
      if (!orgId) throw new Error('no organisation row');
      await shot('07-connections-organisation-kept');
    });

    await step('sync the organisation and browse its invoices', async () => {
      await wd.click(await wd.find(`[data-testid="sync-now-${orgId}"]`));
      await wd.waitForText(`[data-testid="org-row-${orgId}"]`, /ago|just now|\d{4}/, 60000);
      await wd.go(`${origin}/invoices`);
      await wd.waitForText('[data-testid="invoice-count"]', /^\s*750\s*$/, 30000);
      await shot('08-invoices');
    });

    await step('search an invoice number, open it, see its line items', async () => {
      invoiceNumber = 'INV-A00042';
      await wd.execute(
        'const i = document.querySelector(\'[data-testid="filter-search"]\'); const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set; set.call(i, arguments[0]); i.dispatchEvent(new Event("input", { bubbles: true }));',
        [invoiceNumber],
      );
      await wd.waitForText('[data-testid="invoice-count"]', /^\s*1\s*$/, 15000);
      await wd.click(await wd.find('[data-testid^="invoice-row-"]'));
      await wd.waitForText('[data-testid="invoice-number"]', new RegExp(invoiceNumber));
      await wd.waitFor('[data-testid="line-items"]');
      await shot('09-invoice-detail');
    });

    await step('contacts and bank transactions of the synced organisation are listed', async () => {
      await wd.go(`${origin}/contacts`);
      await wd.waitForText('[data-testid="contact-count"]', /^\s*100\s*$/, 15000);
      await wd.click(await wd.find('[data-testid^="contact-row-"]'));
      await wd.waitFor('[data-testid="page-contact-detail"]');
      await shot('10-contact-detail');
      await wd.go(`${origin}/bank-transactions`);
      await wd.waitForText('[data-testid="bank-transaction-count"]', /^\s*120\s*$/, 15000);
      await shot('11-bank-transactions');
    });

    await step('direct debit: GoCardless mandates and payouts from the sandbox; its creditor on Connections', async () => {
      // The background sync reads GoCardless with the sandbox's token from its start-up line.
      await wd.go(`${origin}/direct-debit`);
      await wd.waitFor('[data-testid="page-direct-debit"]');
      await wd.waitFor('[data-testid^="mandate-row-"]', 60000);
      await wd.waitFor('[data-testid^="payout-row-"]', 30000);
      await shot('11b-direct-debit');
      await wd.go(`${origin}/connections`);
      await wd.waitForText('[data-testid="gocardless-creditor"]', /Connected as/, 15000);
      const shown = await wd.execute('return document.body.textContent');
      if (sandboxInfo && shown.includes(sandboxInfo.credentials.gocardless.access_token)) {
        throw new Error('the GoCardless access token is shown in the window');
      }
      await shot('11c-connections-gocardless');
    });

    const admin = sandboxInfo.admin.replace(/\/$/, '');
    const tenant = sandboxInfo.credentials.xero.tenants.find((t) => t.currency === 'EUR').tenantId;
    const xero = async (resource) => (await (await fetch(`${admin}/xero/${tenant}/${resource}`)).json())[resource];
    const until = async (what, check, ms = 120000) => {
      const end = Date.now() + ms;
      let last = null;
      while (Date.now() < end) {
        last = await check();
        if (last === true) return;
        await sleep(2000);
      }
      throw new Error(`${what} did not happen: ${JSON.stringify(last)?.slice(0, 600)}`);
    };

    await step('settings: an owner books GoCardless and Saferpay money into the Xero organisation\'s accounts (Saferpay\'s clearing account created in Xero)', async () => {
      await wd.go(`${origin}/settings`);
      await wd.waitFor('[data-testid="settlement-gocardless-organisation"]', 15000);
      // React reads what a person types from input/change events; set values the same way.
      const filled = await wd.execute(
        `const set = (el, v, proto, ev) => { Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, v); el.dispatchEvent(new Event(ev, { bubbles: true })); };
         const q = (k) => document.querySelector('[data-testid="settlement-gocardless-' + k + '"]');
         set(q('organisation'), arguments[0], HTMLSelectElement.prototype, 'change');
         for (const [k, v] of [['clearing', '092'], ['bank', '090'], ['fees', '404'], ['suspense', '429']]) set(q(k), v, HTMLInputElement.prototype, 'input');
         return q('organisation').value;`,
        [orgId],
      );
      if (filled !== orgId) throw new Error(`the organisation select has no option ${orgId}`);
      await wd.click(await wd.find('[data-testid="settlement-gocardless-save"]'));
      await wd.waitFor('[data-testid="settlement-gocardless-saved"]', 15000);
      const kept = await wd.execute('return window.__TAURI_INTERNALS__.invoke("get_settlement_mappings").then(v => JSON.stringify(v), e => JSON.stringify(e));');
      const gc = JSON.parse(kept).find((p) => p.provider === 'gocardless');
      if (gc?.mapping?.organisationId !== orgId || gc.mapping.accounts.clearing !== '092' || gc.mapping.accounts.bank !== '090') {
        throw new Error(`the mapping Rust kept: ${kept}`);
      }
      // Saferpay has no clearing account in the demo chart: the owner creates one in Xero from here.
      await wd.execute(
        `const el = document.querySelector('[data-testid="settlement-saferpay-organisation"]');
         Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(el, arguments[0]);
         el.dispatchEvent(new Event('change', { bubbles: true }));`,
        [orgId],
      );
      await wd.click(await wd.find('[data-testid="settlement-saferpay-create-clearing"]'));
      await wd.waitForText('[data-testid="settlement-saferpay-created"]', /Created bank account 091/, 30000);
      const clearing = await wd.execute('return document.querySelector(\'[data-testid="settlement-saferpay-clearing"]\').value');
      if (clearing !== '091') throw new Error(`the created account's code is not filled in: ${clearing}`);
      const inXero = (await xero('Accounts')).filter((a) => a.Code === '091');
      if (inXero.length !== 1 || inXero[0].Type !== 'BANK' || inXero[0].Name !== 'Saferpay Clearing') {
        throw new Error(`Xero's chart: ${JSON.stringify(inXero)}`);
      }
      await wd.execute(
        `const set = (el, v) => { Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, v); el.dispatchEvent(new Event('input', { bubbles: true })); };
         for (const [k, v] of [['bank', '090'], ['fees', '404'], ['suspense', '429']]) set(document.querySelector('[data-testid="settlement-saferpay-' + k + '"]'), v);`,
      );
      await wd.click(await wd.find('[data-testid="settlement-saferpay-save"]'));
      await wd.waitFor('[data-testid="settlement-saferpay-saved"]', 15000);
      await shot('11d-settlement-accounts');
    });

    await step('collect an unpaid invoice by direct debit; its page follows it to GoCardless', async () => {
      // In the demo, INV-A00002's contact has the email of the GoCardless customer of one active mandate.
      await wd.go(`${origin}/invoices`);
      await wd.waitFor('[data-testid="filter-search"]');
      await wd.execute(
        'const i = document.querySelector(\'[data-testid="filter-search"]\'); const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set; set.call(i, arguments[0]); i.dispatchEvent(new Event("input", { bubbles: true }));',
        ['INV-A00002'],
      );
      await wd.waitForText('[data-testid="invoice-count"]', /^\s*1\s*$/, 15000);
      await wd.click(await wd.find('[data-testid^="invoice-row-"]'));
      await wd.waitForText('[data-testid="invoice-number"]', /INV-A00002/);
      await wd.waitFor('[data-testid="collect-direct-debit"]', 15000);
      // The customer was found by the contact's email: nothing is debited until a person says it is them.
      const confirm = await wd.waitFor('[data-testid="collect-confirm-match"]', 15000);
      if (!(await wd.execute('return document.querySelector(\'[data-testid="collect-submit"]\').disabled'))) {
        throw new Error('Collect must wait for the match to be confirmed');
      }
      await shot('11e-invoice-collect');
      await wd.click(confirm);
      await wd.click(await wd.find('[data-testid="collect-submit"]'));
      await wd.waitFor('[data-testid="page-collection-detail"]', 15000);
      // The app's outbox sends it (every 15 s); the page follows without a reload.
      await wd.waitForText('[data-testid="page-collection-detail"]', /Pending submission|Submitted to the bank/, 45000);
      // A GoCardless payment id (PM and at least six capitals or digits): an afternoon's times
      // on the timeline read "12:01 PMPending…", which a looser pattern takes for one.
      await wd.waitForText('[data-testid="page-collection-detail"]', /PM[0-9A-Z]{6,}/, 15000);
      await shot('11f-collection-sent');
    });

    await step('cancel that payment before it goes to the bank: the page shows Cancelled without a sync', async () => {
      // Still on INV-A00002's collection page. The outbox sends the cancellation (every 15 s) and
      // the app reads GoCardless's answer right after; nobody presses Sync.
      await wd.click(await wd.waitFor('[data-testid="cancel-collection-submit"]', 15000));
      await wd.waitFor('[data-testid="cancel-collection-sent"]', 15000);
      // The timeline's last entry is GoCardless's `cancelled` event (the notice above says "Cancelled" too).
      const cancelled = async () =>
        wd.execute('const e = [...document.querySelectorAll(\'[data-testid="timeline-entry"]\')]; return e.length ? e[e.length - 1].textContent : "";');
      const end = Date.now() + 60000;
      while (!/Cancelled/.test(await cancelled())) {
        if (Date.now() > end) throw new Error(`the timeline did not reach Cancelled: ${await cancelled()}`);
        await sleep(1000);
      }
      await shot('11f2-collection-cancelled');
    });

    // The whole way of one invoice: a mandate set up on GoCardless's hosted page for a contact
    // that had none, the invoice collected, the banks' days passed in the sandbox, the money paid
    // out and booked in Xero through the clearing account; then the payer's bank charges it back.
    let dd = null;
    await step('a contact with no mandate gets one through GoCardless\'s hosted page', async () => {
      // An unpaid euro sales invoice whose contact no GoCardless customer matches yet.
      dd = await wd.execute(
        `const invoke = window.__TAURI_INTERNALS__.invoke;
         const query = {organisationId: arguments[0], statuses: ["AUTHORISED"], contactId: null, currency: "EUR", dateFrom: null, dateTo: null,
                        amountMin: null, amountMax: null, search: null, sort: "date", descending: false, offset: 0, limit: 200};
         return invoke("list_invoices", {query}).then(async (page) => {
           for (const i of page.rows) {
             if (i.invoiceType !== "ACCREC" || !i.contactId || i.number === "INV-A00002") continue;
             const m = await invoke("gocardless_contact_mandates", {organisationId: i.organisationId, contactId: i.contactId});
             if (m.found === "none" && m.setups.length === 0) return {invoiceId: i.invoiceId, contactId: i.contactId, number: i.number, contactName: i.contactName};
           }
           return null;
         }, (e) => ({error: JSON.stringify(e)}));`,
        [orgId],
      );
      if (!dd || dd.error) throw new Error(`no unpaid invoice of a contact without a mandate: ${JSON.stringify(dd)}`);
      await wd.go(`${origin}/contacts/${orgId}/${dd.contactId}`);
      await wd.waitForText('[data-testid="contact-mandates-empty"]', /No GoCardless mandate/, 15000);
      const before = browserCount();
      await wd.click(await wd.find('[data-testid="mandate-setup-start"]'));
      const url = await browserUrl(before, sandboxInfo.gocardless);
      await wd.waitFor('[data-testid="mandate-setup-waiting"]', 15000);
      await shot('11g-mandate-setup-waiting');
      // The customer in the browser: their details (the contact's email is prefilled), an IBAN, Confirm.
      const page = await (await fetch(url)).text();
      const flow = new URL(url).searchParams.get('id');
      const email = /id="email" name="email" value="([^"]*)"/.exec(page)?.[1];
      if (!flow || email === undefined) throw new Error('no GoCardless details form');
      const details = new URLSearchParams([
        ['id', flow], ['given_name', 'Eva'], ['family_name', 'Engel'], ['company_name', dd.contactName],
        ['email', email || 'accounts@example.de'], ['address_line1', 'Hauptstrasse 1'], ['city', 'Berlin'],
        ['postal_code', '10115'], ['country_code', 'DE'], ['account_holder_name', dd.contactName], ['iban', 'DE89 3704 0044 0532 0130 00'],
      ]);
      const gc = sandboxInfo.gocardless.replace(/\/$/, '');
      const confirm = await fetch(`${gc}/billing/static/flow/details`, { method: 'POST', body: details });
      if (!confirm.ok || !(await confirm.text()).includes('Confirm')) throw new Error(`the details were refused: ${confirm.status}`);
      const done = await fetch(`${gc}/billing/static/flow/confirm`, { method: 'POST', body: new URLSearchParams([['id', flow]]) });
      if (!(await done.text()).includes('has been set up')) throw new Error('GoCardless did not set the mandate up');
      // Back in the app: the page is followed until GoCardless says it is done.
      await wd.waitFor('[data-testid="mandate-setup-done"]', 30000);
      await wd.waitFor('[data-testid^="contact-mandate-MD"]', 15000);
      await wd.waitForText('[data-testid^="contact-mandate-MD"]', /Pending submission/, 15000);
      await shot('11h-mandate-set-up');
    });

    await step('a mandate the contact signed is recorded for Saferpay; the window gets back only the IBAN\'s ending', async () => {
      if (!dd) throw new Error('no contact was chosen');
      // Still on the contact's page.
      await wd.click(await wd.waitFor('[data-testid="saferpay-mandate-new"]', 15000));
      await wd.waitFor('[data-testid="saferpay-mandate-form"]');
      await wd.execute(
        `const set = (el, v) => { Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, v); el.dispatchEvent(new Event('input', { bubbles: true })); };
         set(document.querySelector('[data-testid="saferpay-mandate-iban"]'), arguments[0]);
         document.querySelector('[data-testid="saferpay-mandate-signed"]').click();`,
        ['CH93 0076 2011 6238 5295 7'],
      );
      await wd.click(await wd.find('[data-testid="saferpay-mandate-save"]'));
      await wd.waitFor('[data-testid^="saferpay-mandate-XPM-"]', 15000);
      await wd.waitForText('[data-testid^="saferpay-mandate-XPM-"]', /••2957/, 15000);
      const shown = await wd.execute('return document.body.textContent');
      if (shown.includes('62385295') || shown.includes('CH9300762011')) throw new Error('the IBAN is shown in the window');
      await shot('11h2-saferpay-mandate');
    });

    let payment = null;
    const syncGoCardless = async () => {
      await wd.go(`${origin}/direct-debit`);
      await wd.click(await wd.waitFor('[data-testid="sync-gocardless"]', 15000));
      await wd.waitFor('[data-testid="sync-gocardless-started"]', 15000);
    };
    await step('collect it; the banks\' days pass; paid out, Xero shows it PAID through the clearing account with the fees and the transfer', async () => {
      if (!dd) throw new Error('no mandate was set up');
      await wd.go(`${origin}/invoices/${orgId}/${dd.invoiceId}`);
      await wd.waitFor('[data-testid="collect-direct-debit"]', 15000);
      await wd.click(await wd.find('[data-testid="collect-submit"]'));
      await wd.waitFor('[data-testid="page-collection-detail"]', 15000);
      // The outbox sends it (every 15 s); Rust records GoCardless's payment id.
      const collectionId = new URL(await wd.url()).pathname.split('/').pop();
      const paymentOf = () =>
        wd.execute(
          'return window.__TAURI_INTERNALS__.invoke("get_collection", {collectionId: arguments[0]}).then(d => d.collection.providerPaymentId, e => null);',
          [collectionId],
        );
      const sentBy = Date.now() + 60000;
      while (!(payment = await paymentOf())?.startsWith('PM')) {
        if (Date.now() > sentBy) throw new Error(`collection ${collectionId} has no GoCardless payment: ${payment}`);
        await sleep(1000);
      }
      // Two weeks of SEPA working days in the sandbox: submitted, confirmed, paid out.
      const advanced = await fetch(`${admin}/time/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ days: 14 }) });
      if (!advanced.ok) throw new Error(`the sandbox's time did not move: ${advanced.status}`);
      await syncGoCardless();
      await until('the invoice paid in Xero through the clearing account', async () => {
        const invoice = (await xero('Invoices')).find((i) => i.InvoiceID === dd.invoiceId);
        const paid = (await xero('Payments')).filter((p) => p.Invoice?.InvoiceID === dd.invoiceId && p.Status !== 'DELETED');
        return (invoice?.Status === 'PAID' && paid.length === 1 && paid[0].Account?.Code === '092') || { status: invoice?.Status, paid };
      });
      await until('the payout\'s fees and transfer from the clearing account', async () => {
        const fees = (await xero('BankTransactions')).filter((b) => b.Type === 'SPEND' && b.BankAccount?.Code === '092' && b.LineItems?.[0]?.AccountCode === '404');
        const transfers = (await xero('BankTransfers')).filter((t) => t.FromBankAccount?.Code === '092' && t.ToBankAccount?.Code === '090');
        return (fees.length >= 1 && transfers.length >= 1) || { fees: fees.length, transfers: transfers.length };
      });
      await wd.go(`${origin}/direct-debit`);
      await wd.waitFor('[data-testid^="collection-row-"]', 15000);
      await shot('11i-paid-out-and-booked');
    });

    await step('the payer\'s bank charges it back: the Xero payment is undone and the invoice is open again', async () => {
      if (!payment) throw new Error('nothing was collected');
      const gc = sandboxInfo.gocardless.replace(/\/$/, '');
      const back = await fetch(`${gc}/_sandbox/payments/${payment}/charge_back`, { method: 'POST' });
      if (!back.ok) throw new Error(`the sandbox's bank did not charge back: ${back.status} ${await back.text()}`);
      await syncGoCardless();
      await until('the reversal in Xero', async () => {
        const invoice = (await xero('Invoices')).find((i) => i.InvoiceID === dd.invoiceId);
        const mine = (await xero('Payments')).filter((p) => p.Invoice?.InvoiceID === dd.invoiceId);
        return (invoice?.Status === 'AUTHORISED' && mine.length === 1 && mine[0].Status === 'DELETED') || { status: invoice?.Status, mine };
      });
      await wd.go(`${origin}/direct-debit`);
      await wd.waitForText('[data-testid="page-direct-debit"]', /Charged back/, 30000);
      // The books cannot settle a charge-back alone: the page says what a person does, with the invoice.
      await until('the charge-back under Needs attention, with its invoice', async () =>
        wd.execute(
          `const more = document.querySelector('[data-testid="attention-toggle"]');
           if (more && more.textContent.startsWith('Show all')) more.click();
           const notes = [...document.querySelectorAll('[data-testid="attention-charged_back"]')].map(e => e.textContent);
           return notes.some(t => t.includes('Ask the customer') && t.includes('Invoice ' + arguments[0])) || notes;`,
          [dd.number],
        ), 30000);
      await shot('11j-charged-back');
    });

    await step('collected again through Saferpay on the mandate the contact signed, then partly refunded from its page', async () => {
      if (!dd) throw new Error('no contact was chosen');
      // The charge-back left the invoice open in Xero; a sync brings that to the window (it may
      // have read it PAID meanwhile). Its contact has the Saferpay mandate recorded above.
      await wd.execute('return window.__TAURI_INTERNALS__.invoke("sync_now", {organisationId: arguments[0]});', [orgId]);
      const open = () =>
        wd.execute(
          `const query = {organisationId: arguments[0], statuses: ["AUTHORISED"], contactId: null, currency: null, dateFrom: null, dateTo: null,
                          amountMin: null, amountMax: null, search: arguments[1], sort: "date", descending: false, offset: 0, limit: 10};
           return window.__TAURI_INTERNALS__.invoke("list_invoices", {query}).then(p => p.rows.some(r => r.invoiceId === arguments[2]), e => JSON.stringify(e));`,
          [orgId, dd.number, dd.invoiceId],
        );
      await until('the invoice open again in the window', open, 60000);
      await wd.go(`${origin}/invoices/${orgId}/${dd.invoiceId}`);
      await wd.click(await wd.waitFor('[data-testid="collect-via-saferpay"]', 15000));
      // Each transition is checked, so a failure says which one did not happen (a click that
      // was lost, Rust's refusal, or no answer) instead of only "no collection page".
      await until('Saferpay chosen', async () =>
        (await wd.execute('return document.querySelector(\'[data-testid="collect-via-saferpay"]\')?.checked === true')) || 'not checked', 10000);
      await wd.click(await wd.find('[data-testid="collect-submit"]'));
      await until('the collection page, after Collect', async () =>
        wd.execute(
          `if (document.querySelector('[data-testid="page-collection-detail"]')) return true;
           const alert = document.querySelector('[data-testid="collect-direct-debit"] [role="alert"]');
           return { refused: alert?.textContent ?? null, button: document.querySelector('[data-testid="collect-submit"]')?.textContent ?? null };`,
        ), 30000);
      const collectionId = new URL(await wd.url()).pathname.split('/').pop();
      const detail = () =>
        wd.execute(
          'return window.__TAURI_INTERNALS__.invoke("get_collection", {collectionId: arguments[0]}).then(d => d.collection, e => null);',
          [collectionId],
        );
      // The outbox debits and captures it at Saferpay (every 15 s): captured is confirmed.
      await until('the Saferpay debit captured', async () => {
        const c = await detail();
        return (c?.provider === 'saferpay' && c.status === 'confirmed' && !!c.providerPaymentId) || c;
      }, 60000);
      // The page shows Refund once it has read the capture (it follows the collection by itself).
      await wd.waitFor('[data-testid="refund-amount"]', 30000);
      await wd.execute(
        `const i = document.querySelector('[data-testid="refund-amount"]'); const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set; set.call(i, arguments[0]); i.dispatchEvent(new Event('input', { bubbles: true }));`,
        ['20.50'],
      );
      await wd.click(await wd.waitFor('[data-testid="refund-submit"]', 15000));
      await wd.waitForText('[data-testid="refund-collection-sent"]', /Refund queued for Saferpay/, 15000);
      // The outbox makes the refund once; the timeline says so, and the debit stays collected.
      const last = async () =>
        wd.execute('const e = [...document.querySelectorAll(\'[data-testid="timeline-entry"]\')]; return e.length ? e[e.length - 1].textContent : "";');
      await until('the refund on the timeline', async () => /Partly refunded: 20\.50 EUR/.test(await last()) || (await last()), 60000);
      const c = await detail();
      if (c.status !== 'confirmed') throw new Error(`a partly refunded debit stays collected, not ${c.status}`);
      // Booked the way the GoCardless one was, into the clearing account created in Settings.
      await until('the Saferpay debit paid in Xero through its clearing account', async () => {
        const invoice = (await xero('Invoices')).find((i) => i.InvoiceID === dd.invoiceId);
        const paid = (await xero('Payments')).filter((p) => p.Invoice?.InvoiceID === dd.invoiceId && p.Status !== 'DELETED');
        return (invoice?.Status === 'PAID' && paid.length === 1 && paid[0].Account?.Code === '091') || { status: invoice?.Status, paid };
      });
      await shot('11k-saferpay-refunded');
    });

    await step('with the sandbox stopped, the cached data still browses and searches', async () => {
      sandboxProc.kill('SIGKILL');
      await sleep(300);
      await wd.go(`${origin}/invoices`);
      await wd.waitForText('[data-testid="invoice-count"]', /^\s*750\s*$/, 15000);
      await wd.execute(
        'const i = document.querySelector(\'[data-testid="filter-search"]\'); const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set; set.call(i, arguments[0]); i.dispatchEvent(new Event("input", { bubbles: true }));',
        ['Bäckerei'],
      );
      // Some invoices, but not all 750: the search ran against the cache.
      await wd.waitForText('[data-testid="invoice-count"]', /^\s*(?!750\s*$)[1-9]\d*\s*$/, 15000);
      // The OS still says "online"; the app's own requests find the providers gone and say so.
      await wd.execute('window.__TAURI_INTERNALS__.invoke("sync_now", {organisationId: null});');
      await wd.waitForText('[data-testid="online-indicator"]', /Offline/, 20000);
      await shot('12-offline-search');
    });
  }

  await step('dark theme applies and survives a reload', async () => {
    await wd.go(`${origin}/dashboard`);
    await wd.waitFor('[data-testid="page-dashboard"]');
    const wasDark = await wd.execute('return document.documentElement.classList.contains("dark")');
    await wd.click(await wd.find('[data-testid="theme-toggle"]'));
    const isDark = await wd.execute('return document.documentElement.classList.contains("dark")');
    if (isDark === wasDark) throw new Error('theme toggle did not change the theme');
    await wd.refresh();
    await wd.waitFor('[data-testid="page-dashboard"]');
    const afterReload = await wd.execute('return document.documentElement.classList.contains("dark")');
    if (afterReload !== isDark) throw new Error('theme was not persisted across reload');
    await shot('06-dashboard-toggled-theme');
  });

  await step('the capability allows the app\'s commands and denies everything else', async () => {
    const invoke = (cmd) =>
      wd.execute(
        `return window.__TAURI_INTERNALS__.invoke(${JSON.stringify(cmd)}).then(v => "allowed " + JSON.stringify(v), e => "denied " + String(e));`,
      );
    const own = await invoke('app_info');
    if (!/^allowed .*"profile":"sandbox"/.test(own)) throw new Error(`app_info should be allowed: ${own}`);
    for (const cmd of ['plugin:updater|check', 'plugin:deep-link|get_current', 'plugin:app|version']) {
      const r = await invoke(cmd);
      if (!/^denied .*not allowed/i.test(r)) throw new Error(`${cmd} should be denied by the capability: ${r}`);
    }
  });
} catch (e) {
  results.push({ name: 'session', ok: false, error: e.message });
  console.log(`  FAIL  session: ${e.message}`);
  console.log(driver.log.join('').slice(-4000));
} finally {
  await wd.stop();
  cleanup();
  // The app's own log (secrets redacted by the app) stays with the screenshots.
  try {
    cpSync(join(dataDir, 'logs'), join(artifacts, 'app-logs'), { recursive: true });
  } catch {
    /* the app never started */
  }
  rmSync(dataDir, { recursive: true, force: true });
}

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
if (failed > 0) {
  const crashes = (kernelLog() ?? []).slice(Math.max(0, kernelLinesBefore - 1)).filter((l) => /traps:|segfault|general protection|killed process|out of memory/i.test(l));
  if (crashes.length > 0) console.log(`the kernel logged during the run:\n${crashes.join('\n')}`);
}
console.log(`\nscreenshots in ${artifacts}`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
