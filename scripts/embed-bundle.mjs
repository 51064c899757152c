// Trunk post_build hook (Trunk.toml): writes the two loaders a course page or an iframe page
// needs for embedded widgets, hardclock-embed.js and hardclock-embed-fetch.js, from the
// widgets module (src/bin/hardclock-widgets.rs), and the same two for the tools module
// (src/bin/hardclock-tools.rs: the scheme lab and the instructor's kit), hardclock-tools.js and
// hardclock-tools-fetch.js, which the widgets and the app's drawers add to the page when a lab
// or kit is asked for. The app's own module (hardclock-HASH.js/.wasm) is not in them. In a release build the size-only step runs
// too (scripts/slim-bundle.mjs); a debug build (`trunk serve`) skips it.
//
// Why not trunk's own loader: trunk injects an inline <script type="module"> (blocked by a
// CSP without 'unsafe-inline'), and any module script or fetch() from a sandboxed iframe
// (opaque origin) or a file:// page is a CORS request, which a plain static server refuses.
// A classic <script src> is neither: wasm-bindgen's `no-modules` glue (index.html's
// data-bindgen-target) is a classic script defining `wasm_bindgen`; each loader is that glue
// inside a function scope (so nothing leaks into the course page) plus a few lines that start
// it. hardclock-embed.js also holds the wasm itself in base64, instantiated with
// WebAssembly.instantiate (allowed by 'wasm-unsafe-eval'): it needs no inline script, no CORS
// and no other file, and it works from any sub-path. hardclock-embed-fetch.js fetches the .wasm
// next to it instead, for pages served from the same site: base64 does not gzip as well as the
// wasm, so that is about 80 KB less to download, and the wasm compiles while it downloads.
// In a release build trunk has minified the glue already (Trunk.toml, `minify`).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { slimBundle } from "./slim-bundle.mjs";

const dir = process.env.TRUNK_STAGING_DIR || process.argv[2];
if (!dir) {
  console.error("embed-bundle: set TRUNK_STAGING_DIR or pass the dist directory");
  process.exit(2);
}
// A hook run by trunk says which profile; run by hand on a dist/, it is a release.
const release = (process.env.TRUNK_PROFILE || "release") === "release";
const files = readdirSync(dir);
const find = (re) => files.find((f) => re.test(f));
const appGlue = find(/^hardclock(-[0-9a-f]+)?\.js$/);
const appWasm = find(/^hardclock(-[0-9a-f]+)?_bg\.wasm$/);
if (!appGlue || !appWasm) {
  console.error(`embed-bundle: the app's glue/wasm is missing in ${dir} (${files.join(", ")})`);
  process.exit(1);
}
if (release) slimBundle(dir, appGlue, appWasm);

// Each loader differs only in where the wasm comes from (`start`), what a reader is told when
// it cannot start (`needs`) and its first line (`about`).
function loader(glue, file, about, start, needs) {
  return `/* ${file}: hardclock's loader for course pages; ${about}. Load it with
   <script src=".../${file}" defer></script> (README, "Embedding in course notes"). */
(function () {
"use strict";
${glue}
function hardclockFailed(err) {
  // Never a blank widget: say why in every place a widget was asked for.
  var why = String(err && err.message ? err.message : err).replace(/[.\\s]+$/, "");
  var msg = "The hardclock widget could not start: " + why + ". ${needs}";
  var hosts = document.querySelectorAll("[data-hardclock], [data-hardclock-lab], [data-hardclock-kit]");
  if (hosts.length === 0 && document.body) hosts = [document.body];
  for (var i = 0; i < hosts.length; i++) {
    var p = document.createElement("p");
    p.setAttribute("role", "alert");
    p.setAttribute("data-testid", "load-error");
    p.textContent = msg;
    hosts[i].appendChild(p);
  }
}
${start}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", hardclockStart);
} else {
  hardclockStart();
}
})();
`;
}

const wasmNeeds = "It needs WebAssembly (a CSP must allow 'wasm-unsafe-eval').";

/// The two loaders of module `bin` (its glue and wasm in `dir`): `name.js` with the wasm inside,
/// `name-fetch.js` fetching it from beside itself.
function loaders(bin, name) {
  const glueName = find(new RegExp(`^${bin}(-[0-9a-f]+)?\\.js$`));
  const wasmName = find(new RegExp(`^${bin}(-[0-9a-f]+)?_bg\\.wasm$`));
  if (!glueName || !wasmName) {
    console.error(`embed-bundle: ${bin}'s glue/wasm is missing in ${dir} (${files.join(", ")})`);
    process.exit(1);
  }
  // Short import names first (scripts/slim-bundle.mjs): the loaders carry the glue so.
  if (release) slimBundle(dir, glueName, wasmName, false);
  const glue = readFileSync(join(dir, glueName), "utf8");
  if (!/^\s*let\s+wasm_bindgen\s*=/.test(glue) || /^\s*(import|export)\s/m.test(glue)) {
    console.error(`embed-bundle: ${glueName} is not wasm-bindgen's no-modules script (data-bindgen-target="no-modules" in index.html)`);
    process.exit(1);
  }
  const wasm = readFileSync(join(dir, wasmName)).toString("base64");
  const inline = loader(glue, `${name}.js`, "the wasm is inside it, so it needs no other file and no CORS", `function hardclockStart() {
  var b64 = "${wasm}";
  var bin = atob(b64);
  var bytes = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  wasm_bindgen({ module_or_path: bytes }).catch(hardclockFailed);
}`, wasmNeeds);
  // Resolved against this script's own address, so it works from any sub-path. A classic
  // script knows it while it runs (document.currentScript), not later.
  const fetching = loader(glue, `${name}-fetch.js`, `it fetches ${wasmName} from beside itself`, `var hardclockWasm = new URL(${JSON.stringify(wasmName)},
  document.currentScript ? document.currentScript.src : document.baseURI);
function hardclockStart() {
  wasm_bindgen({ module_or_path: hardclockWasm }).catch(hardclockFailed);
}`, `${wasmNeeds} This loader fetches ${wasmName} from beside it: on the same site, or from a server that sends CORS headers; ${name}.js needs neither.`);
  // The loaders carry the glue; nothing loads it as a file (and the tools' glue has the name
  // of its inline loader).
  rmSync(join(dir, glueName));
  writeFileSync(join(dir, `${name}.js`), inline);
  writeFileSync(join(dir, `${name}-fetch.js`), fetching);
  console.log(`embed-bundle: ${name}.js (${(inline.length / 1024).toFixed(0)} KiB) and ${name}-fetch.js (${(fetching.length / 1024).toFixed(0)} KiB) from ${glueName} + ${wasmName}`);
}

// The widgets (course pages, embed.html) and the tools (the lab and the kit, which the
// widgets and the app's drawers load when asked for).
loaders("hardclock-widgets", "hardclock-embed");
loaders("hardclock-tools", "hardclock-tools");

// The full app's index.html keeps trunk's inline module loader; a site that serves it under a
// strict CSP needs that script's hash, which changes with every build's file names.
const index = join(dir, "index.html");
if (existsSync(index)) {
  const scripts = [...readFileSync(index, "utf8").matchAll(/<script type="module"[^>]*>([\s\S]*?)<\/script>/g)];
  const hashes = scripts.map((m) => `'sha256-${createHash("sha256").update(m[1]).digest("base64")}'`);
  writeFileSync(join(dir, "csp.txt"),
    "# CSP for index.html (the full app), which has trunk's inline loader; course pages and\n" +
    "# embed.html using hardclock-embed.js need no hash.\n" +
    `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}\n`);
}
