// The loading half of the browser benchmark (issue #22): the course page on a slow network,
// a big routing table through the kit's import, and a long run's memory and jumps. bench.mjs
// calls these with its Chromium session; each returns [label, value] rows. Nothing here fails
// on a number.

const ms = (x) => (x === undefined || x === null ? "-" : `${x.toFixed(0)} ms`);
const median = (xs) => {
  const s = xs.filter((x) => typeof x === "number").sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const range = (xs) => {
  const s = xs.filter((x) => typeof x === "number").sort((a, b) => a - b);
  return s.length ? `${ms(median(s))} (${s.map((x) => x.toFixed(0)).join(", ")})` : "-";
};

/** Chromium's DevTools throttling as the issue gives it: 1.6 Mbps down, 750 kbps up, 150 ms RTT. */
export const SLOW = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };
const UNTHROTTLED = { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };

// Installed before the course page's own scripts run (Page.addScriptToEvaluateOnNewDocument),
// in the top document only. A widget is INTERACTIVE when it answers a step: as soon as a widget's
// shadow root holds its tick counter and its hardclock button, the probe clicks that button (as a
// student's first click would) and records the moment the counter shows the step's result
// (a MutationObserver, so to the microtask). Times are performance.now(): ms since navigation start.
const PROBE = `(() => {
  if (window.top !== window) return;
  const r = (window.__hcProbe = { widgets: {}, frame: null, first: null });
  addEventListener("message", (e) => {
    const d = e.data;
    if (d && d.hardclock === "state" && d.id === "rt-frame" && r.frame === null) r.frame = performance.now();
  });
  const poll = () => {
    for (const host of document.querySelectorAll("[data-hardclock]")) {
      const sr = host.shadowRoot;
      const ticks = sr && sr.querySelector("[data-testid=ticks]");
      const btn = sr && sr.querySelector("[data-action=hardclock]");
      if (!ticks || !btn || r.widgets[host.id]) continue;
      const w = (r.widgets[host.id] = { ready: performance.now(), before: ticks.textContent });
      if (r.first === null) {
        r.first = host.id;
        const want = String(Number(w.before) + 1);
        const done = () => {
          const t = sr.querySelector("[data-testid=ticks]");
          if (t && t.textContent === want && w.answered === undefined) { w.answered = performance.now(); mo.disconnect(); }
        };
        const mo = new MutationObserver(done);
        mo.observe(sr, { subtree: true, childList: true, characterData: true });
        w.clicked = performance.now();
        btn.click();
        done();
      }
    }
    if (performance.now() < 120000 && Object.keys(r.widgets).length < 2) setTimeout(poll, 2);
  };
  poll();
})();`;

/**
 * Course notes (static/course-notes.html: two inline widgets, one sandboxed iframe), cold (the
 * browser cache cleared before each load), `runs` times each: locally, then under SLOW, served
 * as is and gzip-compressed. `pages` maps a serving mode to the page URL.
 */
