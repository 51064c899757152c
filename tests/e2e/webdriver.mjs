// A minimal W3C WebDriver client and static file server, using only Node's standard library,
// so the end-to-end tests need nothing from npm.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm",
  ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".json": "application/json",
};

/**
 * Serves `dir` on 127.0.0.1 under the URL prefix `mount` (e.g. "/course/hardclock/"). With
 * `{ gzip: true }` it answers `Accept-Encoding: gzip` with the file compressed at level 9 (once,
 * then cached), as a course site's web server would (nginx `gzip_static`, GitHub Pages).
 */
export function serveStatic(dir, mount = "/", headers = {}, { gzip = false } = {}) {
  const zipped = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (!url.pathname.startsWith(mount)) { res.writeHead(404).end("not found"); return; }
    let rel = decodeURIComponent(url.pathname.slice(mount.length)) || "index.html";
    const file = normalize(join(dir, rel));
    if (!file.startsWith(normalize(dir))) { res.writeHead(403).end(); return; }
    try {
      const path = statSync(file).isDirectory() ? join(file, "index.html") : file;
      let body = readFileSync(path);
      const type = { "content-type": TYPES[extname(path)] || "application/octet-stream" };
      if (gzip && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
        if (!zipped.has(path)) zipped.set(path, gzipSync(body, { level: 9 }));
        body = zipped.get(path);
        type["content-encoding"] = "gzip";
      }
      res.writeHead(200, { ...type, ...headers });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** How long a test waits for a state before it fails: generous, so that a machine busy with
 * other work (two loaded cores) passes; a quiet one never waits that long. */
const WAIT_MS = 30000;

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Starts a driver (chromedriver or geckodriver) and opens a headless session. `args`: more
 * command-line switches for Chromium (the benchmark unlocks the frame rate with them).
 */
export async function startBrowser(kind, { width = 1280, height = 900, args: extra = [] } = {}) {
  const port = await freePort();
  let bin, args, caps;
  if (kind === "firefox") {
    bin = process.env.GECKODRIVER || "geckodriver";
    args = [`--port=${port}`, "--host=127.0.0.1"];
    caps = { browserName: "firefox", "moz:firefoxOptions": { args: ["-headless", `--width=${width}`, `--height=${height}`] } };
  } else {
    bin = process.env.CHROMEDRIVER || "chromedriver";
    args = [`--port=${port}`];
    caps = {
      browserName: "chrome",
      "goog:chromeOptions": {
        binary: process.env.CHROMIUM || "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          `--user-data-dir=${mkdtempSync(join(tmpdir(), "hc-chrome-"))}`, `--window-size=${width},${height}`, ...extra],
      },
      "goog:loggingPrefs": { browser: "ALL" },
    };
  }
  const proc = spawn(bin, args, { stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await (await fetch(`${base}/status`)).json()).value.ready) break; } catch {}
    if (i > 100) { proc.kill(); throw new Error(`${bin} did not start`); }
    await sleep(100);
  }
  const res = await wd(base, "POST", "/session", { capabilities: { alwaysMatch: caps } });
  return new Session(base, res.sessionId, proc, kind);
}

