// Called by scripts/embed-bundle.mjs (the post_build hook) before it reads the app's files:
// gives the wasm's imports short names, in the wasm and in wasm-bindgen's glue alike, and
// drops the glue's comment lines and indentation (0.9 KB gzipped). Once embed-bundle.mjs has
// written the embed loaders, its `minifyGlue` and `minifyLoader` run the glue and the loaders
// through terser, and `slimIndex` drops index.html's comments.
//
// Why short names: wasm-bindgen names every import after its function plus a 16-hex-digit hash
// (`__wbg_appendChild_7465eba84213c75f`), and each name is written twice, in the wasm's import
// section and as a key of the glue's import object. Hashes do not compress: the 142 names cost
// about 4.7 KB of the gzipped bundle. Renamed `$0`, `$1`, ... in both files together, nothing
// else changes (wasm-opt, which runs before, cannot do this: it would break the glue).
//
// Every step checks what it expects (each old name is a key in the glue, the import section
// parses to its end) and fails the build otherwise, rather than ship a page that cannot start.
// trunk's index.html pins both files with `integrity`: those hashes are written anew.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

function fail(msg) {
  console.error(`slim-bundle: ${msg}`);
  process.exit(1);
}

function readLeb(b, at) {
  let value = 0, shift = 0, byte;
  do {
    if (at >= b.length) fail("a LEB128 number runs past the end of the wasm");
    byte = b[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

function leb(n) {
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

function name(s) {
  const bytes = Buffer.from(s, "utf8");
  return Buffer.concat([leb(bytes.length), bytes]);
}

/// The import section (id 2) of `wasm`: where it is and its entries.
function imports(wasm) {
  if (wasm.readUInt32LE(0) !== 0x6d736100) fail("not a wasm module");
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, body] = readLeb(wasm, at + 1);
    if (id === 2) {
      let [count, p] = readLeb(wasm, body);
      const entries = [];
      for (let i = 0; i < count; i++) {
        const str = () => {
          const [len, start] = readLeb(wasm, p);
          p = start + len;
          return wasm.subarray(start, p).toString("utf8");
        };
        const module = str();
        const field = str();
        const descStart = p;
        const kind = wasm[p++];
        const limits = () => {
          const flags = wasm[p++];
          [, p] = readLeb(wasm, p);
          if (flags & 1) [, p] = readLeb(wasm, p);
        };
        if (kind === 0) [, p] = readLeb(wasm, p); // function: type index
        else if (kind === 1) { p++; limits(); } // table: element type, limits
        else if (kind === 2) limits(); // memory
        else if (kind === 3) p += 2; // global: value type, mutability
        else if (kind === 4) { p++; [, p] = readLeb(wasm, p); } // tag
        else fail(`import ${field}: unknown kind ${kind}`);
        entries.push({ module, field, desc: wasm.subarray(descStart, p) });
      }
      if (p !== body + size) fail("the import section did not parse to its end");
      return { start: at, end: body + size, entries };
    }
    at = body + size;
  }
  fail("the wasm has no import section");
}

/// The glue without whole-line `//` comments and leading indentation. Safe because no string
/// or template in it spans lines (checked: every line has an even number of backticks).
function unindent(glue) {
  const lines = glue.split("\n");
  const odd = lines.find((l) => (l.match(/`/g) || []).length % 2 === 1);
  if (odd !== undefined) fail(`a template literal spans lines in the glue: ${odd.trim()}`);
  if (lines.some((l) => /\\$/.test(l))) fail("a string in the glue continues on the next line");
  if (/\/\*(?![\s\S]*?\*\/)/.test(glue)) fail("the glue has an unclosed /* comment");
  return lines.filter((l) => !/^\s*\/\//.test(l)).map((l) => l.trimStart()).join("\n");
}

/// `pinned`: index.html preloads the two files with `integrity` (the app's; not the widgets').
export function slimBundle(dir, glueName, wasmName, pinned = true) {
  const gluePath = join(dir, glueName), wasmPath = join(dir, wasmName);
  let glue = readFileSync(gluePath, "utf8");
  const wasm = readFileSync(wasmPath);
  const sec = imports(wasm);
  let n = 0;
  const renamed = sec.entries.map((e) => {
    // Only wasm-bindgen's hashed names: a name without a hash may be read by other code.
    if (!/_[0-9a-f]{16}$/.test(e.field)) return e;
    const key = new RegExp(`^ *${e.field.replace(/\$/g, "\\$")}: `, "m");
    if (!key.test(glue)) fail(`${e.field} is not a key of the glue's import object`);
    const short = `$${(n++).toString(36)}`;
    if (glue.includes(short + ":")) fail(`${short} is already a key in the glue`);
    glue = glue.split(e.field).join(short);
    return { ...e, field: short };
  });
  const body = Buffer.concat([
    leb(renamed.length),
    ...renamed.map((e) => Buffer.concat([name(e.module), name(e.field), e.desc])),
  ]);
  const out = Buffer.concat([
    wasm.subarray(0, sec.start),
    Buffer.from([2]), leb(body.length), body,
    wasm.subarray(sec.end),
  ]);
  glue = unindent(glue);
  writeFileSync(wasmPath, out);
  writeFileSync(gluePath, glue);
  if (pinned) writeIntegrity(dir, [[glueName, Buffer.from(glue, "utf8")], [wasmName, out]]);
  console.log(`slim-bundle: ${wasmName}: ${n} imports renamed (${wasm.length - out.length} B off the wasm)`);
}

/// trunk's index.html preloads the glue and the wasm with Subresource Integrity: after a file
/// changes, its hash is written anew.
function writeIntegrity(dir, files) {
  const index = join(dir, "index.html");
  if (!existsSync(index)) return;
  let html = readFileSync(index, "utf8");
  for (const [file, bytes] of files) {
    const sri = `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
    const re = new RegExp(`(href="\\./${file.replace(/\./g, "\\.")}"[^>]*integrity=")sha384-[^"]+"`);
    if (!re.test(html)) fail(`index.html has no integrity for ${file}`);
    html = html.replace(re, `$1${sri}"`);
  }
  writeFileSync(index, html);
}

/// `file` of `dir` through terser (local names shortened, dead code dropped). Property names
/// are never mangled, so the import object's keys (the short names above) and the wasm's
/// exports stay as they are. terser comes from scripts/setup.sh, which sets HC_TERSER; a plain
/// `trunk build` without it gets a warning and files that are only larger. Returns the
/// minified code, or null when terser is not there.
async function minifyFile(dir, file, options) {
  const at = process.env.HC_TERSER;
  if (!at || !existsSync(join(at, "main.js"))) {
    console.warn(`slim-bundle: warning: terser not found (HC_TERSER), ${file} is left unminified; scripts/serve.sh and scripts/test.sh set it up`);
    return null;
  }
  const { minify } = await import(pathToFileURL(join(at, "main.js")).href);
  const path = join(dir, file);
  const code = readFileSync(path, "utf8");
  const min = await minify(code, { compress: { passes: 2 }, mangle: true, ...options });
  if (!min.code) fail(`terser returned nothing for ${file}`);
  writeFileSync(path, min.code);
  console.log(`slim-bundle: ${file} minified, ${code.length} -> ${min.code.length} B`);
  return min.code;
}

/// The app's glue through terser: 1 KB less gzipped. Run after scripts/embed-bundle.mjs has
/// copied the glue into its loaders, whose rewrite of the ES exports reads the glue's own line
/// layout.
export async function minifyGlue(dir, glueName) {
  const code = await minifyFile(dir, glueName, { module: true });
  if (code === null) return;
  if (!/\bexport\b/.test(code)) fail("terser returned no module for the glue");
  writeIntegrity(dir, [[glueName, Buffer.from(code, "utf8")]]);
}

/// An embed loader (a classic script, all of it inside one function) through terser, with a
/// first line that says what it is (`about`) and how to load it.
export async function minifyLoader(dir, file, about) {
  const preamble = `/* ${file}: hardclock's loader for course pages; ${about}. Load it with
   <script src=".../${file}" defer></script> (README, "Embedding in course notes"). */`;
  await minifyFile(dir, file, { format: { preamble } });
}

/// index.html without its comments and blank lines: they explain the build to whoever reads
/// the source index.html, and every reader of the page would download them (0.5 KB gzipped).
/// Script elements (trunk's inline loader, whose hash a CSP may pin) are left as they are.
export function slimIndex(dir) {
  const index = join(dir, "index.html");
  if (!existsSync(index)) return;
  const html = readFileSync(index, "utf8");
  const parts = html.split(/(<script\b[\s\S]*?<\/script>)/);
  const outside = parts.map((p, i) => (i % 2 === 1 ? p : p.replace(/<!--[\s\S]*?-->/g, "").replace(/\n\s*(?=\n)/g, "")));
  if (outside.some((p, i) => i % 2 === 0 && p.includes("<!--"))) fail("index.html has an unclosed comment");
  const out = outside.join("");
  writeFileSync(index, out);
  console.log(`slim-bundle: index.html ${html.length} -> ${out.length} B`);
}
