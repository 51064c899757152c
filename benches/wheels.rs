//! Timer wheels side by side: hardclock's OpenBSD 4x256 wheel and FreeBSD callwheel (as the
//! simulator runs them, event log included), `hierarchical_hash_wheel_timer`'s cancellable quad
//! wheel (the wheel under its `SimulationTimer`), and a `BinaryHeap` baseline.
//!
//! Workloads (ns/op = time of one iteration / number of timers):
//! * `insert`: arm N initialised timers.
//! * `cancel`: disarm N armed timers.
//! * `expire`: tick until all N armed timers have fired.
//! * `replay`: 1,000,000 ticks with 10,000 timers kept pending (each re-armed when it fires).
//!
//! Delays: `uniform` in [1, 4096) ticks, `bursty` (90% on 16 shared deadlines), `span4`
//! (log-uniform over all four 256-slot wheels, up to 2^30 ticks; insert and cancel only, since
//! expiring it would take 2^30 ticks). N = 10^3, 10^4, 10^5, and 10^6 with `HC_BENCH_BIG=1`.
//! See BENCHMARKS.md for the method and the caveats.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

mod common;

use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use hardclock::kernel::freebsd::callout;
use hardclock::kernel::freebsd::callwheel::CalloutId;
use hardclock::kernel::{openbsd, EventKind, Kernel, Value};
use hierarchical_hash_wheel_timer::wheels::cancellable::{
    CancellableTimerEntry, QuadWheelWithOverflow,
};
use hierarchical_hash_wheel_timer::wheels::TimerEntryWithDelay;

/// Drain the event log every this many operations in the `_drained` variants.
const DRAIN_EVERY: usize = 1024;
/// ... and every this many ticks (at 10^6 timers 1024 ticks would pass MAX_EVENTS).
const DRAIN_TICKS: u64 = 64;
/// Uniform delays are in [1, UNIFORM_MAX).
const UNIFORM_MAX: u32 = 4096;
/// The simulator's cap on named callouts (`MAX_NAMED_CALLOUTS`), so the callwheel runs at 10^3 only.
const FREEBSD_MAX_N: usize = 1000;
/// Above this N the undrained OpenBSD variant would pass the simulator's MAX_EVENTS (400,000).
const UNDRAINED_MAX_N: usize = 100_000;
/// Above this N OpenBSD expire cannot run at all: the first softclock moves every timeout from
/// `timeout_todo` to the wheel in one pass, recording N events, more than MAX_EVENTS.
const OPENBSD_EXPIRE_MAX_N: usize = 100_000;

#[derive(Clone, Copy, PartialEq)]
enum Dist {
    Uniform,
    Bursty,
    Span4,
}

impl Dist {
    fn name(self) -> &'static str {
        match self {
            Dist::Uniform => "uniform",
            Dist::Bursty => "bursty",
            Dist::Span4 => "span4",
        }
    }
}

/// N delays in ticks, all >= 1.
fn delays(dist: Dist, n: usize) -> Vec<u32> {
    let mut r = common::Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
    (0..n)
        .map(|_| match dist {
            Dist::Uniform => 1 + r.below(UNIFORM_MAX as u64 - 1) as u32,
            Dist::Bursty if r.below(10) < 9 => 256 * (1 + r.below(15) as u32),
            Dist::Bursty => 1 + r.below(UNIFORM_MAX as u64 - 1) as u32,
            Dist::Span4 => {
                let w = r.below(4) as u32;
                let lo = if w == 0 { 1 } else { 1u64 << (8 * w) };
                let hi = (1u64 << (8 * (w + 1))).min(1 << 30);
                (lo + r.below(hi - lo)) as u32
            }
        })
        .collect()
}

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("t{i}")).collect()
}

// ---------- OpenBSD ----------

/// A kernel with N timeouts initialised (`timeout_set`) and, if `armed`, added; log empty.
fn obsd_kernel(names: &[String], d: &[u32], armed: bool) -> Kernel {
    let mut k = Kernel::new();
    for (i, name) in names.iter().enumerate() {
        openbsd::timeout_set(&mut k, name, "f", Value::Int(i as i64));
        if armed {
            openbsd::timeout_add(&mut k, name, d[i] as i64).expect("timeout_add");
        }
        if i % DRAIN_EVERY == 0 {
            k.events.clear();
        }
    }
    k.events = Vec::new();
    k
}

