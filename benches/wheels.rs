//! Timer wheels side by side: hardclock's OpenBSD 4x256 wheel and FreeBSD callwheel (each the
//! whole simulated kernel, event log included, and once more with recording off),
//! `hierarchical_hash_wheel_timer`'s cancellable quad wheel (the wheel under its
//! `SimulationTimer`), and a `BinaryHeap` baseline.
//!
//! Workloads (ns/op = time of one iteration / number of timers):
//! * `insert`: arm N initialised timers.
//! * `cancel`: disarm N armed timers (already sorted into the wheels).
//! * `expire`: tick until all N armed timers have fired.
//! * `replay`: 1,000,000 ticks with 10,000 periodic timers (each re-armed when it fires).
//!
//! Delays: `uniform` in [1, 4096) ticks, `bursty` (90% on 16 shared deadlines), `span4`
//! (log-uniform over all four 256-slot wheels, up to 2^30 ticks; insert and cancel only, since
//! expiring it would take 2^30 ticks). N = 10^3 ... 10^6 (10^6 skipped with `HC_BENCH_SMALL=1`).
//! See BENCHMARKS.md for the method and the caveats.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

mod common;

use common::Rng;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use hardclock::kernel::calls::freebsd::{callout_reset, callout_stop};
use hardclock::kernel::freebsd::callwheel::CalloutId;
use hardclock::kernel::openbsd::{self, TimeoutId};
use hardclock::kernel::{calls, Kernel, NoBodies, Value};
use hardclock::script::Interp;
use hierarchical_hash_wheel_timer::wheels::cancellable::{
    CancellableTimerEntry, QuadWheelWithOverflow,
};
use hierarchical_hash_wheel_timer::wheels::TimerEntryWithDelay;

/// The recording rows clear the event log whenever it holds more than this many events, as the
/// UI does between hardclocks (`Machine::ticks` in src/ui/state.rs).
const DRAIN_AT: usize = 1024;
/// Uniform delays are in [1, UNIFORM_MAX).
const UNIFORM_MAX: u32 = 4096;
/// `ncallout` for the callwheel rows, the largest the simulator allows: `callwheelsize` = 16384
/// buckets (real kernels size it from maxusers; the simulator's default of 64 is for scenarios
/// with a handful of callouts, and with 10^3 callouts it makes every tick scan ~16 of them).
const NCALLOUT: i64 = 16_384;

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
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
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

// ---------- OpenBSD ----------

/// How a hardclock row (OpenBSD or FreeBSD) runs the kernel.
#[derive(Clone, Copy, PartialEq)]
enum Log {
    /// Every event recorded, as the app does; the log cleared whenever it passes DRAIN_AT
    /// events (and its size limit lifted: at 10^6 timers one softclock pass may record 10^5
    /// or more events before the driver can clear them).
    Recorded,
    /// `Trace::recording = false`: the same kernel code, events dropped.
    Unrecorded,
}

/// A kernel with N timeouts `timeout_set` and, if `armed`, added and sorted into the wheels by
/// one hardclock; log empty.
fn obsd_kernel(d: &[u32], armed: bool, log: Log) -> (Kernel, Vec<TimeoutId>) {
    let mut k = Kernel::new();
    k.trace.max_events = usize::MAX;
    k.trace.recording = log == Log::Recorded;
    let mut ids = Vec::with_capacity(d.len());
    for (i, &t) in d.iter().enumerate() {
        let id = calls::openbsd::timeout_set(&mut k, &format!("t{i}"), "f", Value::Int(i as i64));
        if armed {
            // One tick early, so that the hardclock below leaves the same deadline.
            calls::openbsd::timeout_add_id(&mut k, id, t as i64 + 1).expect("timeout_add");
        }
        ids.push(id);
        drain(&mut k);
    }
    if armed {
        k.run_ticks_kernel_only(1).expect("sort into the wheels");
        assert_eq!(k.to.todo().len(), 0);
    }
    k.trace.events = Vec::new();
    (k, ids)
}

#[inline]
fn drain(k: &mut Kernel) {
    if k.trace.events.len() > DRAIN_AT {
        k.trace.events.clear();
    }
}

fn obsd_insert(mut k: Kernel, ids: &[TimeoutId], d: &[u32]) -> Kernel {
    for (i, &id) in ids.iter().enumerate() {
        calls::openbsd::timeout_add_id(&mut k, id, d[i] as i64).expect("timeout_add");
        drain(&mut k);
    }
    k
}

