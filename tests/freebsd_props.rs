#![cfg(not(target_arch = "wasm32"))]
//! Property tests: the FreeBSD callwheel (and the 4.4BSD calltodo list) against a deliberately
//! naive model that knows nothing about buckets, laps or delta lists.
//!
//! The model keeps, for every live timer, its absolute deadline and the sequence number of the
//! call that armed it. At each tick it runs the timers whose deadline is that tick: FIFO by
//! sequence number on the callwheel (order of the last `callout_reset`), LIFO for 4.4BSD
//! `timeout()`. The legacy pool is a plain stack of slot numbers.
//!
//! On the callwheel the script may also hold Giant (recursively). Then softclock stops at the
//! first due callout that needs Giant (c0, c2 and the pool are not MPSAFE) and everything due
//! behind it waits, still pending. It goes on when Giant is free again: at once inside the
//! script's last `mtx_unlock(&Giant)` (`turnstile_unpend`, issue #15 item 2), or when a
//! `callout_drain` of the waiting callout sleeps, since the sleep drops Giant (DROP_GIANT in
//! `msleep_spin`, item 1) and takes it back after. `callout_stop` or `callout_reset` of the
//! waiting callout cancel its call (`curr_cancelled`, `_callout_stop_safe` returns 1).

#[path = "common/ast.rs"]
mod ast;
#[path = "common/scenario.rs"]
mod scenario;

use ast::{call_to, ident, int, obj as r};
use hardclock::kernel::freebsd::Thread;
use hardclock::kernel::{Kernel, KernelError, Operand, Stmt, Target, Value};
use hardclock::script::Interp;
use proptest::prelude::*;
use scenario::callout_fires as kernel_fires;

const NAMED: usize = 4;
const HANDLES: usize = 4;

#[derive(Clone, Debug)]
enum Op {
    Reset {
        c: usize,
        n: i64,
        f: usize,
        a: i64,
    },
    Stop {
        c: usize,
    },
    Drain {
        c: usize,
    },
    Timeout {
        h: usize,
        f: usize,
        a: i64,
        n: i64,
    },
    Untimeout {
        h: usize,
        f: usize,
        a: i64,
    },
    Hardclock {
        n: u32,
    },
    /// The script's `mtx_lock(&Giant)` / `mtx_unlock(&Giant)` (callwheel runs only).
    LockGiant,
    UnlockGiant,
}

fn op(max_delay: i64, giant: u32) -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..NAMED, -2..=max_delay, 0..2usize, 0..3i64)
            .prop_map(|(c, n, f, a)| Op::Reset { c, n, f, a }),
        1 => (0..NAMED).prop_map(|c| Op::Stop { c }),
        1 => (0..NAMED).prop_map(|c| Op::Drain { c }),
        3 => (0..HANDLES, 0..2usize, 0..3i64, -2..=max_delay)
            .prop_map(|(h, f, a, n)| Op::Timeout { h, f, a, n }),
        2 => (0..HANDLES, 0..2usize, 0..3i64).prop_map(|(h, f, a)| Op::Untimeout { h, f, a }),
        3 => (1..=max_delay as u32).prop_map(|n| Op::Hardclock { n }),
        giant => Just(Op::LockGiant),
        giant => Just(Op::UnlockGiant),
    ]
}

// ---- the model --------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
struct Timer {
    deadline: i32,
    seq: u64,
    func: String,
    arg: i64,
}

/// A due callout softclock has dequeued but cannot call: it waits for the Giant the script holds.
#[derive(Clone, Debug)]
struct Waiting {
    /// The named callout (`curr_callout`), None for a pooled one (already back on callfree).
    named: Option<usize>,
    func: String,
    arg: i64,
    /// `curr_cancelled`: stopped or reset meanwhile, so softclock will not call it.
    cancelled: bool,
}

struct Model {
    calltodo: bool,
    ticks: i32,
    /// The last tick whose bucket softclock has finished.
    walked: i32,
    /// How deep the script holds Giant.
    giant: u32,
    waiting: Option<Waiting>,
    seq: u64,
    named: Vec<Option<Timer>>,
    /// Callwheel pool: slot -> live timer; free stack, top last.
    slots: Vec<Option<Timer>>,
    free: Vec<usize>,
    /// 4.4BSD: live legacy timers and the table size.
    todo: Vec<Timer>,
    ncallout: usize,
    handles: Vec<Option<usize>>,
    fired: Vec<(i32, String, String)>,
}