fn obsd_insert(mut k: Kernel, names: &[String], d: &[u32], drain: bool) -> Kernel {
    for (i, name) in names.iter().enumerate() {
        openbsd::timeout_add(&mut k, name, d[i] as i64).expect("timeout_add");
        if drain && i % DRAIN_EVERY == 0 {
            k.events.clear();
        }
    }
    k
}

fn obsd_cancel(mut k: Kernel, names: &[String], drain: bool) -> Kernel {
    for (i, name) in names.iter().enumerate() {
        assert_eq!(openbsd::timeout_del(&mut k, name), 1);
        if drain && i % DRAIN_EVERY == 0 {
            k.events.clear();
        }
    }
    k
}

/// Runs `ticks` hardclocks; drained: in runs of DRAIN_TICKS ticks with the log cleared between.
fn run_ticks(k: &mut Kernel, ticks: u64, drain: bool) {
    if drain {
        let mut left = ticks;
        while left > 0 {
            let n = left.min(DRAIN_TICKS);
            k.run_ticks(n).expect("run_ticks");
            k.events.clear();
            left -= n;
        }
    } else {
        k.run_ticks(ticks).expect("run_ticks");
    }
}

fn obsd_expire(mut k: Kernel, max_delay: u32, drain: bool) -> Kernel {
    run_ticks(&mut k, max_delay as u64 + 1, drain);
    assert!(k.to.todo().is_empty() && k.panic.is_none());
    k
}

/// The event-recording share of `timeout_add`: the same `Added` event pushed N times.
fn obsd_events_only(mut k: Kernel, names: &[String], d: &[u32]) -> Kernel {
    for (i, name) in names.iter().enumerate() {
        k.emit(EventKind::Timeout(openbsd::TimeoutEvent::Added {
            name: name.as_str().into(),
            n: d[i] as i32,
            to_time: d[i] as i32,
        }));
    }
    k
}

// ---------- FreeBSD ----------

fn fbsd_kernel(names: &[String], d: &[u32], armed: bool) -> (Kernel, Vec<CalloutId>) {
    let mut k = Kernel::new();
    let mut ids = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        // Through `Kernel::call`, as a scenario does: the first call also boots the callwheel
        // (sized from the default `ncallout`).
        let args = [Value::Ref(name.clone()), Value::Int(1)];
        k.call("callout_init", &args).expect("callout_init");
        let id = callout::named(&k, "callout_reset", name).expect("named");
        if armed {
            callout::callout_reset(&mut k, id, d[i] as i64, Some("f"), &Value::Int(i as i64))
                .expect("callout_reset");
        }
        ids.push(id);
    }
    k.events = Vec::new();
    (k, ids)
}

// ---------- hierarchical_hash_wheel_timer ----------

#[derive(Debug)]
struct Entry {
    id: u32,
    delay: Duration,
}
impl CancellableTimerEntry for Entry {
    type Id = u32;
    fn id(&self) -> &u32 {
        &self.id
    }
}
impl TimerEntryWithDelay for Entry {
    fn delay(&self) -> Duration {
        self.delay
    }
}
type Hhwt = QuadWheelWithOverflow<Entry>;

fn hhwt_insert(mut w: Hhwt, d: &[u32]) -> Hhwt {
    for (i, &t) in d.iter().enumerate() {
        let e = Entry {
            id: i as u32,
            delay: Duration::from_millis(t as u64),
        };
        w.insert(e).expect("hhwt insert");
    }
    w
}

fn hhwt_cancel(mut w: Hhwt, n: usize) -> Hhwt {
    for i in 0..n {
        w.cancel(&(i as u32)).expect("hhwt cancel");
    }
    w
}

fn hhwt_expire(mut w: Hhwt, max_delay: u32) -> (Hhwt, usize) {
    let mut fired = 0;
    for _ in 0..=max_delay {
        for e in w.tick() {
            std::hint::black_box(e.id);
            fired += 1;
        }
    }
    (w, fired)
}

// ---------- BinaryHeap (cancel = tombstone, skipped on expiry) ----------

#[derive(Clone, Default)]
struct Heap {
    now: u64,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    /// Per timer: the deadline it is armed for, 0 = not armed (tombstones lazily skipped).
    armed: Vec<u64>,
}

