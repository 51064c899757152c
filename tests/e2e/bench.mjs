// Browser benchmark of the release build (not a test: it prints numbers, it never fails on them).
// Usage: node tests/e2e/bench.mjs DIST_DIR [chrome|firefox] [SECONDS] [openbsd,freebsd,freebsd16k or -]
// Serves DIST_DIR, measures the first render of the default view, then for each case loads a
// scenario that keeps 10,000 timers pending (OpenBSD timeouts on the 4x256 wheel, FreeBSD
// callouts on the callwheel) and plays it at 1,000 ticks/s, twice: in a browser at 60 Hz
// (requestAnimationFrame intervals, missed refreshes) and, in Chromium, in one with the frame
// rate unlocked, where each play advance is timed from its timer callback to the end of the
// frame that shows it (BENCHMARKS.md, "Method", "Browser"); then the loading half
// (bench-load.mjs). Prints one report.
import { join, resolve } from "node:path";
import { serveStatic, startBrowser } from "./webdriver.mjs";
import { bigTable, courseNotes, longRun, MEMORIES, memory, mb } from "./bench-load.mjs";
import { BUDGET, WIDGETS_BUDGET, bundle, widgetsModule } from "../../scripts/bundle-size.mjs";

const dist = resolve(process.argv[2] || "dist");
const browser = process.argv[3] || "chrome";
const seconds = Number(process.argv[4] || 5);
const cases = (process.argv[5] || "openbsd,freebsd,freebsd16k").split(",").filter((c) => c && c !== "-");
// The loading half (issue #22, tests/e2e/bench-load.mjs), Chromium only: HC_BENCH_LOAD=0 leaves
// it out; HC_BENCH_LOAD=notes,routes,long,paint picks parts of it.
const loads = (process.env.HC_BENCH_LOAD ?? "paint,notes,routes,long").split(",").filter((x) => x && x !== "0");

/**
 * 10,000 pending callouts from a short script (it opens by a link): 625 legacy timeout(9)
 * calls, each handler level schedules two of the next, so every
 * call becomes 16 leaves; a leaf re-arms itself every 1,000 ticks. The start delays are spread
 * over 1,000 ticks, so about 10 leaves fire on every tick once the tree has grown (tick ~1010).
 */
export function benchScenario(roots = 625, ncallout = 10240) {
  const lines = [
    `# ${roots * 16} pending callouts: ${roots} timeout() calls fan out 16-fold, then re-arm every 1000 ticks.`,
    `ncallout = ${ncallout}`,
  ];
  for (let i = 0; i < 4; i++) lines.push(`handler h${i} { timeout(h${i + 1}, NULL, 1); timeout(h${i + 1}, NULL, 1) }`);
  lines.push("handler h4 { timeout(h4, NULL, 1000) }");
  for (let i = 0; i < roots; i++) lines.push(`timeout(h0, NULL, ${1 + Math.floor((i * 1000) / roots)})`);
  return lines.join("\n") + "\n";
}

/**
 * 10,000 pending OpenBSD timeouts in 1,000 groups of 10 that share a deadline; the last of a
 * group runs a handler that re-arms all ten 1,000 ticks later (31 statements a group, about
 * 680 KB: within the script limits of 1 MiB, 32,768 statements and 16,384 named objects).
 * The first deadlines are spread over 1,000 ticks, so 10 run on every tick; a re-armed one
 * waits on wheel 1 and comes down in a cascade at the next 256-tick boundary.
 */
