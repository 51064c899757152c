// Prints one table from criterion's output: time per operation (mean time of an iteration /
// elements in it), operations per second, and the ratio to the fastest peer of the same
// workload and N. Peers are the libraries we measure against (hhwt, binary_heap, prefix_trie);
// hardclock's own rows are never "the fastest peer", so a ratio below 1.00 means hardclock is
// faster than every peer there. Workloads without peers (step back) show "-".
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

const PEERS = new Set(["hhwt", "binary_heap", "prefix_trie"]);
const key = (r) => `${r.group} N=${r.n}`;
const fastest = {};
for (const r of rows) {
  if (!PEERS.has(r.peer)) continue;
  const k = key(r);
  if (!(k in fastest) || r.ns < fastest[k].ns) fastest[k] = r;
}

const order = (a, b) =>
  a.group.localeCompare(b.group) || Number(a.n) - Number(b.n) || a.ns - b.ns;
rows.sort(order);
const num = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const time = (ns) =>
  ns >= 1e9 ? num(ns / 1e9) + " s" : ns >= 1e6 ? num(ns / 1e6) + " ms" : ns >= 1e3 ? num(ns / 1e3) + " µs" : num(ns) + " ns";
const rate = (ops) =>
  ops >= 1e6 ? (ops / 1e6).toFixed(1) + " M" : ops >= 1e3 ? (ops / 1e3).toFixed(1) + " k" : ops.toFixed(1);
const out = [
  "| workload | N | row | time/op | ops/s | x fastest peer |",
  "|---|---:|---|---:|---:|---:|",
];
for (const r of rows) {
  const f = fastest[key(r)];
  const ratio = f ? (r.ns / f.ns).toFixed(2) : "-";
  out.push(`| ${r.group} | ${r.n} | ${r.peer} | ${time(r.ns)} | ${rate(1e9 / r.ns)} | ${ratio} |`);
}
console.log(out.join("\n"));
