// End-to-end tests of the release build in a real headless browser, through WebDriver.
// Usage: node tests/e2e/run.mjs DIST_DIR [chrome|firefox]
// Serves DIST_DIR under a sub-path (as a course site would), drives the page like a student,
// saves screenshots to target/e2e/, and ends with "e2e: N passed, M failed".
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { serveStatic, startBrowser } from "./webdriver.mjs";

const dist = resolve(process.argv[2] || "dist");
const browser = process.argv[3] || "chrome";
const shots = resolve("target/e2e");
mkdirSync(shots, { recursive: true });

const server = await serveStatic(dist, "/course/hardclock/");
const page = `http://127.0.0.1:${server.address().port}/course/hardclock/`;
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// WebDriver's Enter key: Chrome also submits a form on a typed "\n", geckodriver types a newline.
const ENTER = "\uE007";

test("the page loads from a sub-path and shows ticks 0", async (s) => {
  await s.go(page);
  const t = await s.waitText("[data-testid=ticks]", (t) => t !== "");
  if (t !== "0") throw new Error(`ticks shows ${t}, expected 0`);
});

test("the hardclock button advances ticks and narrates", async (s) => {
  await s.go(page);
  await s.waitText("[data-testid=ticks]", (t) => t === "0");
  await s.click("#hc-hardclock");
  await s.waitText("[data-testid=ticks]", (t) => t === "1");
  await s.click("#hc-hardclock");
  await s.waitText("[data-testid=ticks]", (t) => t === "2");
  const n = await s.text("[data-testid=narration]");
  if (n !== "hardclock(): ticks is now 2.") throw new Error(`narration: ${n}`);
  writeFileSync(`${shots}/${browser}-clock.png`, await s.screenshot());
});

const num = (t) => Number.parseInt(t, 10);
/** Opens the page with this hash in a fresh document (a hash change alone does not reload). */
async function open(s, hash) {
  await s.go("about:blank");
  await s.go(page + hash);
  await s.find("[data-testid=ticks]");
}
/** Saves a screenshot with `css` (if given) scrolled to the top of the window. */
async function shot(s, name, css) {
  if (css) await s.exec("document.querySelector(arguments[0]).scrollIntoView()", [css]);
  writeFileSync(`${shots}/${browser}-${name}.png`, await s.screenshot());
}

test("a preset link loads the preset into the picker, the editor and the machine", async (s) => {
  await open(s, "#p=cascade-256");
  const title = await s.text("[data-testid=lesson-title]");
  if (!title.includes("Cascade")) throw new Error(`preset title: ${title}`);
  const next = await s.text("[data-testid=next]");
  if (!next.includes("ticks = -50")) throw new Error(`next statement: ${next}`);
  // Following an in-page link (only the hash changes) opens that preset at that tick.
  await s.exec("location.hash = '#p=route-lpm&t=5'");
  await s.waitText("[data-testid=lesson-title]", (t) => t.includes("Longest-prefix"));
  await s.waitText("[data-testid=ticks]", (t) => t === "5");
  await open(s, "#p=not-a-preset");
  await s.waitText("[data-testid=notice]", (t) => t.includes("not-a-preset"));
});

test("play advances ticks, pause stops them, step back goes back one tick", async (s) => {
  await open(s, "#p=cascade-256");
  await s.click("#hc-play");
  const moving = num(await s.waitText("[data-testid=ticks]", (t) => num(t) >= 3));
  await s.click("#hc-play");
  await s.waitAttr("#hc-play", "aria-pressed", (v) => v === "false");
  const paused = num(await s.text("[data-testid=ticks]"));
  if (paused < moving) throw new Error(`ticks went back while playing: ${moving} then ${paused}`);
  // Paused, the clock moves only when told: one hardclock is one tick, and step back returns
  // to the tick it paused at (a clock still playing would run past both).
  await s.click("#hc-hardclock");
  await s.waitText("[data-testid=ticks]", (t) => num(t) === paused + 1);
  await s.click("#hc-back");
  await s.waitText("[data-testid=ticks]", (t) => num(t) === paused);
  await s.click("#hc-back");
  await s.waitText("[data-testid=ticks]", (t) => num(t) === paused - 1);
});

