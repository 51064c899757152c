//! Questions about one moment, answered by running a clone of the machine ahead.
//!
//! The *step* is what the page does next: statement `next`, or, once the script has ended,
//! hardclocks with nothing else happening ([`Horizon::idle_ticks`] of them). Questions about
//! that step (what a call returns, where `timeout_add` leaves a timeout, which same-tick handler
//! runs first, which route a lookup finds) read the step's own events. Questions about a timer
//! armed by the step (when it fires, when an rt_timer entry expires) read the events of the rest
//! of the run too: the statements after it as written, then idle hardclocks, all within
//! [`Horizon::ahead_ticks`]. Nothing here can loop or panic: the scenario's own tick budgets
//! hold, and a step that errs or panics asks nothing.

use super::distractors::{
    question_seed, text_choices, tick_choices, tick_offsets, Rng, TickContext,
};
use super::{Answer, Kind, Question};
use crate::kernel::freebsd::{CalloutEvent, UntimeoutOutcome, CALLOUT_PENDING};
use crate::kernel::openbsd::{level_for, wheel_position, Place, TimeoutEvent, TIMEOUT_ONQUEUE};
use crate::kernel::route::RouteEvent;
use crate::kernel::rttimer::RtTimerEvent;
use crate::kernel::{Event, EventKind, Kernel, Operand, Stmt, Value, Via};
use crate::script::trace::route_dst;
use crate::script::Interp;
use crate::script::Scenario;

/// How far a look-ahead may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Horizon {
    /// Hardclocks of the step after the last statement (1 for a page that steps one tick).
    pub idle_ticks: u64,
    /// Hardclocks the rest of the run may take, statements and idle ones together.
    pub ahead_ticks: u64,
}

impl Horizon {
    /// For a sheet: a question may be settled up to ~11 minutes of a 100 Hz clock later, which
    /// covers the default PMTU timeout of 600 s.
    pub const SHEET: Horizon = Horizon {
        idle_ticks: 70_000,
        ahead_ticks: 200_000,
    };
    /// For a page that steps: the step after the script is one hardclock.
    pub const STEP: Horizon = Horizon {
        idle_ticks: 1,
        ahead_ticks: 70_000,
    };
}

/// What the look-ahead saw.
struct Ahead<'a> {
    sc: &'a Scenario,
    /// The machine at the moment (not changed).
    before: &'a Kernel,
    /// The machine after the step.
    after: Kernel,
    /// Its script after the step, for the rest of the run.
    after_script: Interp,
    /// The step's events.
    step: Vec<Event>,
    next: usize,
    horizon: Horizon,
    seed: u64,
    /// The rest of the run's events, computed on first use.
    rest: Option<Vec<Event>>,
}

/// Every question the kernel can settle about the step from this moment: `k` is the machine
/// before statement `next` of `sc` (or after the last, `next == sc.stmts.len()`). Choices are
/// shuffled with `seed`.
pub fn questions_at(
    sc: &Scenario,
    k: &Kernel,
    it: &Interp,
    next: usize,
    horizon: Horizon,
    seed: u64,
) -> Vec<Question> {
    if k.halted() || next > sc.stmts.len() {
        return Vec::new();
    }
    let mut after = k.clone();
    let mut after_script = it.clone();
    after.trace.events.clear();
    let ran = if next < sc.stmts.len() {
        sc.step(&mut after, &mut after_script, next).is_ok()
    } else {
        idle(
            &mut after,
            &mut after_script,
            horizon.idle_ticks,
            k.clock.elapsed + horizon.idle_ticks,
        )
    };
    if !ran || after.halted() {
        return Vec::new();
    }
    let step = std::mem::take(&mut after.trace.events);
    let mut a = Ahead {
        sc,
        before: k,
        after,
        after_script,
        step,
        next,
        horizon,
        seed,
        rest: None,
    };
    let mut out = Vec::new();
    match sc.stmts.get(next).map(|s| &s.stmt) {
        Some(Stmt::Call { name, args, .. }) => a.call_questions(name, args, &mut out),
        Some(Stmt::Assign { .. }) => {}
        None => {}
    }
    a.tick_questions(&mut out);
    out
}