export function openbsdScenario(period = () => 1000) {
  const lines = ["# 10,000 pending timeouts: 1,000 groups of 10, each group re-armed by its handler."];
  for (let g = 0; g < 1000; g++) {
    const ts = Array.from({ length: 10 }, (_, j) => `&t${g * 10 + j}`);
    lines.push(`handler g${g} { ${ts.map((t) => `timeout_add(${t}, ${period(g)})`).join("; ")} }`);
    ts.forEach((t, j) => lines.push(`timeout_set(${t}, ${j === 9 ? `g${g}` : "f"}, NULL); timeout_add(${t}, ${g + 1})`));
  }
  return lines.join("\n") + "\n";
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const ms = (x) => (x === undefined || x === null ? "-" : `${x.toFixed(1)} ms`);
const ms2 = (x) => (x === undefined || x === null ? "-" : `${x.toFixed(2)} ms`);


// Resolves (WebDriver awaits a returned promise) with the paint timings of this document.
const PAINTS = `return new Promise((done) => {
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  let lcp = null;
  try {
    new PerformanceObserver((l) => { const e = l.getEntries().at(-1); lcp = { t: e.startTime, el: e.element ? e.element.closest(".hc-app") !== null : false }; })
      .observe({ type: "largest-contentful-paint", buffered: true });
  } catch (e) {}
  setTimeout(() => done({ fcp: fcp ? fcp.startTime : null, lcp }), 300);
});`;

// Wraps setInterval (the play timer is one, and so are the tables' refresh timers, which
// rebuild them while playing in renders of their own: src/ui/app.rs, use_refresh) so that each
// play advance or table refresh is timed (`ms` says which timer: 50 play, 250 refresh), in
// performance.now() ms: `a` its callback's start; `s` the end of its script, a microtask queued
// after the callback (Yew renders in microtasks queued before it); `r` the start of the next
// animation frame's callbacks; `e` the end of that frame's rendering update (style, layout,
// paint), a message posted from the frame callback, which runs after it.
const TIME_INTERVALS = `window.__adv = [];
if (!window.__origSetInterval) {
  window.__origSetInterval = window.setInterval;
  const ch = new MessageChannel();
  const open = [];
  ch.port1.onmessage = () => { const x = open.shift(); if (x) { x.e = performance.now(); window.__adv.push(x); } };
  window.setInterval = (fn, ms, ...rest) => window.__origSetInterval(() => {
    const x = { a: performance.now(), ms };
    fn();
    queueMicrotask(() => { x.s = performance.now(); });
    requestAnimationFrame(() => { x.r = performance.now(); open.push(x); ch.port2.postMessage(0); });
  }, ms, ...rest);
}`;

// Collects requestAnimationFrame timestamps for arguments[0] ms; resolves with the deltas, and
// with the durations of any long animation frames (over 50 ms, where the browser reports them).
const FRAMES = `const dur = arguments[0];
return new Promise((done) => {
  const ts = [], loaf = [];
  let obs = null;
  try {
    obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) loaf.push(e.duration); });
    obs.observe({ type: "long-animation-frame" });
  } catch (e) { obs = null; }
  const frame = (t) => {
    ts.push(t);
    if (t - ts[0] < dur) requestAnimationFrame(frame);
    else { if (obs) obs.disconnect(); done({ deltas: ts.slice(1).map((x, i) => x - ts[i]), loaf: obs ? loaf : null }); }
  };
  requestAnimationFrame(frame);
});`;

/** Loads case `c` (its 10,000 pending timers at tick 1010) into a fresh page; returns rows. */
async function load(s, page, c) {
  const rows = [];
  if (c === "openbsd") {
    // 800 KB is too long for a link: type it into the editor (as a student would paste it),
    // press "load and run", then jump to tick 1010.
    const sc = openbsdScenario();
    await s.go("about:blank");
    await s.go(page);
    await s.find("#hc-editor");
    const t0 = Date.now();
    await s.exec(`const ta = document.querySelector('#hc-editor'); ta.value = arguments[0];
      ta.dispatchEvent(new InputEvent('input', { bubbles: true }));`, [sc]);
    // The editor is in the scenario drawer (issue #16): open it to press the button, close it to watch.
    await s.click("[data-drawer-btn=scenario]");
    await s.click("#hc-load-run");
    await s.waitText("[data-testid=next]", (t) => t.includes("run to its end"), 300000);
    await s.click("[data-drawer-btn=scenario]");
    const t1 = Date.now();
    await s.exec(`document.querySelector('#hc-jump').value = '1010';
      document.querySelector('#hc-jump').form.requestSubmit();`);
    await s.waitText("[data-testid=ticks]", (t) => t === "1010", 120000);
    rows.push([`openbsd: load and run ${sc.split("\n").length - 1} lines (${(sc.length / 1024).toFixed(0)} KiB)`, ms(t1 - t0)]);
    rows.push(["openbsd: then jump to tick 1010", ms(Date.now() - t1)]);
  } else {
    // The 10,000-callout scenario, jumped to tick 1010 by the link (statements run, then ticks);
    // freebsd16k: the simulator's largest callwheel (ncallout 16,384) with 16,000 of them.
    const sc = c === "freebsd16k" ? benchScenario(1000, 16384) : benchScenario();
    const hash = `#s=${encodeURIComponent(sc)}&t=1010`;
    await s.go("about:blank");
    const t0 = Date.now();
    await s.go(page + hash);
    await s.waitText("[data-testid=ticks]", (t) => t === "1010", 120000);
    rows.push([`${c}: open link: ${sc.split("\n").length - 1} statements + 1010 ticks`, ms(Date.now() - t0)]);
  }
  const err = await s.exec("const e = document.querySelector('[data-testid=panic], .hc-error'); return e ? e.textContent : null");
  if (err) rows.push([`${c}: ERROR on the page`, err.slice(0, 80)]);
  rows.push([`${c}: pending timers (table)`, await s.exec("const e = document.querySelector('[data-testid=timers-count]'); return e ? e.textContent : String(document.querySelectorAll('[data-testid=timer-row]').length)")]);
  return rows;
}

/** Plays the loaded case at 1,000 ticks/s for `seconds`: frame deltas, advances, ticks/s. */
async function play(s) {
  const cdp = browser === "chrome";
  if (cdp) await s.cdp("Performance.enable", { timeDomain: "timeTicks" });
  await s.exec(`const sel = document.querySelector('#hc-speed'); sel.value = '1000';
    sel.dispatchEvent(new Event('change', { bubbles: true }));`);
  await s.exec(TIME_INTERVALS);
  // Watch the wheels, as a student would (the window shows the wheel, the timer table and
  // the callwheel's top), whatever the loading left in view.
  await s.exec("document.querySelector('.hc-views').scrollIntoView()");
  const ticks0 = Number(await s.text("[data-testid=ticks]"));
  await s.click("#hc-play");
  const w0 = Date.now();
  const m0 = cdp ? await metrics(s) : null;
  const { deltas, loaf } = await s.exec(FRAMES, [seconds * 1000]);
  const m1 = cdp ? await metrics(s) : null;
  const ticks1 = Number(await s.text("[data-testid=ticks]"));
  const wall = (Date.now() - w0) / 1000;
  await s.click("#hc-play");
  // Where the main thread's time went, in ms per second of play (DevTools' counters).
  const main = m0 && Object.fromEntries(["ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "TaskDuration"]
    .map((k) => [k, ((m1[k] - m0[k]) * 1000) / ((m1.Timestamp - m0.Timestamp) || 1)]));
  const adv = (await s.exec("return window.__adv")).filter((x) => x.s !== undefined && x.e !== undefined);
  return { deltas, loaf, adv, main, tps: Math.round((ticks1 - ticks0) / wall) };
}

async function metrics(s) {
  const { metrics } = await s.cdp("Performance.getMetrics");
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** A play advance's main-thread time: its script, then its frame's rendering update. */
const busy = (x) => x.s - x.a + (x.e - x.r);
const triple = (st) => `${ms(st.median)} / ${ms(st.p95)} / ${ms(st.max)}`;

/**
 * The loading half, in a Chromium of its own: cold first paints of the app, the course page on a
 * slow network, a big routing table through the kit, a long run's memory and jumps. Sandboxed
 * iframes stay in the page's process (--disable-features=IsolateSandboxedIframes), so that the
 * network emulation, which DevTools applies per process, slows the course page's framed widget
 * too, as a slow network would; the wasm memories are recorded as the page instantiates them.
 */
async function loading() {
  const rows = [];
  const zipped = await serveStatic(dist, "/", {}, { gzip: true });
  const zpage = `http://127.0.0.1:${zipped.address().port}/`;
  const s = await startBrowser(browser, { args: ["--disable-features=IsolateSandboxedIframes"] });
  try {
    await s.cdp("Page.enable");
    await s.cdp("Network.enable");
    await s.cdp("Page.addScriptToEvaluateOnNewDocument", { source: MEMORIES });
    if (loads.includes("paint")) {
      // The app's first paint (index.html, the default lesson), cold: five loads, the cache
      // cleared before each.
      const fcp = [];
      for (let i = 0; i < 5; i++) {
        await s.go("about:blank");
        await s.cdp("Network.clearBrowserCache");
        await s.go(zpage);
        await s.find("[data-testid=ticks]");
        const p = await s.exec(PAINTS);
        if (p.fcp !== null) fcp.push(p.fcp);
      }
      fcp.sort((a, b) => a - b);
      rows.push([`FIRST PAINT of index.html (FCP, cold, gzip), median of ${fcp.length} (min - max)`,
        fcp.length ? `${ms(fcp[(fcp.length - 1) >> 1])} (${ms(fcp[0])} - ${ms(fcp.at(-1))})` : "-"]);
      rows.push(["  memory of the default lesson", mb(await memory(s))]);
    }
    if (loads.includes("notes")) {
      rows.push(...(await courseNotes(s, { gzip: zpage + "course-notes.html", plain: page + "course-notes.html" }, 3)));
    }
    if (loads.includes("routes")) {
      for (const n of [1000, 4096, 100000]) rows.push(...(await bigTable(s, page, n)));
    }
    if (loads.includes("long")) {
      // 10,000 pending timeouts whose groups re-arm every 1,000 to 100,900 ticks (as the native
      // replay bench's periods), run to 10^6 ticks.
      rows.push(...(await longRun(s, page, openbsdScenario((g) => 1000 + g * 100), 1000000, "10,000 timeouts")));
    }
  } finally {
    await s.close();
    zipped.close();
  }
  return rows;
}

const server = await serveStatic(dist, "/");
const page = `http://127.0.0.1:${server.address().port}/`;
const rows = [];
// Two browsers: the first at the display's 60 Hz (frame intervals are whole refreshes, and one
// over 20 ms is a refresh the user saw missed); the second with the frame rate unlocked, so a
// frame starts as soon as the one before is done and its time is what it costs.
const UNLOCKED = ["--disable-gpu-vsync", "--disable-frame-rate-limit"];
try {
  let s = await startBrowser(browser);
  try {
    // First render of the default view: a fresh document, no hash (the default preset).
    await s.go("about:blank");
    await s.go(page);
    await s.find("[data-testid=ticks]");
    const paints = await s.exec(PAINTS);
    rows.push(["first contentful paint, default view", ms(paints.fcp)]);
    rows.push([`largest contentful paint${paints.lcp && paints.lcp.el ? " (an app element)" : ""}`, ms(paints.lcp && paints.lcp.t)]);
    for (const c of cases) {
      rows.push(...(await load(s, page, c)));
      const p = await play(s);
      const f = stats(p.deltas);
      rows.push([`${c}: 60 Hz: frames while playing ${seconds} s at 1,000 ticks/s`, `${f.n}`]);
      rows.push([`${c}: 60 Hz: frame interval median / p95 / max`, `${ms(f.median)} / ${ms2(f.p95)} / ${ms(f.max)}`]);
      // A 60 Hz display gives deltas of 16.6-16.8 ms; one over 20 ms missed a refresh.
      rows.push([`${c}: 60 Hz: frames over 20 ms (missed a refresh)`, `${p.deltas.filter((d) => d > 20).length}`]);
      rows.push([`${c}: 60 Hz: ticks/s reached`, `${p.tps}`]);
      rows.push([`${c}: 60 Hz: frame time of a play advance (as unlocked)`, triple(stats(p.adv.map(busy)))]);
    }
  } finally {
    await s.close();
  }
  if (browser === "chrome") {
    s = await startBrowser(browser, { args: UNLOCKED });
    try {
      for (const c of cases) {
        await load(s, page, c);
        const p = await play(s);
        // The frame's own cost: its script, then its rendering update. Between the two the
        // main thread is idle, waiting for the next frame to begin (up to one 60 Hz interval
        // even unlocked: a page with nothing to draw gets frames at the default rate), so that
        // wait is left out; "timer to frame end" keeps it.
        const cost = stats(p.adv.map(busy));
        const script = stats(p.adv.map((x) => x.s - x.a));
        const render = stats(p.adv.map((x) => x.e - x.r));
        const latency = stats(p.adv.map((x) => x.e - x.a));
        rows.push([`${c}: unlocked: ticks/s reached`, `${p.tps}`]);
        rows.push([`${c}: unlocked: FRAME TIME of a play advance (${cost.n}), median / p95 / max`, triple(cost)]);
        // The same frames by timer: the play timer's advances, the tables' refreshes.
        for (const [iv, what] of [[null, "of them play advances"], [250, "of them table refreshes"]]) {
          const xs = p.adv.filter((x) => (iv === null ? x.ms !== 250 : x.ms === iv));
          if (xs.length) rows.push([`${c}: unlocked:   ${what} (${xs.length})`, triple(stats(xs.map(busy)))]);
        }
        rows.push([`${c}: unlocked:   its script (reducer + Yew render)`, triple(script)]);
        rows.push([`${c}: unlocked:   its style + layout + paint`, triple(render)]);
        rows.push([`${c}: unlocked:   timer to frame end, waits included`, triple(latency)]);
        rows.push([`${c}: unlocked: frame intervals over 16.7 ms / all`, `${p.deltas.filter((d) => d > 16.7).length} / ${p.deltas.length}`]);
        if (p.main) {
          const m = p.main;
          const other = m.TaskDuration - m.ScriptDuration - m.RecalcStyleDuration - m.LayoutDuration;
          rows.push([`${c}: unlocked: main thread busy per s: script / style / layout / other`,
            `${[m.ScriptDuration, m.RecalcStyleDuration, m.LayoutDuration, other].map((x) => x.toFixed(0)).join(" / ")} ms`]);
        }
        if (p.loaf) rows.push([`${c}: unlocked: long animation frames (over 50 ms)`, `${p.loaf.length}${p.loaf.length ? ` (max ${ms(Math.max(...p.loaf))})` : ""}`]);
      }
    } finally {
      await s.close();
    }
  }
  if (browser === "chrome" && loads.length) rows.push(...(await loading()));
  const b = bundle(dist);
  const size = (gz, raw) => `${gz} B = ${(gz / 1024).toFixed(1)} KiB (${(raw / 1024).toFixed(1)} KiB raw)`;
  rows.push([`bundle (wasm+js+css), gzip -9 (budget ${BUDGET} B)`, size(b.gz, b.raw)]);
  rows.push([`widgets module (a course page's download), gzip -9 (budget ${WIDGETS_BUDGET} B)`, `${widgetsModule(b)} B`]);
  for (const f of b.files.filter((f) => f.kind === "page" || /^hardclock-embed/.test(f.file))) {
    rows.push([`  ${f.file} (${f.kind}), gzip -9`, size(f.gz, f.raw)]);
  }
} finally {
  server.close();
}
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`hardclock browser benchmark (${browser}, ${dist})`);
console.log("  60 Hz: headless Chromium at the display's refresh rate: frame intervals are whole refreshes.");
console.log("  unlocked: --disable-gpu-vsync --disable-frame-rate-limit; FRAME TIME is what a play advance");
console.log("  costs the main thread: its timer callback's script (the reducer and Yew's render), then the");
console.log("  rendering update (style, layout, paint) of the frame that shows it (target: p95 < 16.7 ms).");
for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