test("a console statement with an error shows it at its line", async (s) => {
  await open(s, "#p=cascade-256");
  // The editor and the console are a drawer over the page.
  await s.click("[data-drawer-btn=scenario]");
  await s.type("#hc-console-input", "x = 1" + ENTER);
  await s.waitText("[data-testid=console-log]", (t) => t.includes("1> x = 1"));
  await s.type("#hc-console-input", "timeout_add(&t256, 300;" + ENTER);
  const sel = "[data-testid=console-log] li:nth-child(2) [data-testid=script-error]";
  const msg = await s.waitText(sel, (t) => t !== "");
  const line = await s.attr(sel, "data-line");
  if (line !== "2") throw new Error(`error on line ${line}, expected console line 2: ${msg}`);
  if (!msg.includes("line 2")) throw new Error(`error text: ${msg}`);
  // A scenario error in the editor names its own line.
  await s.clear("#hc-editor");
  await s.type("#hc-editor", "timeout_set(&t1, f, NULL)\nhz = 100\ntimeout_add(&t1 300)\n");
  await s.click("#hc-load");
  const ed = "section.hc-console > [data-testid=script-error]";
  await s.waitText(ed, (t) => t.includes("line 3"));
  if ((await s.attr(ed, "data-line")) !== "3") throw new Error("editor error is not on line 3");
});

test("run to the next cascade splices wheel 1 bucket 1 at tick 256", async (s) => {
  await open(s, "#p=cascade-256");
  await s.click("[data-milestone=cascade]");
  await s.waitText("[data-testid=ticks]", (t) => t === "256");
  const n = await s.text("[data-testid=narration]");
  if (!n.includes("cascades wheel 1 bucket 0x01 (3 entries)")) throw new Error(`narration: ${n}`);
  // softclock re-sorted them: t300 and t400 now sit in wheel 0 buckets 0x2c and 0x90.
  const c = await s.attr('path[data-wheel="0"][data-bucket="44"]', "data-count");
  if (c !== "1") throw new Error(`wheel 0 bucket 0x2c holds ${c}`);
  // The running routine is softclock, on the line that re-buckets a timeout.
  const r = await s.text("[data-testid=routine-name]");
  const line = await s.text("[data-testid=routine-line]");
  if (r !== "softclock()" || !line.includes("bucket for delta")) throw new Error(`routine: ${r}: ${line}`);
  // The cascade is drawn: t300 and t400 move from wheel 1 bucket 1 through todo to wheel 0.
  const moves = await s.count(".hc-move");
  const to = await s.attr(".hc-move[data-name=t300]", "data-to");
  if (moves !== 2 || to !== "0:44") throw new Error(`cascade moves: ${moves}, t300 to ${to}`);
  await shot(s, "cascade", ".hc-wheel");
});

test("the PMTU preset expires its route: the scan deletes it, the lane empties", async (s) => {
  await open(s, "#p=pmtu-expiry&t=700");
  const lane = await s.attr("[data-testid=rtt-lane]", "data-count");
  if (lane !== "1") throw new Error(`lane holds ${lane} before expiry`);
  // The entry on the time axis is linked to its route's row.
  await s.click("[data-testid=rtt-chip] text");
  await s.find("[data-testid=route-row].sel");
  await shot(s, "rttimer", ".hc-rttimer");
  // Run 100 plain hardclocks: the scan at tick 800 (uptime 8 s) takes the timer, and
  // icmp_mtudisc_timeout deletes the route (kernel-internal: no routing socket message).
  await s.click(".hc-more summary");
  await s.clear("#hc-run-n");
  await s.type("#hc-run-n", "100" + ENTER);
  await s.waitText("[data-testid=ticks]", (t) => t === "800");
  const trash = await s.waitText("[data-testid=rttrash-row]", (t) => t.includes("10.9.8.7"));
  if (!trash.includes("10.9.8.7")) throw new Error(`rttrash: ${trash}`);
  if ((await s.attr("[data-testid=rtt-lane]", "data-count")) !== "0") throw new Error("lane not empty");
  await s.find("[data-testid=route-gone]");
  await shot(s, "routes", ".hc-routes");
  await s.click("#hc-run-script");
  await s.waitText("[data-testid=next]", (t) => t.includes("run to its end"));
  if ((await s.count("[data-testid=rttrash-row]")) !== 0) throw new Error("still in rttrash after RTFREE");
  // Back through the jump form: the machine as it was at tick 700, the timer pending again.
  await s.type("#hc-jump", "700" + ENTER);
  await s.waitText("[data-testid=ticks]", (t) => t === "700");
  if ((await s.attr("[data-testid=rtt-lane]", "data-count")) !== "1") throw new Error("jump back: lane not restored");
});