/// Runs up to `n` idle hardclocks, stopping early once nothing is left to fire (checked every
/// 64 ticks, so a long horizon over an empty machine costs little). False if it panicked.
fn idle(k: &mut Kernel, it: &mut Interp, n: u64, until: u64) -> bool {
    let mut left = n.min(until.saturating_sub(k.clock.elapsed));
    while left > 0 {
        let chunk = left.min(64);
        if it.run_ticks(k, chunk).is_err() {
            return false;
        }
        left -= chunk;
        if nothing_pending(k) {
            break;
        }
    }
    true
}

/// No timeout (but the 1 Hz scanner), callout or rt_timer entry is waiting.
fn nothing_pending(k: &Kernel) -> bool {
    let timeouts =
        k.to.iter()
            .any(|t| t.to_flags & TIMEOUT_ONQUEUE != 0 && t.name != "rt_timer_ch");
    let callouts =
        k.co.callouts()
            .iter()
            .any(|c| c.flags & CALLOUT_PENDING != 0);
    !timeouts && !callouts && k.rtt.timers.is_empty()
}

/// The handler a fire event ran, as the student sees it: `func(arg)`.
/// rt_timer actions are left out: the scanner `rt_timer_timer` runs them, so it always comes first.
fn handler_label(e: &Event) -> Option<String> {
    match &*e.kind {
        EventKind::Fire {
            via: Via::Timeout | Via::Callout,
            func,
            arg,
            ..
        } => Some(format!("{func}({arg})")),
        _ => None,
    }
}

/// The source text of statement `i`, as typed.
fn stmt_text(sc: &Scenario, i: usize) -> String {
    sc.stmts
        .get(i)
        .and_then(|s| sc.src.get(s.span.start..s.span.end))
        .unwrap_or("")
        .trim()
        .to_string()
}

fn ref_name(op: Option<&Operand>) -> Option<String> {
    match op? {
        Operand::Ref(n) | Operand::Ident(n) => Some(n.clone()),
        _ => None,
    }
}

/// The first event index (and event) in `evs` at which the timer `subject` fires.
fn fire_of<'e>(evs: &'e [Event], subject: &Subject) -> Option<&'e Event> {
    let mut due: Option<&str> = None;
    for e in evs {
        match (&*e.kind, subject) {
            (EventKind::Timeout(TimeoutEvent::Due { name, .. }), _) => due = Some(name.as_str()),
            (
                EventKind::Fire {
                    via: Via::Timeout, ..
                },
                Subject::Timeout(t),
            ) if due == Some(t.as_str()) => return Some(e),
            (
                EventKind::Fire {
                    via: Via::Callout,
                    func,
                    arg,
                    ..
                },
                Subject::Callout {
                    func: f, arg: a, ..
                },
            ) if func.as_str() == f && arg.as_str() == a => return Some(e),
            _ => {}
        }
    }
    None
}

/// A timer a fire_tick question can be about.
#[derive(Clone, Debug)]
enum Subject {
    /// An OpenBSD `struct timeout`, by name.
    Timeout(String),
    /// A FreeBSD callout, known by what it calls (the `Fire` event names `func(arg)`).
    Callout {
        name: String,
        func: String,
        arg: String,
    },
}

impl Subject {
    fn name(&self) -> &str {
        match self {
            Subject::Timeout(n) | Subject::Callout { name: n, .. } => n,
        }
    }
}