fn obsd_cancel(mut k: Kernel, ids: &[TimeoutId]) -> Kernel {
    for &id in ids {
        assert_eq!(calls::openbsd::timeout_del_id(&mut k, id), 1);
        drain(&mut k);
    }
    k
}

/// `ticks` hardclocks, one at a time as the UI runs them.
fn obsd_expire(mut k: Kernel, ticks: u32) -> Kernel {
    for _ in 0..ticks {
        k.hardclock_kernel_only().expect("hardclock");
        drain(&mut k);
    }
    assert!(k.to.todo().is_empty() && k.panic.is_none());
    k
}

// ---------- FreeBSD ----------

fn fbsd_kernel(d: &[u32], armed: bool, log: Log) -> (Kernel, Vec<CalloutId>) {
    let mut k = Kernel::new();
    k.trace.recording = log == Log::Recorded;
    k.assign_var(&mut NoBodies, "ncallout", &Value::Int(NCALLOUT))
        .expect("ncallout");
    // The simulator's cap on named callouts (MAX_NAMED_CALLOUTS = 1024) is for scripts.
    k.co.max_named = usize::MAX;
    k.trace.max_events = usize::MAX;
    let mut ids = Vec::with_capacity(d.len());
    for (i, &t) in d.iter().enumerate() {
        // Through `Kernel::call`, as a scenario does: the first call also boots the callwheel
        // (sized from the default `ncallout`).
        let name = format!("t{i}");
        let args = [Value::Ref(name.clone()), Value::Int(1)];
        k.call(&mut NoBodies, "callout_init", &args)
            .expect("callout_init");
        let id = k.co.named("callout_reset", &name).expect("named");
        if armed {
            callout_reset(&mut k, id, t as i64, Some("f"), &Value::Int(i as i64));
        }
        ids.push(id);
        drain(&mut k);
    }
    k.trace.events = Vec::new();
    (k, ids)
}

