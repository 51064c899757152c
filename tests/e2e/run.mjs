// End-to-end tests of the release build in a real headless browser, through WebDriver.
// Usage: node tests/e2e/run.mjs DIST_DIR [chrome|firefox]
// Serves DIST_DIR under a sub-path (as a course site would), drives the page like a student,
// saves screenshots to target/e2e/, and ends with "e2e: N passed, M failed".
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { serveStatic, startBrowser } from "./webdriver.mjs";

const dist = resolve(process.argv[2] || "dist");
const browser = process.argv[3] || "chrome";
const shots = resolve("target/e2e");
mkdirSync(shots, { recursive: true });

const server = await serveStatic(dist, "/course/hardclock/");
const page = `http://127.0.0.1:${server.address().port}/course/hardclock/`;
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

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
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