impl Model {
    fn new(ncallout: usize, start: i32, calltodo: bool) -> Model {
        Model {
            calltodo,
            ticks: start,
            walked: start,
            giant: 0,
            waiting: None,
            seq: 0,
            named: vec![None; NAMED],
            slots: vec![None; ncallout],
            free: (0..ncallout).collect(),
            todo: Vec::new(),
            ncallout,
            handles: vec![None; HANDLES],
            fired: Vec::new(),
        }
    }

    fn arm(&mut self, n: i64, func: String, arg: i64) -> Timer {
        self.seq += 1;
        Timer {
            deadline: self.ticks.wrapping_add(n.max(1) as i32),
            seq: self.seq,
            func,
            arg,
        }
    }

    /// Returns the expected return value, or Err(panic message).
    fn apply(&mut self, op: &Op) -> Result<Option<i64>, String> {
        match *op {
            Op::Reset { c, n, f, a } => {
                if let Some(w) = self.waiting_on(c) {
                    w.cancelled = true;
                }
                self.named[c] = Some(self.arm(n, format!("f{f}"), a));
                Ok(None)
            }
            Op::Stop { c } => {
                if self.named[c].take().is_some() {
                    return Ok(Some(1));
                }
                // Dequeued, waiting for the Giant this thread holds: the call is cancelled.
                match self.waiting_on(c) {
                    Some(w) if !w.cancelled => {
                        w.cancelled = true;
                        Ok(Some(1))
                    }
                    _ => Ok(Some(0)),
                }
            }
            Op::Drain { c } => {
                if self.named[c].take().is_some() {
                    return Ok(Some(1));
                }
                if self.waiting_on(c).is_some() {
                    // The drain sleeps: DROP_GIANT, softclock runs at once, PICKUP_GIANT.
                    let held = std::mem::take(&mut self.giant);
                    self.softclock();
                    self.giant = held;
                }
                Ok(Some(0))
            }
            Op::LockGiant => {
                self.giant += 1;
                Ok(None)
            }
            Op::UnlockGiant => {
                self.giant -= 1;
                if self.giant == 0 {
                    self.softclock();
                }
                Ok(None)
            }
            Op::Timeout { h, f, a, n } => {
                let t = self.arm(n, format!("g{f}"), a);
                if self.calltodo {
                    if self.todo.len() == self.ncallout {
                        return Err("timeout table full".into());
                    }
                    self.todo.push(t);
                    return Ok(None);
                }
                let slot = self.free.pop().ok_or("timeout table full")?;
                self.slots[slot] = Some(t);
                self.handles[h] = Some(slot);
                Ok(None)
            }
            Op::Untimeout { h, f, a } => {
                let func = format!("g{f}");
                if self.calltodo {
                    // First match in list order: earliest deadline, newest among equals.
                    let now = self.ticks;
                    let best = self
                        .todo
                        .iter()
                        .enumerate()
                        .filter(|(_, t)| t.func == func && t.arg == a)
                        .min_by_key(|(_, t)| {
                            (t.deadline.wrapping_sub(now), std::cmp::Reverse(t.seq))
                        })
                        .map(|(i, _)| i);
                    if let Some(i) = best {
                        self.todo.remove(i);
                    }
                    return Ok(None);
                }
                if let Some(slot) = self.handles[h] {
                    let hit = matches!(&self.slots[slot], Some(t) if t.func == func && t.arg == a);
                    if hit {
                        self.slots[slot] = None;
                        self.free.push(slot);
                    }
                }
                Ok(None)
            }
            Op::Hardclock { n } => {
                for _ in 0..n {
                    self.tick();
                }
                Ok(None)
            }
        }
    }

    fn waiting_on(&mut self, c: usize) -> Option<&mut Waiting> {
        self.waiting.as_mut().filter(|w| w.named == Some(c))
    }