async function wd(base, method, path, body) {
  const r = await fetch(base + path, {
    method, headers: { "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined,
  });
  const j = await r.json();
  if (j.value && j.value.error) throw new Error(`webdriver ${method} ${path}: ${j.value.error}: ${j.value.message}`);
  return j.value;
}

// The W3C element reference key ("element-6066-11e4-a52e-4f735466cecf"); read from the reply so a
// driver that still uses the legacy "ELEMENT" key works too.
const elementId = (ref) => ref["element-6066-11e4-a52e-4f735466cecf"] ?? ref.ELEMENT ?? Object.values(ref)[0];
const shadowId = (ref) => ref["shadow-6066-11e4-a52e-4f735466cecf"] ?? Object.values(ref)[0];

export class Session {
  constructor(base, id, proc, kind) { Object.assign(this, { base, id, proc, kind }); }
  cmd(method, path, body) { return wd(this.base, method, `/session/${this.id}${path}`, body); }
  go(url) { return this.cmd("POST", "/url", { url }); }
  exec(script, args = []) { return this.cmd("POST", "/execute/sync", { script, args }); }
  async find(css, timeout = WAIT_MS) {
    const end = Date.now() + timeout;
    for (;;) {
      try { return elementId(await this.cmd("POST", "/element", { using: "css selector", value: css })); }
      catch (e) { if (Date.now() > end) throw new Error(`no element ${css} after ${timeout} ms`); }
      await sleep(100);
    }
  }
  /** The element `css` inside the open shadow root of the element `host` (an embedded widget). */
  async findIn(host, css, timeout = WAIT_MS) {
    const end = Date.now() + timeout;
    for (;;) {
      try {
        const h = await this.find(host, timeout);
        const root = shadowId(await this.cmd("GET", `/element/${h}/shadow`));
        return elementId(await this.cmd("POST", `/shadow/${root}/element`, { using: "css selector", value: css }));
      } catch (e) { if (Date.now() > end) throw new Error(`no ${css} in the shadow root of ${host} after ${timeout} ms`); }
      await sleep(100);
    }
  }
  async textIn(host, css) { return (await this.cmd("GET", `/element/${await this.findIn(host, css)}/text`)).trim(); }
  async clickIn(host, css) { await this.cmd("POST", `/element/${await this.findIn(host, css)}/click`, {}); }
  async typeIn(host, css, keys) { await this.cmd("POST", `/element/${await this.findIn(host, css)}/value`, { text: keys }); }
  /** Polls until the text of `css` in `host`'s shadow root satisfies `pred`. */
  async waitTextIn(host, css, pred, timeout = WAIT_MS) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try { last = await this.textIn(host, css); if (pred(last)) return last; } catch {}
      if (Date.now() > end) throw new Error(`${host} ${css}: text ${JSON.stringify(last)} never matched`);
      await sleep(50);
    }
  }
  /** Switches into the iframe `css` (null: back to the top document). */
  async frame(css) {
    const id = css === null ? null : { "element-6066-11e4-a52e-4f735466cecf": await this.find(css) };
    await this.cmd("POST", "/frame", { id });
  }
  async text(css) { return (await this.cmd("GET", `/element/${await this.find(css)}/text`)).trim(); }
  async click(css) { await this.cmd("POST", `/element/${await this.find(css)}/click`, {}); }
  async clear(css) { await this.cmd("POST", `/element/${await this.find(css)}/clear`, {}); }
  async attr(css, name) { return this.cmd("GET", `/element/${await this.find(css)}/attribute/${name}`); }
  async count(css) { return (await this.cmd("POST", "/elements", { using: "css selector", value: css })).length; }
  setSize(width, height) { return this.cmd("POST", "/window/rect", { width, height }); }
  async type(css, keys) { await this.cmd("POST", `/element/${await this.find(css)}/value`, { text: keys }); }
  /** Polls until `css`'s text satisfies `pred`; returns the text. */
  async waitText(css, pred, timeout = WAIT_MS) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try { last = await this.text(css); if (pred(last)) return last; } catch {}
      if (Date.now() > end) throw new Error(`${css}: text ${JSON.stringify(last)} never matched`);
      await sleep(50);
    }
  }
  /** Polls until attribute `name` of `css` satisfies `pred`; returns its value. */
  async waitAttr(css, name, pred, timeout = WAIT_MS) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try { last = await this.attr(css, name); if (pred(last)) return last; } catch {}
      if (Date.now() > end) throw new Error(`${css} [${name}]: ${JSON.stringify(last)} never matched`);
      await sleep(50);
    }
  }
  /** Polls until `script` (run in the page) returns a truthy value; returns it. */
  async waitJs(what, script, timeout = WAIT_MS) {
    const end = Date.now() + timeout;
    for (;;) {
      try { const v = await this.exec(script); if (v) return v; } catch {}
      if (Date.now() > end) throw new Error(`waited ${timeout} ms for ${what}`);
      await sleep(50);
    }
  }
  /** A Chrome DevTools Protocol command through chromedriver (Chromium only). */
  cdp(cmd, params = {}) { return this.cmd("POST", "/goog/cdp/execute", { cmd, params }); }
  async screenshot() { return Buffer.from(await this.cmd("GET", "/screenshot"), "base64"); }
  async logs() {
    if (this.kind !== "chrome") return [];
    try { return await wd(this.base, "POST", `/session/${this.id}/se/log`, { type: "browser" }); } catch { return []; }
  }
  async close() {
    try { await wd(this.base, "DELETE", `/session/${this.id}`); } catch {}
    this.proc.kill();
  }
}