impl Heap {
    fn with(n: usize) -> Heap {
        Heap {
            now: 0,
            heap: BinaryHeap::with_capacity(n),
            armed: vec![0; n],
        }
    }
    fn add(&mut self, id: u32, delay: u32) {
        let at = self.now + delay as u64;
        self.armed[id as usize] = at;
        self.heap.push(Reverse((at, id)));
    }
    fn del(&mut self, id: u32) -> bool {
        std::mem::replace(&mut self.armed[id as usize], 0) != 0
    }
    /// One tick; calls `fire` for each live timer that is due.
    fn tick(&mut self, mut fire: impl FnMut(u32)) {
        self.now += 1;
        while let Some(&Reverse((at, id))) = self.heap.peek() {
            if at > self.now {
                break;
            }
            self.heap.pop();
            if self.armed[id as usize] == at {
                self.armed[id as usize] = 0;
                fire(id);
            }
        }
    }
}

// ---------- the benchmarks ----------

fn bench_ops(c: &mut Criterion) {
    for work in ["insert", "cancel", "expire"] {
        for dist in [Dist::Uniform, Dist::Bursty, Dist::Span4] {
            if work == "expire" && dist == Dist::Span4 {
                continue;
            }
            let mut g = c.benchmark_group(format!("{work}_{}", dist.name()));
            g.sampling_mode(SamplingMode::Flat);
            for n in common::sizes(&[1_000, 10_000, 100_000]) {
                ops_for(&mut g, work, dist, n);
            }
            g.finish();
        }
    }
}

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

fn ops_for(g: &mut Group<'_>, work: &str, dist: Dist, n: usize) {
    let d = delays(dist, n);
    let max_delay = *d.iter().max().unwrap_or(&1);
    let nm = names(n);
    g.throughput(Throughput::Elements(n as u64));
    let armed = work != "insert";

    // OpenBSD, log kept as it is, and drained every DRAIN_EVERY operations or DRAIN_TICKS ticks.
    let base = obsd_kernel(&nm, &d, armed);
    for drain in [false, true] {
        if !drain && n > UNDRAINED_MAX_N
            || !drain && work == "expire" && n > 10_000
            || work == "expire" && n > OPENBSD_EXPIRE_MAX_N
        {
            continue;
        }
        let id = if drain { "openbsd_drained" } else { "openbsd" };
        g.bench_function(BenchmarkId::new(id, n), |b| {
            b.iter_batched(
                || base.clone(),
                |k| match work {
                    "insert" => obsd_insert(k, &nm, &d, drain),
                    "cancel" => obsd_cancel(k, &nm, drain),
                    _ => obsd_expire(k, max_delay, drain),
                },
                BatchSize::PerIteration,
            )
        });
    }
    if work == "insert" && n <= UNDRAINED_MAX_N {
        g.bench_function(BenchmarkId::new("openbsd_events_only", n), |b| {
            b.iter_batched(
                || base.clone(),
                |k| obsd_events_only(k, &nm, &d),
                BatchSize::PerIteration,
            )
        });
    }
    drop(base);

    // FreeBSD callwheel (named callouts; log kept, it stays under MAX_EVENTS at this N).
    if n <= FREEBSD_MAX_N {
        let (base, ids) = fbsd_kernel(&nm, &d, armed);
        g.bench_function(BenchmarkId::new("freebsd", n), |b| {
            b.iter_batched(
                || base.clone(),
                |mut k| {
                    match work {
                        "insert" => {
                            for (i, &id) in ids.iter().enumerate() {
                                callout::callout_reset(
                                    &mut k,
                                    id,
                                    d[i] as i64,
                                    Some("f"),
                                    &Value::Int(i as i64),
                                )
                                .expect("callout_reset");
                            }
                        }
                        "cancel" => {
                            for &id in &ids {
                                assert_eq!(callout::stop_safe(&mut k, id, false).expect("stop"), 1);
                            }
                        }
                        _ => {
                            k.run_ticks(max_delay as u64 + 1).expect("run_ticks");
                            assert!(k.panic.is_none());
                        }
                    }
                    k
                },
                BatchSize::PerIteration,
            )
        });
    }

    // hierarchical_hash_wheel_timer
    g.bench_function(BenchmarkId::new("hhwt", n), |b| {
        b.iter_batched(
            || {
                let w = Hhwt::new();
                if armed {
                    hhwt_insert(w, &d)
                } else {
                    w
                }
            },
            |w| match work {
                "insert" => hhwt_insert(w, &d),
                "cancel" => hhwt_cancel(w, n),
                _ => {
                    let (w, fired) = hhwt_expire(w, max_delay);
                    assert_eq!(fired, n);
                    w
                }
            },
            BatchSize::PerIteration,
        )
    });

    // BinaryHeap baseline
    let mut hbase = Heap::with(n);
    if armed {
        for (i, &t) in d.iter().enumerate() {
            hbase.add(i as u32, t);
        }
    }
    g.bench_function(BenchmarkId::new("binary_heap", n), |b| {
        b.iter_batched(
            || hbase.clone(),
            |mut h| {
                match work {
                    "insert" => {
                        for (i, &t) in d.iter().enumerate() {
                            h.add(i as u32, t);
                        }
                    }
                    "cancel" => {
                        for i in 0..n {
                            assert!(h.del(i as u32));
                        }
                    }
                    _ => {
                        let mut fired = 0;
                        for _ in 0..=max_delay {
                            h.tick(|id| {
                                std::hint::black_box(id);
                                fired += 1;
                            });
                        }
                        assert_eq!(fired, n);
                    }
                }
                h
            },
            BatchSize::PerIteration,
        )
    });
}

