#![cfg(not(target_arch = "wasm32"))]
//! Random rt_timer_add / rt_timer_queue_change / rt_timer_remove_all / hardclock sequences
//! against a model written from the man page, reference §3.3 and the corrections of
//! 2026-12-04 only: scans every `hz` ticks counted from boot (the scanner's boot phase), once
//! the first queue exists; at each scan every timer with `rtt_time + timeout < uptime` goes,
//! newest queue first, oldest add first; one timer per (route, function).
//!
//! A second model adds route deletes and re-adds and NULL actions: timers outlive a delete
//! (only the free drops them, and these routes are always referenced), and a NULL action
//! deletes by key alone: the most specific route in the table with that key (a host route
//! first), never the default route (the chain head of 0.0.0.0 is the radix end marker).

use std::collections::BTreeMap;

use hardclock::kernel::{calls, EventKind, Kernel, NoBodies, Value, Via};
use proptest::prelude::*;

const ROUTES: u32 = 4;
const FUNCS: [&str; 2] = ["fa", "fb"];
const QUEUES: usize = 2;

#[derive(Clone, Debug)]
enum Op {
    Add {
        route: u32,
        func: usize,
        queue: usize,
    },
    Change {
        queue: usize,
        timeout: i64,
    },
    RemoveAll {
        route: u32,
    },
    Advance {
        ticks: u32,
    },
}

fn op(hz: u32) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..ROUTES, 0..FUNCS.len(), 0..QUEUES)
            .prop_map(|(route, func, queue)| Op::Add { route, func, queue }),
        1 => (0..QUEUES, 0i64..4).prop_map(|(queue, timeout)| Op::Change { queue, timeout }),
        1 => (0..ROUTES).prop_map(|route| Op::RemoveAll { route }),
        3 => (1..=3 * hz).prop_map(|ticks| Op::Advance { ticks }),
    ]
}

fn case() -> impl Strategy<Value = (u32, u32, [i64; QUEUES], Vec<Op>)> {
    prop_oneof![Just(1u32), Just(3), Just(10)].prop_flat_map(|hz| {
        (
            Just(hz),
            // The first queue may come any time in the first three seconds: the scans must
            // still fall on multiples of hz from boot.
            0..3 * hz,
            [0i64..4, 0i64..4],
            prop::collection::vec(op(hz), 1..24),
        )
    })
}

/// (route, func): a route has at most one timer per function.
type Key = (u32, usize);
/// (queue, rtt_time, insertion number).
type Entry = (usize, i64, u64);

/// The model's state: one entry per (route, func).
struct Model {
    hz: i64,
    /// Hardclocks since boot.
    now: i64,
    /// Hardclocks at the first queue's creation: scans on the multiples of hz after it.
    armed: i64,
    timeouts: [i64; QUEUES],
    timers: BTreeMap<Key, Entry>,
    seq: u64,
    /// (tick, route, func), in the order they ran.
    fired: Vec<(i64, u32, usize)>,
}

impl Model {
    fn advance(&mut self, n: i64) {
        for _ in 0..n {
            self.now += 1;
            // rt_timer_init armed the scanner for hz at boot: scans on multiples of hz.
            if self.now > self.armed && self.now % self.hz == 0 {
                let uptime = self.now / self.hz;
                let mut due: Vec<(Key, Entry)> = self
                    .timers
                    .iter()
                    .filter(|(_, &(q, rtt, _))| rtt + self.timeouts[q] < uptime)
                    .map(|(&k, &v)| (k, v))
                    .collect();
                // Queue created last is scanned first; within a queue, FIFO.
                due.sort_by_key(|&(_, (q, _, seq))| (std::cmp::Reverse(q), seq));
                for ((rt, f), _) in due {
                    self.timers.remove(&(rt, f));
                    self.fired.push((self.now, rt, f));
                }
            }
        }
    }
}

