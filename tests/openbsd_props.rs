#![cfg(not(target_arch = "wasm32"))]
//! Random scenarios on OpenBSD 5.6 timeout(9), checked against an independent model.
//!
//! The model keeps no buckets and no wrapping arithmetic. Time is an unbounded `i64`; a timeout
//! is either on the todo list (a `VecDeque`, in order), or "parked until tick E on wheel w" with a
//! global sequence number. From first principles (reference §1.4, §1.5, §1.11):
//! * a timeout examined at tick `s` with deadline `D > s` is parked on wheel `w` = level of
//!   `D - s`; it comes back at `E = D` for wheel 0, and for wheel w at the start of the
//!   2^(8w)-aligned block holding `D` (the only tick at which hardclock splices its bucket);
//! * at tick T, hardclock appends to todo everything parked until T, wheel 0 first, then wheel
//!   1, 2, 3, each in the order it was parked;
//! * softclock pops the todo head: not due -> park again, due -> run; handlers append to todo.
//!
//! This predicts the exact same-tick order, so the test compares, tick by tick, every non-empty
//! bucket handed to todo, every re-bucketing and every fire (in order), every return value, the
//! place of every timeout, and the order inside every list.

#[path = "common/ast.rs"]
mod ast;

use ast::{assign, call, int};
use std::collections::{BTreeMap, VecDeque};

use hardclock::kernel::openbsd::{Place, TimeoutEvent};
use hardclock::kernel::{EventKind, Kernel, KernelError, Operand, Stmt, Value, Via};
use hardclock::script::Interp;
use proptest::prelude::*;

const N: usize = 6;

/// What the handler of timeout i does when it runs.
#[derive(Clone, Debug)]
enum Beh {
    Nothing,
    ReAdd(i64),
    AddOther(usize, i64),
    DelOther(usize),
}

#[derive(Clone, Debug)]
enum Op {
    Set(usize),
    Add(usize, i64),
    Del(usize),
    Pending(usize),
    Triggered(usize),
    Tick(u32),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Slot {
    Off,
    Todo,
    /// (tick it comes back, wheel, sequence number)
    Parked(i64, u8, u64),
}

#[derive(Clone, Debug)]
struct Mt {
    onq: bool,
    trig: bool,
    deadline: i64,
    slot: Slot,
}

struct Model {
    now: i64,
    to: Vec<Mt>,
    todo: VecDeque<usize>,
    parked: BTreeMap<(i64, u8, u64), usize>,
    seq: u64,
    beh: Vec<Beh>,
    trace: Vec<Tr>,
}

/// What the wheel does, as both sides can see it (ticks as the wrapped 32-bit value).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tr {
    /// hardclock handed a non-empty bucket to todo: (tick, wheel, bucket, count).
    Splice(i32, u8, u8, usize),
    /// softclock parked timeout i on (wheel, bucket).
    Park(i32, usize, u8, u8),
    Fire(i32, usize),
}

impl Model {
    fn new(now: i64, beh: Vec<Beh>) -> Model {
        let t = Mt {
            onq: false,
            trig: false,
            deadline: 0,
            slot: Slot::Off,
        };
        Model {
            now,
            to: vec![t; N],
            todo: VecDeque::new(),
            parked: BTreeMap::new(),
            seq: 0,
            beh,
            trace: Vec::new(),
        }
    }

    fn unlink(&mut self, i: usize) {
        match self.to[i].slot {
            Slot::Off => {}
            Slot::Todo => self.todo.retain(|&x| x != i),
            Slot::Parked(e, w, s) => {
                self.parked.remove(&(e, w, s));
            }
        }
        self.to[i].slot = Slot::Off;
    }

    fn push_todo(&mut self, i: usize) {
        self.todo.push_back(i);
        self.to[i].slot = Slot::Todo;
    }

    fn add(&mut self, i: usize, n: i64) -> Result<i64, String> {
        if n < 0 {
            return Err(format!("timeout_add: to_ticks ({n}) < 0"));
        }
        let d = self.now + n;
        self.to[i].trig = false;
        if self.to[i].onq {
            if d < self.to[i].deadline {
                self.unlink(i);
                self.push_todo(i);
            }
            self.to[i].deadline = d;
            Ok(0)
        } else {
            self.to[i].onq = true;
            self.to[i].deadline = d;
            self.push_todo(i);
            Ok(1)
        }
    }