export async function courseNotes(s, pages, runs = 3) {
  const rows = [];
  await s.cdp("Network.enable");
  await s.cdp("Page.enable");
  const { identifier } = await s.cdp("Page.addScriptToEvaluateOnNewDocument", { source: PROBE });
  try {
    for (const [label, url, net] of [
      ["local, gzip", pages.gzip, UNTHROTTLED],
      ["slow network, gzip", pages.gzip, SLOW],
      ["slow network, uncompressed", pages.plain, SLOW],
    ]) {
      const got = [];
      for (let i = 0; i < runs; i++) {
        await s.go("about:blank");
        await s.cdp("Network.clearBrowserCache");
        await s.cdp("Network.emulateNetworkConditions", net);
        await s.go(url);
        const p = await s.waitJs("the first widget to answer a step",
          "const p = window.__hcProbe; return p && p.first && p.widgets[p.first].answered !== undefined && Object.keys(p.widgets).length >= 2 ? p : null", 120000);
        // The framed widget says its state when it is up (static/course-notes.js listens).
        const frame = await s.waitJs("the framed widget", "return window.__hcProbe.frame", 120000).catch(() => null);
        const res = await s.exec(`return performance.getEntriesByType("resource").map((e) => [e.name.split("/").pop(), e.transferSize, e.responseEnd])`);
        const wasm = res.find((r) => /\.wasm$/.test(r[0]));
        const ws = Object.values(p.widgets);
        got.push({
          interactive: p.widgets[p.first].answered,
          ready: Math.min(...ws.map((w) => w.ready)),
          all: Math.max(...ws.map((w) => w.ready)),
          frame,
          wasm: wasm ? wasm[2] : null,
          bytes: res.reduce((a, r) => a + (r[1] || 0), 0),
          fcp: await s.exec(`const e = performance.getEntriesByName("first-contentful-paint")[0]; return e ? e.startTime : null`),
        });
      }
      rows.push([`course notes, ${label}: FIRST INTERACTIVE WIDGET (answers a step)`, range(got.map((g) => g.interactive))]);
      rows.push([`course notes, ${label}:   first contentful paint`, ms(median(got.map((g) => g.fcp)))]);
      rows.push([`course notes, ${label}:   widgets' wasm downloaded`, ms(median(got.map((g) => g.wasm)))]);
      rows.push([`course notes, ${label}:   first widget drawn / both inline drawn`, `${ms(median(got.map((g) => g.ready)))} / ${ms(median(got.map((g) => g.all)))}`]);
      rows.push([`course notes, ${label}:   framed widget up (its first state message)`, ms(median(got.map((g) => g.frame)))]);
      rows.push([`course notes, ${label}:   bytes over the wire (top document)`, `${median(got.map((g) => g.bytes))} B`]);
    }
  } finally {
    await s.cdp("Network.emulateNetworkConditions", UNTHROTTLED);
    await s.cdp("Page.removeScriptToEvaluateOnNewDocument", { identifier });
  }
  return rows;
}

