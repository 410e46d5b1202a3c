// A minimal W3C WebDriver client over fetch, enough to drive the real app through tauri-driver.
// Transport errors are retried: the hop tauri-driver -> WebKitWebDriver occasionally drops a
// connection ("Connection reset by peer", shared/PLATFORM.md).

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The W3C web element identifier key (WebDriver §12.1).
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriver {
  constructor(base) {
    this.base = base;
    this.session = null;
  }

  async call(method, path, body, { attempts = 4 } = {}) {
    let lastError;
    for (let i = 1; i <= attempts; i++) {
      try {
        const res = await fetch(this.base + path, {
          method,
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
          // A window that stopped answering fails the step instead of holding CI until its limit.
          signal: AbortSignal.timeout(90000),
        });
        const json = await res.json().catch(() => ({}));
        if (!res.ok) {
          const err = new Error(`${method} ${path}: HTTP ${res.status} ${json?.value?.error ?? ''} ${json?.value?.message ?? ''}`);
          err.webdriver = json?.value?.error;
          throw err;
        }
        return json.value;
      } catch (e) {
        lastError = e;
        if (e.webdriver) throw e; // a real WebDriver answer: do not retry
        await sleep(300 * i);
      }
    }
    throw lastError;
  }

  async start(capabilities) {
    const value = await this.call('POST', '/session', { capabilities: { alwaysMatch: capabilities } }, { attempts: 6 });
    this.session = value.sessionId;
    return value;
  }

  s(path) {
    return `/session/${this.session}${path}`;
  }

  async stop() {
    if (this.session) await this.call('DELETE', this.s('')).catch(() => {});
    this.session = null;
  }

  url() {
    return this.call('GET', this.s('/url'));
  }

  go(url) {
    return this.call('POST', this.s('/url'), { url });
  }

  refresh() {
    return this.call('POST', this.s('/refresh'), {});
  }

  execute(script, args = []) {
    return this.call('POST', this.s('/execute/sync'), { script, args });
  }

  async find(css) {
    const v = await this.call('POST', this.s('/element'), { using: 'css selector', value: css });
    if (!v || typeof v[ELEMENT] !== 'string') throw new Error(`unexpected element reference ${JSON.stringify(v)}`);
    return v[ELEMENT];
  }

  async waitFor(css, timeoutMs = 15000) {
    const end = Date.now() + timeoutMs;
    let last;
    while (Date.now() < end) {
      try {
        return await this.find(css);
      } catch (e) {
        last = e;
        await sleep(150);
      }
    }
    throw new Error(`timed out waiting for ${css}: ${last?.message}`);
  }

  async waitForText(css, re, timeoutMs = 15000) {
    const end = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < end) {
      try {
        // textContent, not the WebDriver "element text": WebKit's rendering-based text drops
        // lines clipped by text-overflow.
        text = (await this.execute('const e = document.querySelector(arguments[0]); return e ? e.textContent : null;', [css])) ?? '';
        if (re.test(text)) return text;
      } catch {
        /* not there yet */
      }
      await sleep(150);
    }
    throw new Error(`timed out waiting for ${css} to match ${re}; last text: ${JSON.stringify(text)}`);
  }

  text(el) {
    return this.call('GET', this.s(`/element/${el}/text`));
  }

  click(el) {
    return this.call('POST', this.s(`/element/${el}/click`), {});
  }

  async screenshot() {
    return Buffer.from(await this.call('GET', this.s('/screenshot')), 'base64');
  }
}