    /// The callwheel part of softclock: the waiting callout first, then every due callout of
    /// every tick not walked yet, in (tick, last reset) order, stopping at one that needs the
    /// Giant the script holds.
    fn softclock(&mut self) {
        loop {
            if let Some(w) = &self.waiting {
                if self.giant > 0 {
                    return;
                }
                if !w.cancelled {
                    self.fired
                        .push((self.ticks, w.func.clone(), w.arg.to_string()));
                }
                self.waiting = None;
            }
            if self.walked == self.ticks {
                return;
            }
            let t = self.walked.wrapping_add(1);
            let named = self
                .named
                .iter()
                .enumerate()
                .filter_map(|(c, x)| x.as_ref().map(|x| (x.seq, Some(c), None, x.deadline)));
            let pooled = self
                .slots
                .iter()
                .enumerate()
                .filter_map(|(i, x)| x.as_ref().map(|x| (x.seq, None, Some(i), x.deadline)));
            let next = named
                .chain(pooled)
                .filter(|x| x.3 == t)
                .min_by_key(|x| x.0)
                .map(|x| (x.1, x.2));
            let Some((c, slot)) = next else {
                self.walked = t;
                continue;
            };
            let timer = match (c, slot) {
                (Some(c), _) => self.named[c].take().unwrap(),
                (None, Some(i)) => {
                    self.free.push(i);
                    self.slots[i].take().unwrap()
                }
                _ => unreachable!(),
            };
            // callout_init(&cN, N % 2): c0, c2 and the pool are not MPSAFE.
            let needs_giant = c.is_none_or(|c| c % 2 == 0);
            if needs_giant && self.giant > 0 {
                self.waiting = Some(Waiting {
                    named: c,
                    func: timer.func,
                    arg: timer.arg,
                    cancelled: false,
                });
            } else {
                self.fired
                    .push((self.ticks, timer.func, timer.arg.to_string()));
            }
        }
    }

    fn tick(&mut self) {
        self.ticks = self.ticks.wrapping_add(1);
        if !self.calltodo {
            self.softclock();
            return;
        }
        let now = self.ticks;
        // 4.4BSD entries first (softclock pops calltodo before walking the wheel), LIFO.
        let mut todo: Vec<Timer> = self
            .todo
            .iter()
            .filter(|t| t.deadline == now)
            .cloned()
            .collect();
        self.todo.retain(|t| t.deadline != now);
        todo.sort_by_key(|t| std::cmp::Reverse(t.seq));
        for t in todo {
            self.fired.push((now, t.func, t.arg.to_string()));
        }
        // The callwheel: named callouts and pool slots together, FIFO by last reset.
        let mut due: Vec<(u64, Option<usize>, Timer)> = Vec::new();
        for slot in self.named.iter_mut() {
            if matches!(slot, Some(t) if t.deadline == now) {
                let t = slot.take().unwrap();
                due.push((t.seq, None, t));
            }
        }
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if matches!(slot, Some(t) if t.deadline == now) {
                let t = slot.take().unwrap();
                due.push((t.seq, Some(i), t));
            }
        }
        due.sort_by_key(|d| d.0);
        for (_, slot, t) in due {
            if let Some(s) = slot {
                self.free.push(s);
            }
            self.fired.push((now, t.func, t.arg.to_string()));
        }
        self.walked = now;
    }
}

// ---- driving the kernel -----------------------------------------------------------------------

fn stmt(name: &str, target: Option<&str>, args: Vec<Operand>) -> Stmt {
    call_to(target, name, args)
}

fn lower(op: &Op, calltodo: bool) -> Stmt {
    match *op {
        Op::Reset { c, n, f, a } => stmt(
            "callout_reset",
            None,
            vec![r(&format!("c{c}")), int(n), ident(&format!("f{f}")), int(a)],
        ),
        Op::Stop { c } => stmt("callout_stop", None, vec![r(&format!("c{c}"))]),
        Op::Drain { c } => stmt("callout_drain", None, vec![r(&format!("c{c}"))]),
        Op::Timeout { h, f, a, n } => stmt(
            "timeout",
            Some(&format!("h{h}")),
            vec![ident(&format!("g{f}")), int(a), int(n)],
        ),
        // 4.4BSD's untimeout(ftn, arg) has no handle.
        Op::Untimeout { f, a, .. } if calltodo => {
            stmt("untimeout", None, vec![ident(&format!("g{f}")), int(a)])
        }
        Op::Untimeout { h, f, a } => stmt(
            "untimeout",
            None,
            vec![ident(&format!("g{f}")), int(a), ident(&format!("h{h}"))],
        ),
        Op::Hardclock { n } => stmt("hardclock", None, vec![int(n as i64)]),
        Op::LockGiant => stmt("mtx_lock", None, vec![r("Giant")]),
        Op::UnlockGiant => stmt("mtx_unlock", None, vec![r("Giant")]),
    }
}