    fn del(&mut self, i: usize) -> i64 {
        let r = self.to[i].onq;
        if r {
            self.unlink(i);
            self.to[i].onq = false;
        }
        self.to[i].trig = false;
        r as i64
    }

    fn set(&mut self, i: usize) {
        assert!(!self.to[i].onq);
        self.to[i].trig = false;
    }

    fn tick(&mut self) {
        self.now += 1;
        let t = self.now;
        let due: Vec<(i64, u8, u64)> = self
            .parked
            .range((t, 0, 0)..(t + 1, 0, 0))
            .map(|(k, _)| *k)
            .collect();
        for k in due {
            let i = self.parked.remove(&k).unwrap();
            self.push_todo(i);
            let w = k.1;
            let bucket = ((t >> (8 * w as u32)) & 255) as u8;
            match self.trace.last_mut() {
                Some(Tr::Splice(tt, ww, _, c)) if *tt == t as i32 && *ww == w => *c += 1,
                _ => self.trace.push(Tr::Splice(t as i32, w, bucket, 1)),
            }
        }
        while let Some(i) = self.todo.pop_front() {
            let d = self.to[i].deadline;
            if d > t {
                let delta = d - t;
                let w: u8 = if delta <= 1 << 8 {
                    0
                } else if delta <= 1 << 16 {
                    1
                } else if delta <= 1 << 24 {
                    2
                } else {
                    3
                };
                let back = d - d.rem_euclid(1i64 << (8 * w as u32));
                self.seq += 1;
                self.parked.insert((back, w, self.seq), i);
                self.to[i].slot = Slot::Parked(back, w, self.seq);
                let bucket = ((back >> (8 * w as u32)) & 255) as u8;
                self.trace.push(Tr::Park(t as i32, i, w, bucket));
            } else {
                self.to[i].slot = Slot::Off;
                self.to[i].onq = false;
                self.to[i].trig = true;
                self.trace.push(Tr::Fire(t as i32, i));
                match self.beh[i] {
                    Beh::Nothing => {}
                    Beh::ReAdd(p) => {
                        self.add(i, p).unwrap();
                    }
                    Beh::AddOther(j, n) => {
                        self.add(j, n).unwrap();
                    }
                    Beh::DelOther(j) => {
                        self.del(j);
                    }
                }
            }
        }
    }

    fn place(&self, i: usize) -> Place {
        match self.to[i].slot {
            Slot::Off => Place::Nowhere,
            Slot::Todo => Place::Todo,
            Slot::Parked(back, w, _) => Place::Wheel {
                wheel: w,
                bucket: ((back >> (8 * w as u32)) & 255) as u8,
            },
        }
    }
}

fn name(i: usize) -> String {
    format!("t{i}")
}

fn r(i: usize) -> Operand {
    Operand::Ref(name(i))
}

fn handler_body(b: &Beh, i: usize) -> Vec<Stmt> {
    match *b {
        Beh::Nothing => vec![],
        Beh::ReAdd(p) => vec![call("timeout_add", vec![r(i), int(p)])],
        Beh::AddOther(j, n) => vec![call("timeout_add", vec![r(j), int(n)])],
        Beh::DelOther(j) => vec![call("timeout_del", vec![r(j)])],
    }
}

fn as_int(v: Result<Value, KernelError>) -> Result<i64, String> {
    match v {
        Ok(Value::Int(n)) => Ok(n),
        Ok(v) => panic!("not an int: {v:?}"),
        Err(e) => Err(e.message().to_string()),
    }
}

fn index(name: &str) -> usize {
    name[1..].parse().unwrap()
}