fn fired(k: &Kernel, ids: &[u32]) -> Vec<(i64, u32, usize)> {
    k.trace
        .events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Fire {
                via: Via::RtTimer,
                func,
                arg,
                ..
            } => {
                let id: u32 = arg.trim_start_matches("rt#").parse().unwrap();
                let rt = ids.iter().position(|&x| x == id).unwrap() as u32;
                let f = FUNCS.iter().position(|x| x == func).unwrap();
                Some((i64::from(e.tick), rt, f))
            }
            _ => None,
        })
        .collect()
}

fn call(k: &mut Kernel, name: &str, args: &[Value]) -> Value {
    k.call(&mut NoBodies, name, args)
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn expiry_matches_the_strict_one_second_model((hz, phase, timeouts, ops) in case()) {
        let mut k = Kernel::new();
        k.clock.set_hz(hz as i32).unwrap();
        let mut ids = Vec::new();
        for r in 0..ROUTES {
            let dst = 0x0a00_0001 + r;
            call(&mut k, "route_add", &[Value::Addr(dst), Value::Addr(0xc0a8_0101)]);
            ids.push(k.rt.rt_lookup_exact(dst, 32, 0).unwrap());
        }
        k.run_ticks_kernel_only(u64::from(phase)).unwrap();
        let queues: Vec<Value> = timeouts
            .iter()
            .map(|&t| call(&mut k, "rt_timer_queue_create", &[Value::Int(t)]))
            .collect();
        let mut m = Model {
            hz: i64::from(hz),
            now: i64::from(phase),
            armed: i64::from(phase),
            timeouts,
            timers: BTreeMap::new(),
            seq: 0,
            fired: Vec::new(),
        };
        for op in &ops {
            match *op {
                Op::Add { route, func, queue } => {
                    let r = call(&mut k, "rt_timer_add", &[
                        Value::Route(ids[route as usize]),
                        Value::Sym(FUNCS[func].into()),
                        queues[queue].clone(),
                    ]);
                    prop_assert_eq!(r, Value::Int(0));
                    m.seq += 1;
                    m.timers.insert((route, func), (queue, m.now / m.hz, m.seq));
                }
                Op::Change { queue, timeout } => {
                    call(&mut k, "rt_timer_queue_change", &[queues[queue].clone(), Value::Int(timeout)]);
                    m.timeouts[queue] = timeout;
                }
                Op::RemoveAll { route } => {
                    call(&mut k, "rt_timer_remove_all", &[Value::Route(ids[route as usize])]);
                    m.timers.retain(|&(r, _), _| r != route);
                }
                Op::Advance { ticks } => {
                    k.run_ticks_kernel_only(u64::from(ticks)).unwrap();
                    m.advance(i64::from(ticks));
                }
            }
            for (qi, q) in queues.iter().enumerate() {
                let n = call(&mut k, "rt_timer_count", std::slice::from_ref(q));
                let want = m.timers.values().filter(|v| v.0 == qi).count() as i64;
                prop_assert_eq!(n, Value::Int(want), "count of queue {} after {:?}", qi, op);
            }
        }
        prop_assert_eq!(fired(&k, &ids), m.fired);
        // Whatever is left: each route's netstat Expire is its earliest rtt_time + T + 1.
        for (r, &id) in ids.iter().enumerate() {
            let want = m
                .timers
                .iter()
                .filter(|(&(rt, _), _)| rt == r as u32)
                .map(|(_, &(q, rtt, _))| rtt + m.timeouts[q] + 1)
                .min();
            let row = calls::route::netstat(&k, 0).into_iter().find(|x| x.id == id).unwrap();
            prop_assert_eq!(row.expire, want, "route {}", r);
        }
    }
}