fn boot(ncallout: usize, start: i32, calltodo: bool) -> (Kernel, Interp) {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    let set = |k: &mut Kernel, it: &mut Interp, v: &str, n: i64| {
        it.exec(
            k,
            &Stmt::Assign {
                line: 1,
                target: Target::Var(v.into()),
                value: int(n),
            },
        )
        .unwrap();
    };
    set(&mut k, &mut it, "ncallout", ncallout as i64);
    set(&mut k, &mut it, "ticks", start as i64);
    set(&mut k, &mut it, "callout_impl", calltodo as i64);
    for c in 0..NAMED {
        it.exec(
            &mut k,
            &stmt(
                "callout_init",
                None,
                vec![r(&format!("c{c}")), int((c % 2) as i64)],
            ),
        )
        .unwrap();
    }
    for h in 0..HANDLES {
        it.exec(
            &mut k,
            &stmt("callout_handle_init", None, vec![r(&format!("h{h}"))]),
        )
        .unwrap();
    }
    (k, it)
}

fn check(ncallout: usize, start: i32, calltodo: bool, ops: &[Op]) -> Result<(), TestCaseError> {
    let (mut k, mut it) = boot(ncallout, start, calltodo);
    let mut m = Model::new(ncallout, start, calltodo);
    for (i, op) in ops.iter().enumerate() {
        if matches!(op, Op::UnlockGiant) && m.giant == 0 {
            continue; // not held: the kernel would panic, which is not what is tested here
        }
        let want = m.apply(op);
        let got = it.exec(&mut k, &lower(op, calltodo));
        match (want, got) {
            (Err(msg), Err(e)) => {
                prop_assert_eq!(e, KernelError::Panic(msg));
                break;
            }
            (Ok(ret), Ok(v)) => {
                if let Some(ret) = ret {
                    prop_assert_eq!(v, Value::Int(ret), "op {} {:?}", i, op);
                }
            }
            (w, g) => prop_assert!(false, "op {i} {op:?}: model {w:?}, kernel {g:?}"),
        }
        prop_assert_eq!(k.clock.ticks, m.ticks);
        prop_assert_eq!(kernel_fires(&k), m.fired.clone(), "after op {} {:?}", i, op);
        let giant =
            k.co.mutexes()
                .into_iter()
                .find(|(name, _, _)| name == "Giant")
                .map(|(_, owner, recurse)| (owner, recurse + 1));
        prop_assert_eq!(giant, (m.giant > 0).then_some((Thread::Script, m.giant)));
        prop_assert_eq!(
            k.co.running().is_some(),
            m.waiting.is_some(),
            "softclock waits for Giant after op {} {:?}",
            i,
            op
        );
    }
    if k.panic.is_none() {
        for c in 0..NAMED {
            let pending = k.co.callout(&format!("c{c}")).unwrap().flags
                & hardclock::kernel::freebsd::CALLOUT_PENDING
                != 0;
            prop_assert_eq!(pending, m.named[c].is_some(), "c{} pending", c);
        }
        if !calltodo {
            let free: Vec<u32> = m.free.iter().rev().map(|&s| s as u32).collect();
            prop_assert_eq!(k.co.free_list(), free, "callfree order");
        }
    }
    Ok(())
}

fn start_ticks() -> impl Strategy<Value = i32> {
    prop_oneof![Just(0), Just(i32::MAX - 30), any::<i32>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn callwheel_matches_the_naive_model(
        ncallout in 1usize..=16,
        start in start_ticks(),
        ops in prop::collection::vec(op(56, 2), 1..40),
    ) {
        check(ncallout, start, false, &ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn calltodo_matches_the_naive_model(
        ncallout in 1usize..=8,
        start in start_ticks(),
        ops in prop::collection::vec(op(24, 0), 1..40),
    ) {
        check(ncallout, start, true, &ops)?;
    }
}
