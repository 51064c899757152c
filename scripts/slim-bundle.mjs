// Called by scripts/embed-bundle.mjs (the post_build hook, release builds) before it reads the
// app's files: gives the wasm's imports short names, in the wasm and in wasm-bindgen's glue
// alike.
//
// Why: wasm-bindgen names every import after its function plus a 16-hex-digit hash
// (`__wbg_appendChild_7465eba84213c75f`), and each name is written twice, in the wasm's import
// section and as a key of the glue's import object. Hashes do not compress: the 142 names cost
// about 4.7 KB of the gzipped bundle. Renamed `$0`, `$1`, ... in both files together, nothing
// else changes.
//
// The standard options tried: wasm-bindgen has no switch for it; trunk's minification
// (Trunk.toml) shortens the glue's local names, never its property keys; binaryen's
// `--minify-imports` renames only imports of the `env` module (wasm-bindgen's are `wbg`), and
// `--minify-imports-and-exports-and-modules` renames the exports too, which the glue reads by
// name. So this reads the import section itself (a few LEB128 numbers).
//
// Every step checks what it expects (each old name is in the glue, the import section parses
// to its end) and fails the build otherwise, rather than ship a page that cannot start.
// trunk's index.html pins the app's files with `integrity`: those hashes are written anew.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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
    if (!glue.includes(`${e.field}:`)) fail(`${e.field} is not a key of the glue's import object`);
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
    // Quoted or not: trunk's HTML minifier drops the quotes where it can.
    const re = new RegExp(`(href="?\\./${file.replace(/\./g, "\\.")}"?[^>]*?integrity=)("?)sha384-[^"\\s>]+\\2`);
    if (!re.test(html)) fail(`index.html has no integrity for ${file}`);
    html = html.replace(re, `$1$2${sri}$2`);
  }
  writeFileSync(index, html);
}