test("the radix tree shows the latest lookup's path", async (s) => {
  await open(s, "#p=route-lpm");
  await s.click(".hc-more summary");
  await s.click("#hc-run-script");
  await s.find("[data-testid=lookup-steps]");
  if ((await s.count(".on-path")) < 1) throw new Error("no node marked on the lookup path");
  // The last lookup (192.0.2.1) descends right, misses, then backtracks to the default route.
  for (let i = 0; i < 3; i++) await s.click("#hc-walk-next");
  const at = await s.attr("[data-testid=rd-at]", "data-step");
  if (at !== "3") throw new Error(`walk focus in the drawn tree: step ${at}`);
  const cur = await s.text("[data-testid=lookup-steps] li.cur");
  if (!cur.includes("backtrack")) throw new Error(`step 3 is not the backtrack: ${cur}`);
  await shot(s, "radix", ".hc-radix");
});

test("narrow screen (360 px) and the panic panel", async (s) => {
  await s.setSize(360, 900);
  try {
    await open(s, "#p=drain-deadlock");
    await s.click(".hc-more summary");
    await s.click("#hc-run-script");
    const p = await s.waitText("[data-testid=panic]", (t) => t.includes("panic:"));
    if (!p.includes("drain")) throw new Error(`panic panel: ${p}`);
    await shot(s, "narrow-panic", "[data-testid=panic]");
    await s.click("[data-testid=panic] button");
    if ((await s.count("[data-testid=panic]")) !== 0) throw new Error("step back left the panic panel");
  } finally {
    await s.setSize(1280, 900);
  }
});

test("micro-step reveals one event at a time and step back undoes the whole step", async (s) => {
  await open(s, "#p=cascade-256");
  // Run the statements up to the last one, then micro-step into it.
  for (let i = 0; i < 40 && !(await s.text("[data-testid=next]")).includes("hardclock("); i++) await s.click("#hc-step");
  const steps = await s.text("[data-testid=steps]");
  await s.click("#hc-micro");
  await s.waitText("[data-testid=micro]", (t) => t.includes("event 1 of"));
  const total = Number((await s.text("[data-testid=micro]")).match(/of (\d+)/)[1]);
  if (total < 2) throw new Error(`the step told only ${total} event`);
  for (let k = 2; k <= Math.min(total, 4); k++) {
    await s.click("#hc-micro");
    await s.waitText("[data-testid=micro]", (t) => t.includes(`event ${k} of`));
    const n = await s.count("[data-testid=narration] p");
    if (n !== Math.min(k, 12)) throw new Error(`${n} sentences after ${k} micro-steps`);
  }
  await shot(s, "micro-step", "[data-testid=micro]");
  await s.click("#hc-back");
  await s.waitText("[data-testid=steps]", (t) => t === steps);
  if (await s.count("[data-testid=micro]")) throw new Error("the micro-step cursor survived step back");
});


// Issue #16: the lesson's picture is the first screen, and a phone never scrolls sideways.
/** The visible share of the viewport that `.hc-picture` covers. */
const PICTURE_SHARE = `const r = document.querySelector("[data-testid=picture]").getBoundingClientRect();
  const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
  const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
  return (w * h) / (innerWidth * innerHeight);`;
const docs = resolve("docs/screenshots");
/** The lesson's screenshot for README.md (Chromium's only, so that the README's are one set). */
async function lessonShot(s, name) {
  const png = await s.screenshot();
  writeFileSync(`${shots}/${browser}-lesson-${name}.png`, png);
  if (browser === "chrome") {
    mkdirSync(docs, { recursive: true });
    writeFileSync(`${docs}/${name}.png`, png);
  }
}