/// 1,000,000 ticks, 10,000 timers, each re-armed with a fresh uniform delay in [1000, 100000)
/// when it fires, so 10,000 stay pending throughout.
const REPLAY_TICKS: u64 = 1_000_000;
const REPLAY_TIMERS: usize = 10_000;
/// The kernel is driven in runs of this many ticks: after each run the driver reads the `Fire`
/// events, re-arms those timeouts, and clears the log.
const REPLAY_CHUNK: u64 = 1000;

fn replay_delay(r: &mut common::Rng) -> u32 {
    1000 + r.below(99_000) as u32
}

fn bench_replay(c: &mut Criterion) {
    let mut g = c.benchmark_group("replay_1M_ticks_10k_pending");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.throughput(Throughput::Elements(REPLAY_TICKS));
    let nm = names(REPLAY_TIMERS);

    g.bench_function(BenchmarkId::new("openbsd_drained", REPLAY_TICKS), |b| {
        b.iter_batched(
            || {
                let mut r = common::Rng(7);
                let d: Vec<u32> = (0..REPLAY_TIMERS).map(|_| replay_delay(&mut r)).collect();
                (obsd_kernel(&nm, &d, true), r)
            },
            |(mut k, mut r)| {
                let mut fired = Vec::new();
                for _ in 0..REPLAY_TICKS / REPLAY_CHUNK {
                    k.run_ticks(REPLAY_CHUNK).expect("run_ticks");
                    fired.clear();
                    fired.extend(k.events.iter().filter_map(|e| match &e.kind {
                        EventKind::Fire { arg, .. } => arg.parse::<usize>().ok(),
                        _ => None,
                    }));
                    k.events.clear();
                    for &i in &fired {
                        openbsd::timeout_add(&mut k, &nm[i], replay_delay(&mut r) as i64)
                            .expect("timeout_add");
                    }
                }
                assert_eq!(
                    k.to.iter()
                        .filter(|t| t.timeout.to_flags & openbsd::TIMEOUT_ONQUEUE != 0)
                        .count(),
                    REPLAY_TIMERS
                );
                k
            },
            BatchSize::PerIteration,
        )
    });

    g.bench_function(BenchmarkId::new("hhwt", REPLAY_TICKS), |b| {
        b.iter_batched(
            || {
                let mut r = common::Rng(7);
                let d: Vec<u32> = (0..REPLAY_TIMERS).map(|_| replay_delay(&mut r)).collect();
                (hhwt_insert(Hhwt::new(), &d), r)
            },
            |(mut w, mut r)| {
                for _ in 0..REPLAY_TICKS {
                    for e in w.tick() {
                        let delay = Duration::from_millis(replay_delay(&mut r) as u64);
                        w.insert(Entry { id: e.id, delay }).expect("re-arm");
                    }
                }
                w
            },
            BatchSize::PerIteration,
        )
    });

    g.bench_function(BenchmarkId::new("binary_heap", REPLAY_TICKS), |b| {
        b.iter_batched(
            || {
                let mut r = common::Rng(7);
                let mut h = Heap::with(REPLAY_TIMERS);
                for i in 0..REPLAY_TIMERS {
                    h.add(i as u32, replay_delay(&mut r));
                }
                (h, r)
            },
            |(mut h, mut r)| {
                let mut fired = Vec::new();
                for _ in 0..REPLAY_TICKS {
                    h.tick(|id| fired.push(id));
                    for id in fired.drain(..) {
                        h.add(id, replay_delay(&mut r));
                    }
                }
                h
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_ops, bench_replay);
criterion_main!(benches);