/// The route slots of the key model: (key, prefix length). Three share the key 10.0.0.0 (a
/// host route heads that chain, then /16, then /8); one host elsewhere; the default route.
const SLOTS: [(u32, u8); 5] = [
    (0x0a00_0000, 32),
    (0x0a00_0000, 8),
    (0x0a00_0000, 16),
    (0x0a00_0004, 32),
    (0, 0),
];
/// Timer functions of the key model: two handlers and NULL (delete by key).
const KFUNCS: [&str; 3] = ["fa", "fb", "NULL"];

#[derive(Clone, Debug)]
enum KOp {
    /// rt_timer_add on the n-th (mod count) entry ever created, deleted or not.
    Add {
        entry: usize,
        func: usize,
        queue: usize,
    },
    /// route_delete of a slot (a host slot deletes the head of its key's chain).
    Delete {
        slot: usize,
    },
    /// route_add of a slot (a new entry if it is not in the table).
    Readd {
        slot: usize,
    },
    Advance {
        ticks: u32,
    },
}

fn kop(hz: u32) -> impl Strategy<Value = KOp> {
    prop_oneof![
        4 => (any::<usize>(), 0..KFUNCS.len(), 0..QUEUES)
            .prop_map(|(entry, func, queue)| KOp::Add { entry, func, queue }),
        1 => (0..SLOTS.len()).prop_map(|slot| KOp::Delete { slot }),
        1 => (0..SLOTS.len()).prop_map(|slot| KOp::Readd { slot }),
        3 => (1..=3 * hz).prop_map(|ticks| KOp::Advance { ticks }),
    ]
}

/// The key model: entries (slot, in the table), timers per (entry, func).
struct KeyModel {
    hz: i64,
    now: i64,
    timeouts: [i64; QUEUES],
    entries: Vec<(usize, bool)>,
    timers: BTreeMap<(usize, usize), Entry>,
    seq: u64,
    fired: Vec<(i64, usize, usize)>,
}

impl KeyModel {
    /// The entry in the table that `rn_delete(key, NULL)` takes: with that key, host first,
    /// then the longest prefix; never one whose key is 0 (the end marker heads that chain).
    fn chain_head(&self, key: u32) -> Option<usize> {
        if key == 0 {
            return None;
        }
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, &(s, up))| up && SLOTS[s].0 == key)
            .max_by_key(|(_, &(s, _))| SLOTS[s].1)
            .map(|(i, _)| i)
    }

    fn in_table(&self, slot: usize) -> Option<usize> {
        self.entries.iter().position(|&(s, up)| up && s == slot)
    }

    fn advance(&mut self, n: i64) {
        for _ in 0..n {
            self.now += 1;
            if self.now % self.hz != 0 {
                continue;
            }
            let uptime = self.now / self.hz;
            let mut due: Vec<((usize, usize), Entry)> = self
                .timers
                .iter()
                .filter(|(_, &(q, rtt, _))| rtt + self.timeouts[q] < uptime)
                .map(|(&k, &v)| (k, v))
                .collect();
            due.sort_by_key(|&(_, (q, _, seq))| (std::cmp::Reverse(q), seq));
            for ((e, f), _) in due {
                self.timers.remove(&(e, f));
                self.fired.push((self.now, e, f));
                if KFUNCS[f] == "NULL" {
                    if let Some(h) = self.chain_head(SLOTS[self.entries[e].0].0) {
                        self.entries[h].1 = false;
                    }
                }
            }
        }
    }
}

fn prefix(slot: usize) -> Value {
    let (key, len) = SLOTS[slot];
    if len == 32 {
        Value::Addr(key)
    } else {
        Value::Prefix(key, len)
    }
}