test("at 1280x720 each main lesson's picture fills the first screen", async (s) => {
  await s.setSize(1280, 720);
  try {
    for (const [hash, ready, name] of [
      ["#p=cascade-256&t=306", "[data-testid=cascade]", "cascade-256"],
      ["#p=pmtu-expiry&t=700", "[data-testid=rtt-chip]", "pmtu-expiry"],
      ["#p=route-lpm&t=0", "[data-testid=radix-drawn]", "route-lpm"],
    ]) {
      await open(s, hash);
      await s.find(ready);
      if (name === "route-lpm") for (let i = 0; i < 3; i++) await s.click("#hc-walk-next");
      // The ring and the cascade chips glide: picture them where they land.
      await s.waitJs("the animations to end", `return document.getAnimations().every((a) => a.playState !== "running")`);
      const share = await s.exec(PICTURE_SHARE);
      if (share < 0.4) throw new Error(`${name}: the picture covers ${Math.round(share * 100)}% of the first screen`);
      const below = await s.exec(`return document.querySelector("[data-testid=timeline]").getBoundingClientRect().bottom - innerHeight`);
      if (below > 0) throw new Error(`${name}: the timeline ends ${below}px below the first screen`);
      await lessonShot(s, name);
    }
  } finally {
    await s.setSize(1280, 900);
  }
});

