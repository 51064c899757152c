//! What step back and jump-to-tick cost in the UI reducer (`hardclock::ui::state::State`, plain
//! Rust, the same code the page runs): a scenario of 1,000,000 ticks with 10,000 periodic
//! timeouts pending (benches/common: each re-armed by its handler), run as one `RunTicks`
//! action, then
//! * `step_back`: one `Action::StepBack` from the end (to tick 999,999);
//! * `jump_to_tick`: `Action::JumpToTick(t)` from the end to 16 random ticks in [0, 10^6);
//! * `run_1M_ticks`: the `RunTicks(1000000)` action itself (snapshots included).
//!
//! Every row is one whole `reduce` (it clones the state, as the page does), ns/op per action.
//! There is no peer: the target is < 100 ms per action (BENCHMARKS.md).

mod common;

use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use hardclock::script::Scenario;
use hardclock::ui::state::{Action, State};

const JUMPS: usize = 16;

fn start() -> State {
    let sc = Scenario::compile("").expect("the empty scenario");
    let (k, it) = common::periodic_kernel(sc.boot(), &common::periods());
    State::on_kernel(String::new(), sc, k, it)
}

fn bench_stepback(c: &mut Criterion) {
    let mut g = c.benchmark_group("stepback_1M_ticks_10k_pending");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    let n = common::REPLAY_TICKS;
    let fresh = start();
    let end = fresh.reduce(Action::RunTicks(n));
    assert_eq!(end.kernel().clock.elapsed, n);
    assert!(end.kernel().panic.is_none());

    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::new("step_back", n), |b| {
        b.iter_with_large_drop(|| end.reduce(Action::StepBack))
    });
    let back = end.reduce(Action::StepBack);
    assert_eq!(back.kernel().clock.elapsed, n - 1);

    let mut r = common::Rng(0x5EED);
    let targets: Vec<u64> = (0..JUMPS).map(|_| r.below(n)).collect();
    for &t in &targets {
        assert_eq!(end.reduce(Action::JumpToTick(t)).kernel().clock.elapsed, t);
    }
    g.throughput(Throughput::Elements(JUMPS as u64));
    g.bench_function(BenchmarkId::new("jump_to_tick", n), |b| {
        b.iter_with_large_drop(|| {
            targets
                .iter()
                .map(|&t| end.reduce(Action::JumpToTick(t)))
                .collect::<Vec<_>>()
        })
    });

    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::new("run_1M_ticks", n), |b| {
        b.iter_batched(
            || fresh.clone(),
            |s| s.reduce(Action::RunTicks(n)),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_stepback);
criterion_main!(benches);