fn sut_trace(k: &Kernel) -> Vec<Tr> {
    k.trace
        .events
        .iter()
        .filter_map(|e| {
            Some(match &*e.kind {
                EventKind::Fire {
                    via: Via::Timeout,
                    func,
                    ..
                } => Tr::Fire(e.tick, index(func)),
                EventKind::Timeout(TimeoutEvent::Splice { bucket, count }) => {
                    Tr::Splice(e.tick, 0, *bucket, *count)
                }
                EventKind::Timeout(TimeoutEvent::Cascade {
                    wheel,
                    bucket,
                    count,
                }) => Tr::Splice(e.tick, *wheel, *bucket, *count),
                EventKind::Timeout(TimeoutEvent::Rebucketed {
                    name,
                    wheel,
                    bucket,
                    ..
                }) => Tr::Park(e.tick, index(name), *wheel, *bucket),
                _ => return None,
            })
        })
        .collect()
}

/// Compares where every timeout is and the order of every list.
fn same_lists(k: &Kernel, m: &Model) -> Result<(), TestCaseError> {
    let mut buckets: BTreeMap<(u8, u8), Vec<(u64, String)>> = BTreeMap::new();
    for i in 0..N {
        let got = k.to.get(&name(i)).unwrap().place;
        prop_assert_eq!(got, m.place(i), "place of t{} at tick {}", i, m.now);
        if let (Place::Wheel { wheel, bucket }, Slot::Parked(_, _, s)) = (got, m.to[i].slot) {
            buckets
                .entry((wheel, bucket))
                .or_default()
                .push((s, name(i)));
        }
    }
    for ((w, b), mut v) in buckets {
        v.sort();
        let want: Vec<String> = v.into_iter().map(|(_, n)| n).collect();
        prop_assert_eq!(
            k.to.bucket(w as usize, b as usize),
            want,
            "bucket {}/{}",
            w,
            b
        );
    }
    let todo: Vec<String> = m.todo.iter().map(|&i| name(i)).collect();
    prop_assert_eq!(k.to.todo(), todo);
    Ok(())
}

fn run(start: i32, beh: Vec<Beh>, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    it.exec(&mut k, &assign("ticks", int(start as i64)))
        .unwrap();
    let mut m = Model::new(start as i64, beh.clone());
    for (i, b) in beh.iter().enumerate() {
        it.handlers.insert(format!("h{i}"), handler_body(b, i));
        let set = call(
            "timeout_set",
            vec![
                r(i),
                Operand::Ident(format!("h{i}")),
                Operand::Lit(Value::Null),
            ],
        );
        it.exec(&mut k, &set).unwrap();
    }
    for op in ops {
        match op {
            Op::Set(i) => {
                if m.to[i].onq {
                    continue; // forbidden by the man page; tested on its own elsewhere
                }
                m.set(i);
                let set = call(
                    "timeout_set",
                    vec![
                        r(i),
                        Operand::Ident(format!("h{i}")),
                        Operand::Lit(Value::Null),
                    ],
                );
                it.exec(&mut k, &set).unwrap();
            }
            Op::Add(i, n) => {
                let want = m.add(i, n);
                let got = as_int(it.exec(&mut k, &call("timeout_add", vec![r(i), int(n)])));
                prop_assert_eq!(&got, &want, "timeout_add(t{}, {})", i, n);
                if want.is_err() {
                    return Ok(());
                }
            }
            Op::Del(i) => {
                let want = m.del(i);
                let got = as_int(it.exec(&mut k, &call("timeout_del", vec![r(i)])));
                prop_assert_eq!(got, Ok(want), "timeout_del(t{})", i);
            }
            Op::Pending(i) => {
                let got = as_int(it.exec(&mut k, &call("timeout_pending", vec![r(i)])));
                // timeout.h: (to_flags & TIMEOUT_ONQUEUE), so 2 or 0.
                prop_assert_eq!(got, Ok(2 * m.to[i].onq as i64), "timeout_pending(t{})", i);
            }
            Op::Triggered(i) => {
                let got = as_int(it.exec(&mut k, &call("timeout_triggered", vec![r(i)])));
                // timeout.h: (to_flags & TIMEOUT_TRIGGERED), so 8 or 0.
                prop_assert_eq!(
                    got,
                    Ok(8 * m.to[i].trig as i64),
                    "timeout_triggered(t{})",
                    i
                );
            }
            Op::Tick(n) => {
                k.trace.events.clear();
                m.trace.clear();
                for _ in 0..n {
                    m.tick();
                }
                it.run_ticks(&mut k, n as u64).unwrap();
                prop_assert_eq!(k.clock.ticks, m.now as i32);
                prop_assert_eq!(sut_trace(&k), m.trace.clone(), "trace up to tick {}", m.now);
            }
        }
        same_lists(&k, &m)?;
    }
    Ok(())
}

