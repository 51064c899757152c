// Prints one table from criterion's output: ns/op (mean time of an iteration / elements in it)
// and the ratio to the fastest peer of each workload. Diagnostic rows (`openbsd_drained`,
// `openbsd_events_only`, `radix_walk_reused`) get a ratio but are never "the fastest peer".
// Usage: node benches/report.js target/criterion
"use strict";
const fs = require("fs");
const path = require("path");

const root = process.argv[2] || "target/criterion";
const rows = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (!e.isDirectory()) continue;
    if (e.name === "new") {
      const b = JSON.parse(fs.readFileSync(path.join(p, "benchmark.json"), "utf8"));
      const est = JSON.parse(fs.readFileSync(path.join(p, "estimates.json"), "utf8"));
      const per = (b.throughput && (b.throughput.Elements || b.throughput.elements)) || 1;
      rows.push({
        group: b.group_id,
        peer: b.function_id,
        n: b.value_str,
        ns: est.mean.point_estimate / per,
      });
    } else if (e.name !== "report" && e.name !== "base") {
      walk(p);
    }
  }
})(root);

const diagnostic = (peer) => /_drained$|_events_only$|_reused$/.test(peer);
const key = (r) => `${r.group} N=${r.n}`;
const fastest = {};
for (const r of rows) {
  if (diagnostic(r.peer)) continue;
  const k = key(r);
  if (!(k in fastest) || r.ns < fastest[k].ns) fastest[k] = r;
}
// Rows whose workload has only diagnostic rows compare with the fastest row overall.
for (const r of rows) if (!(key(r) in fastest)) fastest[key(r)] = r;

const order = (a, b) =>
  a.group.localeCompare(b.group) || Number(a.n) - Number(b.n) || a.ns - b.ns;
rows.sort(order);
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const out = [
  "| workload | N | peer | ns/op | ops/s | x fastest peer |",
  "|---|---:|---|---:|---:|---:|",
];
for (const r of rows) {
  const f = fastest[key(r)];
  const ratio = r.ns / f.ns;
  const ops = 1e9 / r.ns;
  const opsS = ops >= 1e6 ? (ops / 1e6).toFixed(1) + " M" : (ops / 1e3).toFixed(1) + " k";
  out.push(`| ${r.group} | ${r.n} | ${r.peer} | ${fmt(r.ns)} | ${opsS} | ${ratio.toFixed(2)} |`);
}
console.log(out.join("\n"));
