//! Shared by the benches: deterministic inputs and the workload sizes.

/// The sizes a bench runs at: `base`, plus 10^6 when `HC_BENCH_BIG` is set (a full default run
/// must fit in a few minutes on 2 cores).
pub fn sizes(base: &[usize]) -> Vec<usize> {
    let mut v = base.to_vec();
    if std::env::var_os("HC_BENCH_BIG").is_some() {
        v.push(1_000_000);
    }
    v
}

/// xorshift64*: deterministic tables and delays without a rand dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    #[allow(dead_code)] // used by wheels.rs only
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
