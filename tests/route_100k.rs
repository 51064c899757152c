#![cfg(not(target_arch = "wasm32"))]
//! 100,000 random prefixes through `route_add`, then 100,000 lookups through `Routes::lookup`,
//! every one checked against a per-length hash oracle (33 exact-match probes per address).
//! No timing assertions; it runs in a few seconds in a debug build.

use hardclock::kernel::{Kernel, NoBodies, Value};
use std::collections::{HashMap, HashSet};

/// A fixed xorshift generator: the test is deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn mask(len: u32) -> u32 {
    if len == 0 {
        0
    } else {
        !0u32 << (32 - len)
    }
}

#[test]
fn hundred_thousand_prefixes_and_lookups() {
    const N: usize = 100_000;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut k = Kernel::new();
    // by_len[len] = the keys present with that prefix length (32 = host routes).
    let mut by_len: Vec<HashSet<u32>> = vec![HashSet::new(); 33];
    let mut ids: HashMap<(u32, u32), u32> = HashMap::new();
    let mut keys = Vec::with_capacity(N);
    let mut added = 0;
    while added < N {
        let r = rng.next();
        let len = match r % 10 {
            0..=5 => 8 + (r >> 8) as u32 % 17, // /8../24, the common case
            6 | 7 => 25 + (r >> 8) as u32 % 7, // long prefixes
            8 => 32,                           // hosts
            _ => (r >> 8) as u32 % 8,          // very short, including the default
        };
        let key = (rng.next() as u32) & mask(len);
        if key == 0 && len == 32 {
            continue;
        }
        let v = if len == 32 {
            Value::Addr(key)
        } else {
            Value::Prefix(key, len as u8)
        };
        let ret = k
            .call(&mut NoBodies, "route_add", &[v, Value::Addr(0xc0a8_0001)])
            .unwrap();
        let fresh = by_len[len as usize].insert(key);
        assert_eq!(
            ret,
            Value::Int(if fresh { 0 } else { 17 }),
            "{key:#x}/{len}"
        );
        if fresh {
            ids.insert((key, len), k.rt.entries.len() as u32 - 1);
            keys.push(key);
            added += 1;
        }
    }
    let oracle = |v: u32| -> Option<u32> {
        (0..=32u32)
            .rev()
            .find(|&l| by_len[l as usize].contains(&(v & mask(l))))
            .map(|l| ids[&(v & mask(l), l)])
    };
    let mut hits = 0;
    for i in 0..N {
        let r = rng.next();
        let v = if i % 3 == 0 {
            r as u32
        } else {
            keys[(r >> 32) as usize % keys.len()] ^ ((r as u32) >> (r >> 59))
        };
        let (got, walk) = k.rt.lookup(v, 0);
        assert_eq!(got, oracle(v), "lookup {v:#x}: {}", walk.summary());
        hits += usize::from(got.is_some());
    }
    assert!(hits > N / 2, "the probes should mostly hit ({hits})");
    k.rt.tree(0).unwrap().check_invariants().unwrap();
}