/// Adds slot's route and holds a reference to it for the rest of the run (so a delete leaves
/// it in rttrash with its timers); returns its id.
fn add_referenced(k: &mut Kernel, slot: usize) -> u32 {
    let (key, len) = SLOTS[slot];
    call(k, "route_add", &[prefix(slot), Value::Addr(0xc0a8_0101)]);
    let id = k.rt.rt_lookup_exact(key, len, 0).unwrap();
    for m in ["RT_LOCK", "RT_ADDREF", "RT_UNLOCK"] {
        call(k, m, &[Value::Route(id)]);
    }
    id
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn null_actions_delete_by_key_and_timers_outlive_deletes(
        (hz, phase, timeouts, ops) in prop_oneof![Just(1u32), Just(3), Just(10)].prop_flat_map(|hz| {
            (Just(hz), 0..2 * hz, [0i64..4, 0i64..4], prop::collection::vec(kop(hz), 1..30))
        })
    ) {
        let mut k = Kernel::new();
        k.clock.set_hz(hz as i32).unwrap();
        let mut ids = Vec::new();
        let mut m = KeyModel {
            hz: i64::from(hz),
            now: i64::from(phase),
            timeouts,
            entries: Vec::new(),
            timers: BTreeMap::new(),
            seq: 0,
            fired: Vec::new(),
        };
        for slot in 0..SLOTS.len() {
            ids.push(add_referenced(&mut k, slot));
            m.entries.push((slot, true));
        }
        k.run_ticks_kernel_only(u64::from(phase)).unwrap();
        let queues: Vec<Value> = timeouts
            .iter()
            .map(|&t| call(&mut k, "rt_timer_queue_create", &[Value::Int(t)]))
            .collect();
        for op in &ops {
            match *op {
                KOp::Add { entry, func, queue } => {
                    let e = entry % ids.len();
                    let f = if KFUNCS[func] == "NULL" { Value::Null } else { Value::Sym(KFUNCS[func].into()) };
                    let r = call(&mut k, "rt_timer_add", &[Value::Route(ids[e]), f, queues[queue].clone()]);
                    prop_assert_eq!(r, Value::Int(0));
                    m.seq += 1;
                    m.timers.insert((e, func), (queue, m.now / m.hz, m.seq));
                }
                KOp::Delete { slot } => {
                    let r = call(&mut k, "route_delete", &[prefix(slot)]);
                    let (key, len) = SLOTS[slot];
                    let gone = if len == 32 { m.chain_head(key) } else { m.in_table(slot) };
                    prop_assert_eq!(r, Value::Int(if gone.is_some() { 0 } else { 3 }), "{:?}", op);
                    if let Some(g) = gone {
                        m.entries[g].1 = false;
                    }
                }
                KOp::Readd { slot } => {
                    if m.in_table(slot).is_none() {
                        ids.push(add_referenced(&mut k, slot));
                        m.entries.push((slot, true));
                    }
                }
                KOp::Advance { ticks } => {
                    k.run_ticks_kernel_only(u64::from(ticks)).unwrap();
                    m.advance(i64::from(ticks));
                }
            }
            let up: Vec<bool> = ids.iter().map(|&id| k.rt.entries[id as usize].in_table).collect();
            let want: Vec<bool> = m.entries.iter().map(|e| e.1).collect();
            prop_assert_eq!(up, want, "routes in the table after {:?}", op);
            for (qi, q) in queues.iter().enumerate() {
                let n = call(&mut k, "rt_timer_count", std::slice::from_ref(q));
                let want = m.timers.values().filter(|v| v.0 == qi).count() as i64;
                prop_assert_eq!(n, Value::Int(want), "count of queue {} after {:?}", qi, op);
            }
        }
        let got: Vec<(i64, usize, usize)> = k
            .trace.events
            .iter()
            .filter_map(|e| match &*e.kind {
                EventKind::Fire { via: Via::RtTimer, func, arg, .. } => {
                    let id: u32 = arg.trim_start_matches("rt#").parse().unwrap();
                    let entry = ids.iter().position(|&x| x == id).unwrap();
                    let f = KFUNCS.iter().position(|x| x == func).unwrap();
                    Some((i64::from(e.tick), entry, f))
                }
                _ => None,
            })
            .collect();
        prop_assert_eq!(got, m.fired);
    }
}
