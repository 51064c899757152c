//! Longest-prefix-match lookups: hardclock's BSD radix tree (`RadixTree::rn_match`, the walk
//! that `Routes::lookup` runs, and `rn_match_quiet`, the same code without the recording)
//! against `prefix-trie`'s `PrefixMap`, on the same random IPv4 table and the same lookup set. N = 10^4, 10^5 and 10^6 prefixes (no 10^6 with `HC_BENCH_SMALL=1`).
//! ns/op is per lookup (one iteration = LOOKUPS lookups); lookups/s = 1e9 / ns.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hardclock::kernel::route::{LookupWalk, RadixTree};
use prefix_trie::PrefixMap;

/// Lookups per iteration: half inside a table prefix, half uniformly random addresses.
const LOOKUPS: usize = 10_000;

fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - len)
    }
}

/// N distinct prefixes shaped a little like a real table: half /24, the rest /8../32.
fn table(n: usize) -> Vec<(u32, u8)> {
    let mut r = common::Rng(0xC0FF_EE00 ^ n as u64);
    let mut seen = std::collections::HashSet::new();
    let mut v = Vec::with_capacity(n);
    while v.len() < n {
        let x = r.next();
        let len = if x & 1 == 0 {
            24
        } else {
            8 + ((x >> 1) % 25) as u8
        };
        let key = (x >> 32) as u32 & mask(len);
        if seen.insert((key, len)) {
            v.push((key, len));
        }
    }
    v
}

fn lookups(t: &[(u32, u8)]) -> Vec<u32> {
    let mut r = common::Rng(42);
    (0..LOOKUPS)
        .map(|i| {
            let x = r.next();
            if i % 2 == 0 {
                let (key, len) = t[(x as usize >> 8) % t.len()];
                key | ((x >> 32) as u32 & !mask(len))
            } else {
                (x >> 32) as u32
            }
        })
        .collect()
}

fn bench_routes(c: &mut Criterion) {
    let mut g = c.benchmark_group("route_lookup");
    g.throughput(Throughput::Elements(LOOKUPS as u64));
    for n in common::sizes(&[10_000, 100_000], 1_000_000) {
        let t = table(n);
        let dsts = lookups(&t);

        let mut radix = RadixTree::new();
        for (i, &(key, len)) in t.iter().enumerate() {
            let m = if len == 32 { None } else { Some(len) };
            radix
                .rn_addroute(key, m, i as u32)
                .expect("distinct prefixes");
        }
        let mut trie: PrefixMap<(u32, u8), u32> = PrefixMap::new();
        for (i, &p) in t.iter().enumerate() {
            trie.insert(p, i as u32);
        }
        // Both must agree on every answer before we time them.
        for &d in &dsts {
            let mut walk = LookupWalk::default();
            radix.rn_match(d, &mut walk);
            let ours = walk.route;
            let theirs = trie.get_lpm(&(d, 32)).map(|(_, &v)| v);
            assert_eq!(ours, theirs, "lookup of {d:#x} differs");
            assert_eq!(radix.rn_match_quiet(d), walk.node, "quiet lookup of {d:#x}");
        }

        // As `Routes::lookup` runs it: a fresh walk record per lookup.
        g.bench_function(BenchmarkId::new("radix_lookup", n), |b| {
            b.iter(|| {
                let mut hits = 0u32;
                for &d in &dsts {
                    let mut walk = LookupWalk::default();
                    radix.rn_match(d, &mut walk);
                    hits += walk.route.is_some() as u32;
                }
                hits
            })
        });
        // The same walk with its step buffer reused: the cost of the tree itself.
        g.bench_function(BenchmarkId::new("radix_walk_reused", n), |b| {
            let mut walk = LookupWalk::default();
            b.iter(|| {
                let mut hits = 0u32;
                for &d in &dsts {
                    walk.steps.clear();
                    radix.rn_match(d, &mut walk);
                    hits += walk.route.is_some() as u32;
                }
                hits
            })
        });
        // The same `rn_match` with the step recording compiled out (`rn_match_quiet`, what
        // `route::lookup_quiet` and unrecorded `rtalloc1_fib` run).
        g.bench_function(BenchmarkId::new("radix_match", n), |b| {
            b.iter(|| {
                let mut hits = 0u32;
                for &d in &dsts {
                    hits += radix
                        .rn_match_quiet(d)
                        .and_then(|l| radix.node(l).route)
                        .is_some() as u32;
                }
                hits
            })
        });
        g.bench_function(BenchmarkId::new("prefix_trie", n), |b| {
            b.iter(|| {
                let mut hits = 0u32;
                for &d in &dsts {
                    hits += trie.get_lpm(&(d, 32)).is_some() as u32;
                }
                hits
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_routes);
criterion_main!(benches);
