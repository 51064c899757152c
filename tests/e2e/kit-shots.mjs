// Screenshots of the instructor's kit for a look by eye (not part of the test command):
// node tests/e2e/kit-shots.mjs DIST OUT_DIR
import { writeFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { serveStatic, startBrowser } from "./webdriver.mjs";

const dist = resolve(process.argv[2] || "dist");
const out = resolve(process.argv[3] || "target/kit-shots");
mkdirSync(out, { recursive: true });
const server = await serveStatic(dist, "/");
const page = `http://127.0.0.1:${server.address().port}/`;
const table = "Routing tables\n\nInternet:\nDestination        Gateway            Flags     Netif Expire\ndefault            192.168.1.1        UGS         em0\n10.0.0.0/8         192.168.1.254      UGS         em0\n192.168.1.0/24     link#1             U           em0\n::1                link#2             UH          lo0\n";
for (const [w, h] of [[1280, 720], [360, 720]]) {
  const s = await startBrowser("chrome", { width: w, height: h });
  try {
    await s.go(page + "#p=route-lpm&t=0");
    await s.find("[data-testid=ticks]");
    await s.click("[data-drawer-btn=kit]");
    await s.find("#hc-import");
    await s.exec(`const t = document.querySelector('#hc-import'); t.value = arguments[0];
      t.dispatchEvent(new InputEvent('input', {bubbles: true}));`, [table]);
    await s.find("[data-testid=import-preview]");
    writeFileSync(`${out}/kit-${w}.png`, await s.screenshot());
    await s.click("#hc-import-replace");
    await s.click("[data-drawer-btn=kit]");
    await s.click("#hc-hardclock");
    writeFileSync(`${out}/loaded-${w}.png`, await s.screenshot());
    await s.cmd("POST", "/goog/cdp/execute", { cmd: "Emulation.setEmulatedMedia", params: { media: "print" } });
    writeFileSync(`${out}/print-${w}.png`, await s.screenshot());
    await s.cmd("POST", "/goog/cdp/execute", { cmd: "Emulation.setEmulatedMedia", params: { media: "" } });
    await s.go("about:blank");
    await s.go(page + "#p=cascade-256&t=306");
    await s.find("[data-testid=ticks]");
    await s.cmd("POST", "/goog/cdp/execute", { cmd: "Emulation.setEmulatedMedia", params: { media: "print" } });
    writeFileSync(`${out}/print-wheel-${w}.png`, await s.screenshot());
    await s.cmd("POST", "/goog/cdp/execute", { cmd: "Emulation.setEmulatedMedia", params: { media: "" } });
    const pdf = await s.cmd("POST", "/print", { orientation: "portrait" });
    writeFileSync(`${out}/handout-${w}.pdf`, Buffer.from(pdf, "base64"));
  } finally {
    await s.close();
  }
}
server.close();
console.log("kit shots in", out);
