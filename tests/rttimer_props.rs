#![cfg(not(target_arch = "wasm32"))]
//! Random rt_timer_add / rt_timer_queue_change / rt_timer_remove_all / hardclock sequences
//! against a model written from the man page and reference §3.3 only: scans every `hz` ticks
//! from the first queue's creation; at each scan every timer with `rtt_time + timeout <
//! uptime` goes, newest queue first, oldest add first; one timer per (route, function).

use std::collections::BTreeMap;

use hardclock::kernel::route;
use hardclock::kernel::{EventKind, Kernel, Value, Via};
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
            0..hz,
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
    /// Hardclocks at the first queue's creation: scans at armed + n * hz.
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
            if self.now > self.armed && (self.now - self.armed) % self.hz == 0 {
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
    k.events
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
    k.call(name, args)
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
            ids.push(route::rt_lookup_exact(&k, dst, 32, 0).unwrap());
        }
        k.run_ticks(u64::from(phase)).unwrap();
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
                    k.run_ticks(u64::from(ticks)).unwrap();
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
            let row = route::netstat(&k, 0).into_iter().find(|x| x.id == id).unwrap();
            prop_assert_eq!(row.expire, want, "route {}", r);
        }
    }
}
