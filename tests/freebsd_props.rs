#![cfg(not(target_arch = "wasm32"))]
//! Property tests: the FreeBSD callwheel (and the 4.4BSD calltodo list) against a deliberately
//! naive model that knows nothing about buckets, laps or delta lists.
//!
//! The model keeps, for every live timer, its absolute deadline and the sequence number of the
//! call that armed it. At each tick it runs the timers whose deadline is that tick: FIFO by
//! sequence number on the callwheel (order of the last `callout_reset`), LIFO for 4.4BSD
//! `timeout()`. The legacy pool is a plain stack of slot numbers.

use hardclock::kernel::{EventKind, Kernel, KernelError, Operand, Stmt, Target, Value, Via};
use proptest::prelude::*;

const NAMED: usize = 4;
const HANDLES: usize = 4;

#[derive(Clone, Debug)]
enum Op {
    Reset { c: usize, n: i64, f: usize, a: i64 },
    Stop { c: usize },
    Drain { c: usize },
    Timeout { h: usize, f: usize, a: i64, n: i64 },
    Untimeout { h: usize, f: usize, a: i64 },
    Hardclock { n: u32 },
}

fn op(max_delay: i64) -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..NAMED, -2..=max_delay, 0..2usize, 0..3i64)
            .prop_map(|(c, n, f, a)| Op::Reset { c, n, f, a }),
        1 => (0..NAMED).prop_map(|c| Op::Stop { c }),
        1 => (0..NAMED).prop_map(|c| Op::Drain { c }),
        3 => (0..HANDLES, 0..2usize, 0..3i64, -2..=max_delay)
            .prop_map(|(h, f, a, n)| Op::Timeout { h, f, a, n }),
        2 => (0..HANDLES, 0..2usize, 0..3i64).prop_map(|(h, f, a)| Op::Untimeout { h, f, a }),
        3 => (1..=max_delay as u32).prop_map(|n| Op::Hardclock { n }),
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

struct Model {
    calltodo: bool,
    ticks: i32,
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
                self.named[c] = Some(self.arm(n, format!("f{f}"), a));
                Ok(None)
            }
            Op::Stop { c } | Op::Drain { c } => Ok(Some(self.named[c].take().is_some() as i64)),
            Op::Timeout { h, f, a, n } => {
                let t = self.arm(n, format!("g{f}"), a);
                if self.calltodo {
                    if self.todo.len() == self.ncallout {
                        return Err("timeout table overflow".into());
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

    fn tick(&mut self) {
        self.ticks = self.ticks.wrapping_add(1);
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
    }
}

// ---- driving the kernel -----------------------------------------------------------------------

fn stmt(name: &str, target: Option<&str>, args: Vec<Operand>) -> Stmt {
    Stmt::Call {
        line: 1,
        target: target.map(|t| Target::Var(t.into())),
        name: name.into(),
        args,
    }
}
fn int(n: i64) -> Operand {
    Operand::Lit(Value::Int(n))
}
fn r(s: &str) -> Operand {
    Operand::Ref(s.into())
}
fn ident(s: &str) -> Operand {
    Operand::Ident(s.into())
}

fn lower(op: &Op) -> Stmt {
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
        Op::Untimeout { h, f, a } => stmt(
            "untimeout",
            None,
            vec![ident(&format!("g{f}")), int(a), ident(&format!("h{h}"))],
        ),
        Op::Hardclock { n } => stmt("hardclock", None, vec![int(n as i64)]),
    }
}

fn boot(ncallout: usize, start: i32, calltodo: bool) -> Kernel {
    let mut k = Kernel::new();
    let set = |k: &mut Kernel, v: &str, n: i64| {
        k.exec(&Stmt::Assign {
            line: 1,
            target: Target::Var(v.into()),
            value: int(n),
        })
        .unwrap();
    };
    set(&mut k, "ncallout", ncallout as i64);
    set(&mut k, "ticks", start as i64);
    set(&mut k, "callout_impl", calltodo as i64);
    for c in 0..NAMED {
        k.exec(&stmt(
            "callout_init",
            None,
            vec![r(&format!("c{c}")), int((c % 2) as i64)],
        ))
        .unwrap();
    }
    for h in 0..HANDLES {
        k.exec(&stmt(
            "callout_handle_init",
            None,
            vec![r(&format!("h{h}"))],
        ))
        .unwrap();
    }
    k
}

fn kernel_fires(k: &Kernel) -> Vec<(i32, String, String)> {
    k.events
        .iter()
        .filter_map(|e| match &*e.kind {
            EventKind::Fire {
                via: Via::Callout,
                func,
                arg,
                ..
            } => Some((e.tick, func.to_string(), arg.to_string())),
            _ => None,
        })
        .collect()
}

fn check(ncallout: usize, start: i32, calltodo: bool, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut k = boot(ncallout, start, calltodo);
    let mut m = Model::new(ncallout, start, calltodo);
    for (i, op) in ops.iter().enumerate() {
        let want = m.apply(op);
        let got = k.exec(&lower(op));
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
        ops in prop::collection::vec(op(56), 1..40),
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
        ops in prop::collection::vec(op(24), 1..40),
    ) {
        check(ncallout, start, true, &ops)?;
    }
}