impl Ahead<'_> {
    fn at_tick(&self) -> i32 {
        self.before.clock.ticks
    }

    fn line(&self) -> u32 {
        self.sc.stmts.get(self.next).map_or(0, |s| s.span.line)
    }

    /// "Before `text` runs (ticks = T)", or the idle step's wording.
    fn when(&self) -> String {
        if self.next < self.sc.stmts.len() {
            format!(
                "ticks = {}. The next statement is `{}`.",
                self.at_tick(),
                stmt_text(self.sc, self.next)
            )
        } else {
            format!(
                "ticks = {}. The scenario has ended; the clock runs on.",
                self.at_tick()
            )
        }
    }

    /// The events of the rest of the run: the statements after the step, then idle hardclocks.
    fn rest(&mut self) -> &[Event] {
        if self.rest.is_none() {
            let mut k = self.after.clone();
            let mut it = self.after_script.clone();
            let until = self.before.clock.elapsed + self.horizon.ahead_ticks;
            for i in self.next + 1..self.sc.stmts.len() {
                if k.clock.elapsed >= until
                    || self.sc.step(&mut k, &mut it, i).is_err()
                    || k.halted()
                {
                    break;
                }
            }
            if !k.halted() {
                idle(&mut k, &mut it, u64::MAX, until);
            }
            self.rest = Some(std::mem::take(&mut k.trace.events));
        }
        self.rest.as_deref().unwrap_or(&[])
    }

    fn question(
        &self,
        kind: Kind,
        subject: &str,
        question: String,
        mut choices: Vec<Answer>,
        answer: Answer,
        explanation: String,
    ) -> Question {
        let mut rng = Rng::new(question_seed(self.seed, self.next, kind, subject));
        rng.shuffle(&mut choices);
        Question {
            kind,
            subject: subject.to_string(),
            at_tick: self.at_tick(),
            stmt: self.next,
            line: self.line(),
            question,
            choices,
            answer,
            explanation,
        }
    }

    /// The value the step's own call returned.
    fn returned(&self, name: &str) -> Option<Value> {
        self.step.iter().rev().find_map(|e| match &*e.kind {
            EventKind::Call {
                name: n,
                ret,
                handler: None,
                ..
            } if n == name => ret.clone(),
            _ => None,
        })
    }

    fn call_questions(&mut self, name: &str, args: &[Operand], out: &mut Vec<Question>) {
        let first = ref_name(args.first());
        match name {
            n if n.starts_with("timeout_add") => {
                if let Some(t) = &first {
                    self.bucket(t, out);
                    self.returns_int(name, t, &[0, 1], out);
                    self.fire_ahead(Subject::Timeout(t.clone()), out);
                }
            }
            "timeout_del" | "callout_stop" | "callout_drain" => {
                if let Some(t) = &first {
                    self.returns_int(name, t, &[0, 1], out);
                }
            }
            "timeout_pending"
            | "timeout_initialized"
            | "timeout_triggered"
            | "callout_pending"
            | "callout_active" => {
                if let Some(t) = &first {
                    let bit = self.flag_bit();
                    self.returns_int(name, t, &[0, bit], out);
                }
            }
            "callout_reset" => {
                if let Some(c) = first {
                    if let Some(s) = self.callout_subject(&c) {
                        self.fire_ahead(s, out);
                    }
                }
            }
            "untimeout" => self.untimeout(out),
            "rtalloc1" | "rtalloc1_fib" => self.rtalloc1(name, out),
            _ => {}
        }
        self.lookup(out);
        self.rt_timer_added(out);
    }

    /// The bit a flag macro tests (from its event), so that both 0 and the bit are offered.
    fn flag_bit(&self) -> i64 {
        self.step
            .iter()
            .find_map(|e| match &*e.kind {
                EventKind::Timeout(TimeoutEvent::FlagRead { bit, .. }) => Some(*bit as i64),
                EventKind::Callout(CalloutEvent::FlagRead { bit, .. }) => Some(*bit as i64),
                _ => None,
            })
            .unwrap_or(1)
    }

    fn returns_int(&self, call: &str, subject: &str, options: &[i64], out: &mut Vec<Question>) {
        let Some(Value::Int(ret)) = self.returned(call) else {
            return;
        };
        let mut choices: Vec<Answer> = vec![Answer::Int(ret)];
        for o in options {
            if !choices.contains(&Answer::Int(*o)) {
                choices.push(Answer::Int(*o));
            }
        }
        let why = self.narrate_step(|k| matches!(k, EventKind::Timeout(_) | EventKind::Callout(_)));
        out.push(self.question(
            Kind::Returns,
            subject,
            format!("{} What does {call}() return?", self.when()),
            choices,
            Answer::Int(ret),
            why,
        ));
    }

    /// The narration of the step's events that `pick` selects, joined.
    fn narrate_step(&self, pick: impl Fn(&EventKind) -> bool) -> String {
        let parts: Vec<String> = self
            .step
            .iter()
            .filter(|e| pick(&e.kind))
            .take(4)
            .map(Event::narrate)
            .collect();
        parts.join(" ")
    }

    /// Where `timeout_add` leaves `t`: `timeout_todo` (a new or earlier deadline) or the bucket
    /// it already sits in (a later one). The tempting wrong answer is the bucket the add would
    /// pick if it bucketed at once, and its neighbours across the 256 boundary.
    fn bucket(&mut self, t: &str, out: &mut Vec<Question>) {
        let Some((place, settle, n, to_time)) = self.step.iter().find_map(|e| match &*e.kind {
            EventKind::Timeout(TimeoutEvent::Added { name, n, to_time }) if name.as_str() == t => {
                Some((Place::Todo, e.narrate(), *n, *to_time))
            }
            EventKind::Timeout(TimeoutEvent::MovedEarlier { name, to_time, .. })
                if name.as_str() == t =>
            {
                Some((
                    Place::Todo,
                    e.narrate(),
                    to_time.wrapping_sub(e.tick),
                    *to_time,
                ))
            }
            EventKind::Timeout(TimeoutEvent::LeftInPlace {
                name, at, to_time, ..
            }) if name.as_str() == t => {
                Some((*at, e.narrate(), to_time.wrapping_sub(e.tick), *to_time))
            }
            _ => None,
        }) else {
            return;
        };
        let wheel_of = |delta: i32| {
            let w = level_for(delta);
            Place::Wheel {
                wheel: w as u8,
                bucket: wheel_position(to_time, w) as u8,
            }
        };
        // Bucketed at once by n (and by n +- 1 across the 256 boundary), or one bucket off.
        let direct = wheel_of(n);
        let Place::Wheel { wheel, bucket } = direct else {
            return;
        };
        let others: Vec<String> = [
            direct,
            wheel_of(n.saturating_add(1)),
            wheel_of(n.saturating_sub(1).max(0)),
            Place::Todo,
            Place::Wheel {
                wheel,
                bucket: bucket.wrapping_add(1),
            },
            Place::Wheel {
                wheel: wheel ^ 1,
                bucket,
            },
        ]
        .iter()
        .map(Place::to_string)
        .collect();
        // How softclock then files it: the first re-bucketing or run of t after the step.
        let later = self.rest().iter().find_map(|e| match &*e.kind {
            EventKind::Timeout(TimeoutEvent::Rebucketed { name, .. })
            | EventKind::Timeout(TimeoutEvent::Due { name, .. })
                if name.as_str() == t =>
            {
                Some(format!("Then, at ticks {}: {}", e.tick, e.narrate()))
            }
            _ => None,
        });
        let answer = place.to_string();
        let explanation = match later {
            Some(l) => format!("{settle} {l}"),
            None => settle,
        };
        out.push(self.question(
            Kind::Bucket,
            t,
            format!(
                "{} Right after this call, where is {t} (to_time {to_time})?",
                self.when()
            ),
            text_choices(&answer, &others),
            Answer::Text(answer.clone()),
            explanation,
        ));
    }

    /// A pending callout's subject (name, and the func/arg its fire will show), if no other
    /// callout calls the same function with the same argument (the fire would be ambiguous).
    fn callout_subject(&self, c: &str) -> Option<Subject> {
        let all = self.after.co.callouts();
        let me = all.iter().find(|v| v.name == c)?;
        let func = me.func.clone()?;
        let same = all
            .iter()
            .filter(|v| v.func.as_deref() == Some(func.as_str()) && v.arg == me.arg)
            .count();
        (same == 1).then(|| Subject::Callout {
            name: c.to_string(),
            func,
            arg: me.arg.clone(),
        })
    }

    fn tick_context(&self, kind: Kind, callout: bool) -> TickContext {
        TickContext {
            kind,
            hz: self.before.clock.hz as i64,
            callwheelsize: self.after.co.callwheelsize() as i64,
            callout,
        }
    }

    /// At which tick the timer the step armed fires (in the step or later in the run).
    fn fire_ahead(&mut self, s: Subject, out: &mut Vec<Question>) {
        let fire = fire_of(&self.step, &s)
            .cloned()
            .or_else(|| fire_of(self.rest(), &s).cloned());
        let Some(fire) = fire else {
            return;
        };
        let deadline = match &s {
            Subject::Timeout(t) => self
                .after
                .to
                .get(t)
                .map(|v| format!("to_time {}", v.to_time)),
            Subject::Callout { name, .. } => self
                .after
                .co
                .callout(name)
                .map(|v| format!("c_time {}", v.c_time)),
        };
        let q = format!(
            "{} After it, {} is pending{}. At which tick does it fire (the scenario goes on as written)?",
            self.when(),
            s.name(),
            deadline.map(|d| format!(" ({d})")).unwrap_or_default()
        );
        self.push_fire(s, &fire, q, out);
    }

    fn push_fire(&self, s: Subject, fire: &Event, q: String, out: &mut Vec<Question>) {
        let callout = matches!(s, Subject::Callout { .. });
        let ctx = self.tick_context(Kind::FireTick, callout);
        let answer = fire.tick as i64;
        out.push(self.question(
            Kind::FireTick,
            s.name(),
            q,
            tick_choices(answer, self.at_tick() as i64, &tick_offsets(ctx)),
            Answer::Int(answer),
            format!("At ticks {}: {}", fire.tick, fire.narrate()),
        ));
    }

    /// What `untimeout(fn, arg, h)` does with its handle: cancel the pooled callout, or nothing.
    fn untimeout(&self, out: &mut Vec<Question>) {
        let Some((e, outcome, func, arg)) = self.step.iter().find_map(|e| match &*e.kind {
            EventKind::Callout(CalloutEvent::Untimeout {
                outcome, func, arg, ..
            }) => Some((e, outcome, func, arg)),
            _ => None,
        }) else {
            return;
        };
        let stops = format!("stops the pending {func}({arg})");
        let nothing_mismatch =
            "nothing: the handle's callout now belongs to another timeout".to_string();
        let nothing_null = "nothing: the handle is a null handle".to_string();
        let nothing_idle = "nothing: that timeout has already fired".to_string();
        let answer = match outcome {
            UntimeoutOutcome::NullHandle => nothing_null.clone(),
            UntimeoutOutcome::Mismatch { .. } => nothing_mismatch.clone(),
            UntimeoutOutcome::Stopped { ret: 1 } => stops.clone(),
            UntimeoutOutcome::Stopped { .. } => nothing_idle.clone(),
        };
        out.push(self.question(
            Kind::Returns,
            "untimeout",
            format!("{} What does untimeout() do?", self.when()),
            text_choices(
                &answer,
                &[stops, nothing_mismatch, nothing_idle, nothing_null],
            ),
            Answer::Text(answer.clone()),
            e.narrate(),
        ));
    }

    /// Routes of the FIB that contain `dst`, in the order they were added (the arena's order:
    /// no sort, which would add a sort routine to the wasm).
    fn covering(&self, dst: u32, fib: u32) -> Vec<String> {
        let live: Vec<u32> = crate::kernel::calls::route::netstat(self.before, fib)
            .into_iter()
            .map(|r| r.id)
            .collect();
        self.before
            .rt
            .entries
            .iter()
            .filter(|e| live.contains(&e.id))
            .filter(|e| {
                let m = e.mask.unwrap_or(32) as u32;
                let mask = if m == 0 { 0 } else { u32::MAX << (32 - m) };
                dst & mask == e.dst
            })
            .map(|e| e.cidr())
            .collect()
    }

    fn first_lookup(&self) -> Option<(&Event, &crate::kernel::route::LookupWalk)> {
        self.step.iter().find_map(|e| match &*e.kind {
            EventKind::Route(RouteEvent::Lookup { walk, .. }) => Some((e, walk)),
            _ => None,
        })
    }

    fn rtalloc1(&self, call: &str, out: &mut Vec<Question>) {
        let ret = match self.returned(call) {
            Some(Value::Route(id)) => route_dst(&self.after, id),
            Some(Value::Null) => "NULL".to_string(),
            _ => return,
        };
        let Some((e, walk)) = self.first_lookup() else {
            return;
        };
        let mut others = self.covering(walk.dst, walk.fib);
        others.reverse(); // the most specific last added first: the "first added" one is tempting too
        others.push("NULL".to_string());
        out.push(self.question(
            Kind::Returns,
            &crate::kernel::value::fmt_addr(walk.dst),
            format!("{} What does {call}() return?", self.when()),
            text_choices(&ret, &others),
            Answer::Text(ret.clone()),
            e.narrate(),
        ));
    }

    /// Which route the step's first lookup finds, and whether it backtracks to find it.
    fn lookup(&self, out: &mut Vec<Question>) {
        let Some((e, walk)) = self.first_lookup() else {
            return;
        };
        let label = |r: &str, back: bool| {
            if back {
                format!("{r}, after backtracking")
            } else {
                format!("{r}, straight down")
            }
        };
        let found = walk.route.map(|id| route_dst(&self.after, id));
        let back = walk.counts().backtracks > 0;
        let answer = match &found {
            Some(r) => label(r, back),
            None => "no route (NULL)".to_string(),
        };
        let mut others = Vec::new();
        if let Some(r) = &found {
            others.push(label(r, !back));
        }
        for r in self.covering(walk.dst, walk.fib) {
            if Some(&r) != found.as_ref() {
                others.push(label(&r, back));
                others.push(label(&r, !back));
            }
        }
        others.push("no route (NULL)".to_string());
        let dst = crate::kernel::value::fmt_addr(walk.dst);
        out.push(self.question(
            Kind::Lookup,
            &dst,
            format!(
                "{} Which route does the lookup of {dst} (FIB {}) find, and does rn_match backtrack?",
                self.when(),
                walk.fib
            ),
            text_choices(&answer, &others),
            Answer::Text(answer.clone()),
            e.narrate(),
        ));
    }

    /// An rt_timer entry the step added: at which tick does its scan take it?
    fn rt_timer_added(&mut self, out: &mut Vec<Question>) {
        let added: Vec<(String, Event)> = self
            .step
            .iter()
            .filter_map(|e| match &*e.kind {
                EventKind::RtTimer(RtTimerEvent::Added { route, .. }) => {
                    Some((route.clone(), e.clone()))
                }
                _ => None,
            })
            .collect();
        for (route, add) in added.into_iter().take(1) {
            let rest = self.rest().to_vec();
            if let Some(q) = self.expiry(&route, &rest, Some(&add)) {
                out.push(q);
            }
        }
    }

    /// The rt_expire question for `route`, settled by the first `Expired` of it in `evs`.
    fn expiry(&self, route: &str, evs: &[Event], added: Option<&Event>) -> Option<Question> {
        let i = evs.iter().position(|e| {
            matches!(&*e.kind, EventKind::RtTimer(RtTimerEvent::Expired { route: r, .. }) if r == route)
        })?;
        let exp = &evs[i];
        let EventKind::RtTimer(RtTimerEvent::Expired {
            rtt_time, timeout, ..
        }) = &*exp.kind
        else {
            return None;
        };
        // Which route leaves: the deletes the action makes (with a NULL action, by key).
        let leaves: Vec<String> = evs[i + 1..]
            .iter()
            .take_while(|e| {
                !matches!(
                    &*e.kind,
                    EventKind::RtTimer(RtTimerEvent::Expired { .. }) | EventKind::Tick { .. }
                )
            })
            .filter(|e| {
                matches!(
                    &*e.kind,
                    EventKind::Route(RouteEvent::Deleted { .. })
                        | EventKind::Route(RouteEvent::DeletedByKey { .. })
                        | EventKind::Route(RouteEvent::DeleteMissing { .. })
                        | EventKind::RtTimer(RtTimerEvent::MtuReset { .. })
                )
            })
            .map(Event::narrate)
            .collect();
        let answer = exp.tick as i64;
        let from = added.map_or(String::new(), |a| a.narrate() + " ");
        let q = format!(
            "{} The rt_timer entry for {route} has rtt_time {rtt_time} and its queue's rtq_timeout is {timeout} s (hz = {}). At which tick does the scan take it?",
            self.when(),
            self.before.clock.hz
        );
        Some(
            self.question(
                Kind::RtExpire,
                route,
                q,
                tick_choices(
                    answer,
                    self.at_tick() as i64,
                    &tick_offsets(self.tick_context(Kind::RtExpire, false)),
                ),
                Answer::Int(answer),
                format!(
                    "{from}At ticks {}: {} {}",
                    exp.tick,
                    exp.narrate(),
                    leaves.join(" ")
                )
                .trim_end()
                .to_string(),
            ),
        )
    }

    /// Questions about the hardclocks of the step: timers pending before it that fire in it,
    /// rt_timer entries that expire in it, and handlers that share a tick.
    fn tick_questions(&mut self, out: &mut Vec<Question>) {
        let ticks = self.after.clock.elapsed - self.before.clock.elapsed;
        if ticks == 0 {
            return;
        }
        if ticks > 1 {
            self.pending_fires(out);
            let routes: Vec<String> = self
                .step
                .iter()
                .filter_map(|e| match &*e.kind {
                    EventKind::RtTimer(RtTimerEvent::Expired { route, .. }) => Some(route.clone()),
                    _ => None,
                })
                .collect();
            let mut seen = Vec::new();
            for r in routes {
                if !seen.contains(&r) {
                    if let Some(q) = self.expiry(&r, &self.step, None) {
                        out.push(q);
                    }
                    seen.push(r);
                }
            }
        }
        self.first_to_fire(out);
    }

    /// Timeouts and callouts pending at the moment that fire during the step.
    fn pending_fires(&mut self, out: &mut Vec<Question>) {
        let mut subjects: Vec<Subject> = self
            .before
            .to
            .iter()
            .filter(|t| t.to_flags & TIMEOUT_ONQUEUE != 0 && t.name != "rt_timer_ch")
            .map(|t| Subject::Timeout(t.name.to_string()))
            .collect();
        let callouts = self.before.co.callouts();
        for c in &callouts {
            let Some(func) = &c.func else { continue };
            let unique = callouts
                .iter()
                .filter(|o| o.func.as_ref() == Some(func) && o.arg == c.arg)
                .count()
                == 1;
            if c.flags & CALLOUT_PENDING != 0 && unique {
                subjects.push(Subject::Callout {
                    name: c.name.clone(),
                    func: func.clone(),
                    arg: c.arg.clone(),
                });
            }
        }
        for s in subjects {
            let Some(fire) = fire_of(&self.step, &s).cloned() else {
                continue;
            };
            let deadline = match &s {
                Subject::Timeout(t) => self
                    .before
                    .to
                    .get(t)
                    .map(|v| format!("to_time {}, in {}", v.to_time, v.place)),
                Subject::Callout { name, .. } => self
                    .before
                    .co
                    .callout(name)
                    .map(|v| format!("c_time {}, callwheel bucket {}", v.c_time, v.bucket)),
            };
            let q = format!(
                "{} {} is pending{}. At which tick does it fire?",
                self.when(),
                s.name(),
                deadline.map(|d| format!(" ({d})")).unwrap_or_default()
            );
            self.push_fire(s, &fire, q, out);
        }
    }

    /// The first tick of the step on which two or more different handlers run: which first?
    fn first_to_fire(&self, out: &mut Vec<Question>) {
        let mut i = 0;
        while i < self.step.len() {
            let tick = self.step[i].tick;
            let mut labels: Vec<String> = Vec::new();
            let mut j = i;
            while j < self.step.len() && self.step[j].tick == tick {
                if let Some(l) = handler_label(&self.step[j]) {
                    if !labels.contains(&l) {
                        labels.push(l);
                    }
                }
                j += 1;
            }
            if labels.len() >= 2 {
                let answer = labels[0].clone();
                // Listed in name order, so the list does not give the answer away.
                let mut shown = labels.clone();
                for i in 1..shown.len() {
                    let mut j = i;
                    while j > 0 && shown[j - 1] > shown[j] {
                        shown.swap(j - 1, j);
                        j -= 1;
                    }
                }
                let why: Vec<String> = self.step[i..j]
                    .iter()
                    .filter(|e| {
                        matches!(
                            &*e.kind,
                            EventKind::Fire { .. }
                                | EventKind::Timeout(TimeoutEvent::Cascade { .. })
                                | EventKind::Timeout(TimeoutEvent::Splice { .. })
                                | EventKind::Callout(CalloutEvent::Scan { .. })
                        )
                    })
                    .take(6)
                    .map(Event::narrate)
                    .collect();
                out.push(self.question(
                    Kind::FirstToFire,
                    &answer,
                    format!(
                        "{} At tick {tick} these handlers all run: {}. Which runs first?",
                        self.when(),
                        shown.join(", ")
                    ),
                    text_choices(&answer, &labels[1..]),
                    Answer::Text(answer.clone()),
                    why.join(" "),
                ));
                return;
            }
            i = j.max(i + 1);
        }
    }
}