/// `ticks` + 1 hardclocks (the callouts were armed at tick 0), one at a time.
fn fbsd_expire(mut k: Kernel, ticks: u32) -> Kernel {
    for _ in 0..=ticks {
        k.hardclock_kernel_only().expect("hardclock");
        drain(&mut k);
    }
    assert!(k.panic.is_none());
    k
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
    /// Pops the entries in deadline order, as the ticks would, discarding those no longer
    /// armed (all of them after cancelling every timer); returns how many it discarded.
    fn drain_tombstones(&mut self) -> usize {
        let mut dead = 0;
        while let Some(Reverse((at, id))) = self.heap.pop() {
            if self.armed[id as usize] == at {
                self.heap.push(Reverse((at, id)));
                break;
            }
            dead += 1;
        }
        dead
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
            for n in common::sizes(&[1_000, 10_000, 100_000], 1_000_000) {
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
    g.throughput(Throughput::Elements(n as u64));
    let armed = work != "insert";

    // OpenBSD: the whole kernel through its public API, by TimeoutId (no name lookup). Its
    // softclock stops with a simulated panic after MAX_HANDLER_RUNS_PER_PASS runs in one pass
    // (the 0-tick re-arm spin of OpenBSD 5.6), so `expire` is left out where more timeouts than
    // that share one deadline (bursty at 10^6: about 60,000 a deadline).
    let widest = {
        let mut per: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
        d.iter().for_each(|&x| *per.entry(x).or_default() += 1);
        per.into_values().max().unwrap_or(0)
    };
    let obsd = work != "expire" || widest <= hardclock::kernel::MAX_HANDLER_RUNS_PER_PASS;
    for log in [Log::Recorded, Log::Unrecorded]
        .into_iter()
        .filter(|_| obsd)
    {
        let (base, ids) = obsd_kernel(&d, armed, log);
        if work == "expire" {
            // Checked once, untimed: every timeout has fired by then.
            let k = obsd_expire(base.clone(), max_delay);
            assert!(k
                .to
                .iter()
                .all(|t| t.to_flags & openbsd::TIMEOUT_ONQUEUE == 0));
        }
        let id = match log {
            Log::Recorded => "openbsd",
            Log::Unrecorded => "openbsd_unrecorded",
        };
        g.bench_function(BenchmarkId::new(id, n), |b| {
            b.iter_batched(
                || base.clone(),
                |k| match work {
                    "insert" => obsd_insert(k, &ids, &d),
                    "cancel" => obsd_cancel(k, &ids),
                    _ => obsd_expire(k, max_delay),
                },
                BatchSize::PerIteration,
            )
        });
    }

    // FreeBSD: the callwheel through the public callout(9) functions, by CalloutId (named
    // callouts), log recorded and drained like the OpenBSD rows, then the same unrecorded.
    for log in [Log::Recorded, Log::Unrecorded] {
        let (base, ids) = fbsd_kernel(&d, armed, log);
        if work == "expire" {
            let k = fbsd_expire(base.clone(), max_delay);
            assert!(
                ids.iter().all(|&id| !k.co.wheel.get(id).pending()),
                "all fired"
            );
        }
        let id = match log {
            Log::Recorded => "freebsd",
            Log::Unrecorded => "freebsd_unrecorded",
        };
        g.bench_function(BenchmarkId::new(id, n), |b| {
            b.iter_batched(
                || base.clone(),
                |mut k| match work {
                    "insert" => {
                        for (i, &id) in ids.iter().enumerate() {
                            let arg = Value::Int(i as i64);
                            callout_reset(&mut k, id, d[i] as i64, Some("f"), &arg);
                            drain(&mut k);
                        }
                        k
                    }
                    "cancel" => {
                        for &id in &ids {
                            assert_eq!(callout_stop(&mut k, &mut NoBodies, id).expect("stop"), 1);
                            drain(&mut k);
                        }
                        k
                    }
                    _ => fbsd_expire(k, max_delay),
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
                        // A tombstone only defers the removal: each cancelled entry is still
                        // popped (and discarded) when its deadline comes. Counted here, so the
                        // row is the cancel's whole cost, as the wheels' rows are.
                        assert_eq!(h.drain_tombstones(), n);
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

fn bench_replay(c: &mut Criterion) {
    let mut g = c.benchmark_group("replay_1M_ticks_10k_pending");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.throughput(Throughput::Elements(common::REPLAY_TICKS));
    let periods = common::periods();

    // The handlers re-arm their timeouts inside softclock, as a scenario's would.
    for (id, recording) in [("openbsd", true), ("openbsd_unrecorded", false)] {
        g.bench_function(BenchmarkId::new(id, common::REPLAY_TICKS), |b| {
            b.iter_batched(
                || {
                    let (mut k, it) =
                        common::periodic_kernel((Kernel::new(), Interp::new()), &periods);
                    k.trace.recording = recording;
                    (k, it)
                },
                |(mut k, mut it)| {
                    for _ in 0..common::REPLAY_TICKS / 1000 {
                        it.run_ticks(&mut k, 1000).expect("run_ticks");
                        k.trace.events.clear();
                    }
                    assert_eq!(k.to.todo().len(), 0);
                    (k, it)
                },
                BatchSize::PerIteration,
            )
        });
    }

    g.bench_function(BenchmarkId::new("hhwt", common::REPLAY_TICKS), |b| {
        b.iter_batched(
            || {
                let mut w = Hhwt::new();
                for (i, &p) in periods.iter().enumerate() {
                    let delay = Duration::from_millis(p as u64);
                    w.insert(Entry {
                        id: i as u32,
                        delay,
                    })
                    .expect("arm");
                }
                w
            },
            |mut w| {
                for _ in 0..common::REPLAY_TICKS {
                    for e in w.tick() {
                        let delay = Duration::from_millis(periods[e.id as usize] as u64);
                        w.insert(Entry { id: e.id, delay }).expect("re-arm");
                    }
                }
                w
            },
            BatchSize::PerIteration,
        )
    });

    g.bench_function(BenchmarkId::new("binary_heap", common::REPLAY_TICKS), |b| {
        b.iter_batched(
            || {
                let mut h = Heap::with(periods.len());
                for (i, &p) in periods.iter().enumerate() {
                    h.add(i as u32, p);
                }
                h
            },
            |mut h| {
                let mut fired = Vec::new();
                for _ in 0..common::REPLAY_TICKS {
                    h.tick(|id| fired.push(id));
                    for id in fired.drain(..) {
                        h.add(id, periods[id as usize]);
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