test("at 360 px the page does not scroll sideways", async (s) => {
  await s.setSize(360, 800);
  try {
    for (const hash of ["#p=cascade-256&t=306", "#p=pmtu-expiry&t=800", "#p=route-lpm&t=0", "#p=callwheel-laps"]) {
      await open(s, hash);
      const over = await s.exec("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
      if (over > 0) throw new Error(`${hash}: ${over}px wider than the 360 px screen`);
    }
    await shot(s, "narrow-lesson");
  } finally {
    await s.setSize(1280, 900);
  }
});

// Embedding (README, "Embedding in course notes"): the example course page under its strict CSP.
const notes = page + "course-notes.html";
const A = "#wheel-demo", B = "#own-timeouts";
/** Browser log entries (Chrome) about a Content Security Policy, since the last call. */
async function cspLog(s) {
  return (await s.logs()).filter((l) => /Content.Security.Policy|Refused to/i.test(l.message));
}
/** Starts recording `securitypolicyviolation` events in the current document. */
async function watchCsp(s) {
  await s.exec(`window.__csp = []; document.addEventListener("securitypolicyviolation",
    (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI), true);`);
}

test("course notes: two inline widgets and a sandboxed iframe step independently under a strict CSP", async (s) => {
  await s.logs();
  await s.go("about:blank");
  await s.go(notes);
  await watchCsp(s);
  // cascade-256 starts at ticks = -50, so data-t="300" is ticks 250.
  await s.waitTextIn(A, "[data-testid=ticks]", (t) => t === "250");
  if ((await s.textIn(A, "[data-testid=widget]")).length < 50) throw new Error("widget A is nearly empty");
  await s.waitTextIn(B, "[data-testid=ticks]", (t) => t === "0");
  await s.findIn(B, "section.hc-timers");
  const title = await s.textIn(B, "[data-testid=title]");
  if (title !== "Exercise: which handler runs first?") throw new Error(`B's title: ${title}`);
  await s.clickIn(A, "[data-action=hardclock]");
  await s.waitTextIn(A, "[data-testid=ticks]", (t) => t === "251");
  for (let i = 0; i < 6; i++) await s.clickIn(B, "[data-action=step]");
  await s.waitTextIn(B, "[data-testid=ticks]", (t) => t === "3");
  if ((await s.textIn(A, "[data-testid=ticks]")) !== "251") throw new Error("stepping B moved A");
  const row = await s.textIn(B, "[data-testid=timer-row][data-timer=t2]");
  if (!row.includes("TRIGGERED") && !row.includes("INITIALIZED")) throw new Error(`B's timer row: ${row}`);
  // Keys go to the focused widget only.
  await s.typeIn(A, "[data-testid=widget]", "n");
  await s.waitTextIn(A, "[data-testid=ticks]", (t) => t === "252");
  if ((await s.textIn(B, "[data-testid=ticks]")) !== "3") throw new Error("a key for A moved B");
  // The page's own script commands A by postMessage and hears its state.
  await s.click('button[data-target="wheel-demo"][data-command="goto"]');
  await s.waitTextIn(A, "[data-testid=ticks]", (t) => t === "256");
  await s.waitText('output[data-state-of="wheel-demo"]', (t) => t === "256");
  const told = await s.textIn(A, "[data-testid=narration]");
  if (!told.includes("cascades wheel 1 bucket 0x01")) throw new Error(`no cascade told at ticks 256: ${told}`);
  // The sandboxed frame posts its state (and height) to the page, and obeys its buttons.
  const before = num(await s.waitText('output[data-state-of="rt-frame"]', (t) => /^-?\d+$/.test(t)));
  const h = await s.exec('return document.getElementById("rt-frame").style.height');
  if (!/^\d+px$/.test(h)) throw new Error(`the page did not size the frame from its height message: ${h}`);
  await s.click('button[data-target="rt-frame"][data-command="hardclock"]');
  await s.waitText('output[data-state-of="rt-frame"]', (t) => num(t) === before + 50);
  await shot(s, "notes-wheel", A);
  await shot(s, "notes-timers", B);
  await shot(s, "notes-frame", "#rt-frame");
  // Inside the frame: an opaque origin without storage, and the widget works there.
  await s.frame("#rt-frame");
  try {
    const env = await s.exec(`let st; try { localStorage.length; st = "storage"; } catch (e) { st = "no storage"; }
      return self.origin + " " + st;`);
    if (env !== "null no storage") throw new Error(`the frame is not sandboxed: ${env}`);
    await s.waitText("[data-testid=ticks]", (t) => num(t) === before + 50);
    await s.find("[data-testid=rtt-lane]");
    // A step is one hardclock, so back undoes the last of the 50.
    await s.click("[data-action=back]");
    await s.waitText("[data-testid=ticks]", (t) => num(t) === before + 49);
  } finally {
    await s.frame(null);
  }
  // The page sets 1rem = 10px (as mdBook does): the widgets' text keeps the reader's size.
  const px = await s.exec(`const b = document.querySelector("#wheel-demo").shadowRoot
    .querySelector("[data-testid=title]"); return parseFloat(getComputedStyle(b).fontSize);`);
  if (px < 15) throw new Error(`the widget's text shrank with the page's rem: ${px}px`);
  // A widget added after load (an LMS rendering its content late) is mounted too.
  await s.exec(`const d = document.createElement("div"); d.id = "late";
    d.setAttribute("data-hardclock", "route-lpm"); document.querySelector("main").append(d);`);
  await s.waitTextIn("#late", "[data-testid=title]", (t) => t.includes("Longest-prefix"));
  // No two elements of the page share an id (each widget's ids are in its own shadow root).
  const dup = await s.exec(`const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
    return ids.filter((x, i) => ids.indexOf(x) !== i);`);
  if (dup.length) throw new Error(`duplicate ids on the page: ${dup}`);
  const violations = await s.exec("return window.__csp");
  const logged = await cspLog(s);
  if (violations.length || logged.length) {
    throw new Error(`CSP violations: ${violations.concat(logged.map((l) => l.message)).join("; ")}`);
  }
});

test("course notes at 360 px", async (s) => {
  await s.setSize(360, 800);
  try {
    await s.go("about:blank");
    await s.go(notes);
    await s.waitTextIn(A, "[data-testid=ticks]", (t) => t === "250");
    const wide = await s.exec(`return [...document.querySelectorAll("[data-hardclock]")]
      .map((h) => h.shadowRoot.querySelector("[data-testid=widget]").scrollWidth)
      .filter((w) => w > document.documentElement.clientWidth);`);
    if (wide.length) throw new Error(`a widget is wider than the 360 px page: ${wide}`);
    await shot(s, "notes-narrow-wheel", A);
    await shot(s, "notes-narrow-timers", B);
  } finally {
    await s.setSize(1280, 900);
  }
});

test("a malformed parameter shows its message, and the widget still works", async (s) => {
  await s.go("about:blank");
  await s.go(page + "embed.html?preset=cascade256&view=wheels&speed=fast&veiw=x");
  const p = await s.waitText("[data-testid=embed-problems]", (t) => t.includes("preset"));
  for (const want of ['preset="cascade256" is not a preset', 'Did you mean "cascade-256"?',
    'view="wheels" is not a view', 'speed="fast" is not a play speed', "Did you mean view?"]) {
    if (!p.includes(want)) throw new Error(`the message lacks ${JSON.stringify(want)}: ${p}`);
  }
  await s.click("[data-action=hardclock]");
  await s.waitText("[data-testid=ticks]", (t) => t === "1");
  await shot(s, "embed-problems");
});

test("the scheme lab drawer loads the tools module, steps every scheme, and keeps its keys", async (s) => {
  await open(s, "#p=cascade-256");
  // The lab is not in the app's bundle: opening its drawer loads hardclock-tools-fetch.js.
  if (await s.count("script[data-hardclock-tools]")) throw new Error("the tools module loaded before the lab was opened");
  await s.click("[data-drawer-btn=lab]");
  const host = "[data-hardclock-lab]";
  await s.findIn(host, "[data-testid=lab-chart]");
  await s.waitTextIn(host, "[data-testid=lab-now]", (t) => t === "0");
  await s.clickIn(host, "[data-testid=lab-step]");
  await s.waitTextIn(host, "[data-testid=lab-now]", (t) => t === "1");
  // Clicks in the lab are the lab's (two Yew instances on one page: the app's must not
  // take them): the app still shows its lesson's views.
  if ((await s.attr(".hc-switch [data-view=lesson]", "aria-pressed")) !== "true") throw new Error("a click in the lab changed the app's view");
  await shot(s, "lab-drawer");
  // Closing the drawer keeps the lab's run.
  await s.click("#hc-drawer-lab .hc-close");
  await s.waitJs("the drawer to close", `return document.querySelector("#hc-drawer-lab").hidden`);
  await s.click("[data-drawer-btn=lab]");
  await s.waitTextIn(host, "[data-testid=lab-now]", (t) => t === "1");
  // "0" is the app's reset key: typed into the lab's field it is the field's. Leaked, the
  // clock would go 2 -> 0 -> 1; kept, 2 -> 3.
  await s.click("#hc-hardclock");
  await s.click("#hc-hardclock");
  await s.waitText("[data-testid=ticks]", (t) => t === "2");
  await s.typeIn(host, "[data-testid=lab-timers]", "0");
  await s.click("#hc-hardclock");
  const t = await s.waitText("[data-testid=ticks]", (t) => t === "3" || t === "1");
  if (t !== "3") throw new Error("a key typed into the lab reached the app's shortcuts");
  // The lab follows the app's scenario (its `scenario` workload replays it).
  await s.exec("location.hash = '#p=route-lpm'");
  await s.waitAttr(host, "data-scenario", (v) => v.includes("route_add"));
  await s.findIn(host, "[data-testid=lab-chart]");
});

/** Adds `<div data-hardclock-lab id=ID>` to the page, as a course page's author would. */
async function addLab(s, id) {
  await s.exec(`const d = document.createElement("div"); d.id = "${id}";
    d.setAttribute("data-hardclock-lab", ""); document.body.append(d);`);
}

test("a lab on a course page loads the tools module beside the widgets' loader", async (s) => {
  await s.go("about:blank");
  await s.go(notes);
  await s.waitTextIn(A, "[data-testid=ticks]", (t) => t === "250");
  // A page of widgets alone does not download the lab and the kit.
  if (await s.count("script[data-hardclock-tools]")) throw new Error("the tools module loaded without a lab on the page");
  await addLab(s, "notes-lab");
  await s.findIn("#notes-lab", "[data-testid=lab-chart]");
  const src = await s.exec(`return document.querySelector("script[data-hardclock-tools]").src`);
  if (!src.endsWith("/hardclock-tools-fetch.js")) throw new Error(`the tools loader: ${src}`);
  await s.clickIn("#notes-lab", "[data-testid=lab-step]");
  await s.waitTextIn("#notes-lab", "[data-testid=lab-now]", (t) => t === "1");
  // The widgets still answer.
  await s.clickIn(A, "[data-action=hardclock]");
  await s.waitTextIn(A, "[data-testid=ticks]", (t) => t === "251");
});

test("the full app's index.html?embed=1 is the compact widget too", async (s) => {
  await s.go("about:blank");
  await s.go(page + "?embed=1&preset=route-lpm&step=6");
  await s.waitText("[data-testid=steps]", (t) => t === "6");
  if ((await s.attr("[data-testid=widget]", "data-view")) !== "radix") throw new Error("not the radix view");
  if (await s.count(".hc-app")) throw new Error("the full app is shown as well");
  if ((await s.exec("return location.hash")) !== "") throw new Error("the widget wrote the URL hash");
});

test("a framed widget asking for the lab (embed.html?view=compare) gets it from the tools module", async (s) => {
  await s.go("about:blank");
  await s.go(page + "embed.html?view=compare&preset=cascade-256");
  const host = "[data-hardclock-lab]";
  await s.findIn(host, "[data-testid=lab-chart]");
  const src = await s.exec(`return document.querySelector("script[data-hardclock-tools]").src`);
  if (!src.endsWith("/hardclock-tools.js")) throw new Error(`the tools loader: ${src}`);
  if (!(await s.attr(host, "data-scenario")).includes("timeout_add")) throw new Error("the lab did not get the preset's scenario");
  await s.clickIn(host, "[data-testid=lab-step]");
  await s.waitTextIn(host, "[data-testid=lab-now]", (t) => t === "1");
});

// mdBook (issue #20): examples/course-book built by scripts/test.sh with the pinned mdBook and
// mdbook-hardclock; its ```hardclock blocks are widgets, the loader came with the book.
const bookDir = resolve("examples/course-book/book");
const bookServer = existsSync(join(bookDir, "wheel.html")) ? await serveStatic(bookDir, "/book/") : null;
test("the example course book's widgets work", async (s) => {
  if (!bookServer) throw new Error("examples/course-book/book is not built (mdbook build examples/course-book)");
  const book = `http://127.0.0.1:${bookServer.address().port}/book/`;
  await s.go("about:blank");
  await s.go(book + "wheel.html");
  // cascade-256 starts at ticks = -50: t=250 is ticks 200.
  await s.waitTextIn("#wheel-demo", "[data-testid=ticks]", (t) => t === "200");
  await s.clickIn("#wheel-demo", "[data-action=hardclock]");
  await s.waitTextIn("#wheel-demo", "[data-testid=ticks]", (t) => t === "201");
  // The block holding a scenario (with a blank line) is the second widget.
  const own = await s.exec(`const w = document.querySelectorAll("div[data-hardclock]")[1];
    const r = w && w.shadowRoot; const v = r && r.querySelector("[data-testid=widget]");
    return v ? v.getAttribute("data-view") + (r.querySelector("[data-testid=script-error]") ? " error" : "") : "none";`);
  if (own !== "timers") throw new Error(`the scenario widget: ${own}`);
  await shot(s, "book-wheel");
  // A lab in a book page: the inline loader asks for the inline tools loader beside it.
  await addLab(s, "book-lab");
  await s.findIn("#book-lab", "[data-testid=lab-chart]");
  const tools = await s.exec(`return document.querySelector("script[data-hardclock-tools]").src`);
  if (!tools.endsWith("/hardclock/hardclock-tools.js")) throw new Error(`the book's tools loader: ${tools}`);
  await s.go(book + "routes/radix.html");
  const steps = await s.exec(`return new Promise((ok) => { const t0 = Date.now(); (function look() {
    const w = document.querySelector("div[data-hardclock]"); const e = w && w.shadowRoot &&
      w.shadowRoot.querySelector("[data-testid=steps]"); if (e && e.textContent === "6") return ok("6");
    if (Date.now() - t0 > 30000) return ok(e ? e.textContent : "none"); setTimeout(look, 50); })(); });`);
  if (steps !== "6") throw new Error(`the radix widget of the sub-chapter is at step ${steps}`);
  await shot(s, "book-radix");
});

let passed = 0, failed = 0;
const session = await startBrowser(browser);
try {
  for (const t of tests) {
    try {
      await t.fn(session);
      passed++;
      console.log(`ok   ${t.name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name}\n     ${e.message}`);
    }
  }
  const severe = (await session.logs()).filter((l) => l.level === "SEVERE");
  for (const l of severe) console.log(`console error: ${l.message}`);
} finally {
  await session.close();
  server.close();
  if (bookServer) bookServer.close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