/** `n` distinct routes as `ip route` prints them (a fixed xorshift: every run the same table). */
export function routeTable(n) {
  let x = 0x9e3779b9;
  const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const seen = new Set();
  const lines = [];
  while (lines.length < n) {
    const r = rnd();
    const len = r % 4 === 0 ? 16 + (r >>> 8) % 17 : 24;
    const a = (rnd() & (len === 0 ? 0 : ~0 << (32 - len))) >>> 0;
    const key = `${a}/${len}`;
    if (a === 0 || seen.has(key)) continue;
    seen.add(key);
    const dst = [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join(".");
    lines.push(`${dst}/${len} via 192.168.${(r >>> 4) & 7}.1 dev eth0 proto static`);
  }
  return lines.join("\n") + "\n";
}

/** Heap of the page's JS (DevTools' Runtime.getHeapUsage) and the wasm memories (the probe
 * MEMORIES keeps them), in MB. */
export async function memory(s) {
  const h = await s.cdp("Runtime.getHeapUsage");
  const wasm = await s.exec("return (window.__hcMems || []).reduce((a, m) => a + m.buffer.byteLength, 0)");
  return { js: h.usedSize / 1e6, jsTotal: h.totalSize / 1e6, wasm: wasm / 1e6 };
}
export const mb = (m) => `${(m.wasm + m.js).toFixed(0)} MB (wasm ${m.wasm.toFixed(0)} MB + JS heap ${m.js.toFixed(1)} MB)`;

// Keeps every wasm memory the page instantiates (window.__hcMems), for memory().
export const MEMORIES = `(() => {
  const keep = (r) => { const i = r.instance || r; for (const v of Object.values(i.exports || {})) if (v instanceof WebAssembly.Memory) (window.__hcMems ||= []).push(v); return r; };
  const is = WebAssembly.instantiateStreaming, i = WebAssembly.instantiate;
  if (is) WebAssembly.instantiateStreaming = (...a) => is.apply(WebAssembly, a).then(keep);
  WebAssembly.instantiate = (...a) => i.apply(WebAssembly, a).then(keep);
})();`;

// Long animation frames (over 50 ms) from now on: window.__loaf.
const WATCH_LOAF = `window.__loaf = [];
try { new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__loaf.push(e.duration); }).observe({ type: "long-animation-frame" }); } catch (e) {}`;
const loafs = async (s) => { const l = await s.exec("return window.__loaf"); return l.length ? `${l.length} (max ${Math.max(...l).toFixed(0)} ms)` : "0"; };

// Does one thing in the page and resolves, in ms, when its result is on screen: from just before
// the action to the end of the frame that shows it (a message posted from that frame's
// requestAnimationFrame runs after its style, layout and paint), so no WebDriver round trip or
// polling interval is in the figure. arguments[0]: { click: selector | submit: [input selector,
// value] | value: [textarea selector, text], kit: the selectors are in the kit's shadow root,
// until: [selector, text ("~text": containing it) or null (present), in the kit] }; the page is watched with a
// MutationObserver.
const ACT = `const a = arguments[0];
const kit = () => document.querySelector('[data-hardclock-kit]').shadowRoot;
const q = (sel, inKit) => (inKit ? kit() : document).querySelector(sel);
return new Promise((done) => {
  const ok = () => { const e = q(a.until[0], a.until[2]); const w = a.until[1];
    return e && (w === null || e.textContent === w || (w[0] === "~" && e.textContent.includes(w.slice(1)))); };
  const fin = (t0) => requestAnimationFrame(() => { const ch = new MessageChannel(); ch.port1.onmessage = () => done(performance.now() - t0); ch.port2.postMessage(0); });
  const mo = new MutationObserver(() => { if (ok()) { mo.disconnect(); fin(t0); } });
  mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  if (a.until[2]) mo.observe(kit(), { subtree: true, childList: true, characterData: true });
  const t0 = performance.now();
  if (a.click) q(a.click, a.kit).click();
  if (a.submit) { const i = q(a.submit[0], a.kit); i.value = a.submit[1]; i.form.requestSubmit(); }
  if (a.value) { const i = q(a.value[0], a.kit); i.value = a.value[1]; i.dispatchEvent(new InputEvent("input", { bubbles: true })); }
  if (ok()) { mo.disconnect(); fin(t0); }
});`;

/**
 * A routing table of `n` routes through the app's import (the instructor's kit: paste, "load as
 * the scenario and run it"), then a lookup typed into the console, its first step, and one
 * hardclock with the table on the page.
 */
export async function bigTable(s, page, n) {
  const rows = [];
  const table = routeTable(n);
  await s.go("about:blank");
  await s.go(page);
  await s.find("[data-testid=ticks]");
  await s.click("[data-drawer-btn=kit]");
  // The kit lives in the widgets module, in a shadow root of its host.
  const KIT = "document.querySelector('[data-hardclock-kit]').shadowRoot";
  await s.waitJs("the kit", `const k = ${KIT}; return k && k.querySelector('#hc-import')`, 60000);
  await s.exec(WATCH_LOAF);
  let t = await s.exec(ACT, [{ value: ["#hc-import", table], kit: true, until: ["[data-testid=import-preview], [data-testid=import-error]", null, true] }]);
  rows.push([`routes ${n}: paste ${(table.length / 1024).toFixed(0)} KiB into the kit, preview shown`, ms(t)]);
  const err = await s.exec(`const e = ${KIT}.querySelector('[data-testid=import-error]'); return e ? e.textContent : null`);
  if (err) { rows.push([`routes ${n}: ERROR`, err.slice(0, 120)]); return rows; }
  // The kit hands the app a link; the app opens it (the lesson becomes "your own scenario").
  t = await s.exec(ACT, [{ click: "#hc-import-replace", kit: true, until: ["[data-testid=route-row]", null] }]);
  const title = await s.text("[data-testid=lesson-title]");
  rows.push([`routes ${n}: LOAD (press "load as the scenario and run it" to the table drawn)`, title === "your own scenario" ? ms(t) : `not loaded: ${title}`]);
  rows.push([`routes ${n}:   route rows in the page / routes`, `${await s.count("[data-testid=route-row]")} / ${(await s.exec("const e = document.querySelector('[data-testid=routes-count]'); return e ? e.textContent : ''")) || "all"}`]);
  rows.push([`routes ${n}:   long animation frames while loading`, await loafs(s)]);
  await s.click("[data-drawer-btn=kit]");
  // A lookup, as a student types it; the tree marks its path and lists its steps.
  await s.click("[data-drawer-btn=scenario]");
  await s.exec(WATCH_LOAF);
  const dst = table.split("\n")[n >> 1].split("/")[0].replace(/\.\d+$/, ".77");
  t = await s.exec(ACT, [{ submit: ["#hc-console-input", `rt = rtalloc1(${dst}, 0, 0)`], until: ["[data-testid=lookup-steps]", null] }]);
  rows.push([`routes ${n}: LOOKUP typed in the console, to its path drawn`, ms(t)]);
  await s.click("[data-drawer-btn=scenario]");
  t = await s.exec(ACT, [{ click: "#hc-walk-next", until: ["[data-testid=lookup-steps] li.cur", null] }]);
  rows.push([`routes ${n}:   its first step shown (next step)`, ms(t)]);
  const ticks = Number(await s.text("[data-testid=ticks]"));
  t = await s.exec(ACT, [{ click: "#hc-hardclock", until: ["[data-testid=ticks]", String(ticks + 1)] }]);
  rows.push([`routes ${n}: one hardclock with the table on the page`, ms(t)]);
  rows.push([`routes ${n}:   long animation frames: lookup, step, hardclock`, await loafs(s)]);
  rows.push([`routes ${n}: memory`, mb(await memory(s))]);
  return rows;
}

/**
 * A long run: scenario `sc` (thousands of timers pending; typed into the editor, as it is too
 * long for a link) loaded and run, then a jump to tick `ticks`, as far as the simulator's limits
 * let it go; the tab's memory; jumps from the run's end back to four ticks spread over it (each
 * timed from the form's submit to the end of the frame that shows it).
 */
export async function longRun(s, page, sc, ticks, what) {
  const rows = [];
  await s.go("about:blank");
  await s.go(page);
  await s.find("#hc-editor");
  await s.exec(`const ta = document.querySelector('#hc-editor'); ta.value = arguments[0];
    ta.dispatchEvent(new InputEvent('input', { bubbles: true }));`, [sc]);
  await s.click("[data-drawer-btn=scenario]");
  const t = await s.exec(ACT, [{ click: "#hc-load-run", until: ["[data-testid=next]", "~run to its end"] }]);
  await s.click("[data-drawer-btn=scenario]");
  rows.push([`long run, ${what}: load and run the scenario (${(sc.length / 1024).toFixed(0)} KiB)`, ms(t)]);
  const t0 = Date.now();
  await s.exec(`const j = document.querySelector('#hc-jump'); j.value = arguments[0]; j.form.requestSubmit();`, [String(ticks)]);
  const end = await s.waitJs("the run's end", `const t = document.querySelector('[data-testid=ticks]');
    const p = document.querySelector('[data-testid=panic]');
    return t && (p || t.textContent === ${JSON.stringify(String(ticks))}) ? { ticks: Number(t.textContent), panic: p ? p.textContent.replace(/^\s*panic:?\s*/i, "") : null } : null`, 600000);
  rows.push([`long run, ${what}: jump to tick ${ticks}`, `${ms(Date.now() - t0)}${end.panic ? `; stopped at ticks ${end.ticks}: ${end.panic.slice(0, 70)}` : ""}`]);
  const reached = end.ticks;
  rows.push([`long run, ${what}: MEMORY at ticks ${reached}`, mb(await memory(s))]);
  const times = [];
  for (const f of [0.5, 0.1, 0.9, 0.3]) {
    // From the run's end each time (a jump back forgets the ticks after it: run them again).
    if (Number(await s.text("[data-testid=ticks]")) !== reached) {
      await s.exec(ACT, [{ submit: ["#hc-jump", String(ticks)], until: ["[data-testid=ticks]", String(reached)] }]);
    }
    const target = Math.round(reached * f);
    times.push(await s.exec(ACT, [{ submit: ["#hc-jump", String(target)], until: ["[data-testid=ticks]", String(target)] }]));
  }
  rows.push([`long run, ${what}: JUMP from its end back to 50%, 10%, 90%, 30% of it`, `${times.map((x) => x.toFixed(0)).join(", ")} ms (max ${ms(Math.max(...times))})`]);
  rows.push([`long run, ${what}: memory after the jumps`, mb(await memory(s))]);
  return rows;
}