fn start_ticks() -> impl Strategy<Value = i32> {
    prop_oneof![
        Just(0),
        any::<i32>(),
        (0..2000i32).prop_map(|d| i32::MAX - d),
        (0..2000i32).prop_map(|d| (1 << 24) - d),
        (0..2000i32).prop_map(|d| -1 - d),
        (0..70_000i32).prop_map(|d| i32::MAX - d),
    ]
}

/// Handlers: nothing, periodic self re-add (>= 1 tick), add a later-numbered timeout with 0..2
/// ticks (no 0-tick cycles), add any other with >= 1 tick, delete another.
fn behaviours(short: bool) -> impl Strategy<Value = Vec<Beh>> {
    let period = if short { 300i64 } else { 70_000 };
    proptest::collection::vec((0..5u8, 0..N, 0..3i64, 1..=period, any::<bool>()), N).prop_map(
        |raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, (kind, j, small, p, near))| {
                    let p = if near { 254 + p % 6 } else { p };
                    let other = if j == i { (j + 1) % N } else { j };
                    match kind {
                        0 => Beh::Nothing,
                        1 => Beh::ReAdd(p),
                        2 if i + 1 < N => Beh::AddOther(i + 1 + j % (N - i - 1), small),
                        2 | 3 => Beh::AddOther(other, p),
                        _ => Beh::DelOther(other),
                    }
                })
                .collect()
        },
    )
}

fn short_delay() -> impl Strategy<Value = i64> {
    prop_oneof![0..=3i64, 1..=300i64, 250..=262i64, 500..=530i64, 1..=700i64,]
}

fn long_delay() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => short_delay(),
        3 => 65_530..=65_545i64,
        2 => 1..=140_000i64,
        1 => ((1i64 << 24) - 3)..=((1i64 << 24) + 3),
        2 => ((1i64 << 24) + 2)..=((1i64 << 24) + 2000),
        1 => (1i64 << 24)..=(i32::MAX as i64),
        1 => (i32::MAX as i64 - 3)..=(i32::MAX as i64),
    ]
}

fn ops(
    delay: BoxedStrategy<i64>,
    jump: BoxedStrategy<u32>,
    len: usize,
) -> impl Strategy<Value = Vec<Op>> {
    // A negative add panics and ends the case, so it is rare.
    let op = prop_oneof![
        10 => (0..N).prop_map(Op::Set),
        60 => ((0..N), delay).prop_map(|(i, n)| Op::Add(i, n)),
        1 => ((0..N), -3..0i64).prop_map(|(i, n)| Op::Add(i, n)),
        20 => (0..N).prop_map(Op::Del),
        10 => (0..N).prop_map(Op::Pending),
        10 => (0..N).prop_map(Op::Triggered),
        50 => jump.prop_map(Op::Tick),
    ];
    proptest::collection::vec(op, 1..len)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2500, ..ProptestConfig::default() })]

    /// Wheel 0 and 1, 256-tick boundaries, ticks near the wrap.
    #[test]
    fn short_delays_match_the_model(
        start in start_ticks(),
        beh in behaviours(true),
        ops in ops(short_delay().boxed(), prop_oneof![1..=3u32, 1..=300u32].boxed(), 60),
    ) {
        run(start, beh, ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// Wheels 2 and 3: 65536 and 2^24 boundaries, with jumps long enough to cascade.
    #[test]
    fn long_delays_match_the_model(
        start in start_ticks(),
        beh in behaviours(false),
        ops in ops(
            long_delay().boxed(),
            prop_oneof![3 => 1..=300u32, 1 => 1..=2000u32, 2 => 60_000..=140_000u32].boxed(),
            20,
        ),
    ) {
        run(start, beh, ops)?;
    }
}
