//! All UI state and the actions that change it, as one reducer (yew's `function_todomvc` shape).
//!
//! This file is plain Rust so that it is tested natively; the Yew glue (`Reducible`) lives in
//! `app.rs`. Components only dispatch [`Action`]s; timers (play) only dispatch `Advance`.
//!
//! Step back is exact because the state is a pure function of the scenario and the *tape*: the
//! list of steps taken since it was loaded (a statement, a run of hardclocks, a console line).
//! Going back `k` steps replays the tape from the nearest [`Snapshot`] (one is kept every
//! [`SNAPSHOT_EVERY`] steps, and at least one step per timer apart so that a big kernel is not
//! copied every few frames; thinned out as the run grows so memory stays bounded). One
//! *step* is one statement, one console line or one hardclock.
//!
//! A *micro-step* runs a whole step on the machine but reveals its events one at a time: the
//! narration, the event log and the highlights read [`State::revealed`] and
//! [`State::visible_log`], which stop at a cursor into the step's events. The tape still holds
//! whole steps, so step back stays exact.

use std::cell::OnceCell;
use std::rc::Rc;

use super::catalog::{preset_with_source, DEFAULT_PRESET};
use super::hash;
use super::lesson::{lesson_views, Timeline};
use super::view::View;
use crate::import::routes::import;
use crate::kernel::openbsd::{Place, TimeoutEvent};
use crate::kernel::route::rtentry::RT_MAXFIBS;
use crate::kernel::route::RouteEvent;
use crate::kernel::{Event, EventKind, Kernel, MAX_EVENTS};
use crate::script::interp::MAX_HANDLER_STATEMENTS;
use crate::script::limits::MAX_TICKS_PER_RUN;
use crate::script::presets;
use crate::script::{
    hardclock_count, run_console_line, Interp, Outcome, Scenario, ScriptError, Stop,
};

/// Steps between two snapshots at first.
pub const SNAPSHOT_EVERY: u64 = 256;
/// More snapshots than this and every other one is dropped (and the interval doubled).
pub const MAX_SNAPSHOTS: usize = 96;
/// "Run to next" gives up after this many hardclocks.
pub const SEARCH_TICKS: u64 = 100_000;
/// The most hardclocks one action may run (run N, jump).
pub const MAX_ACTION_TICKS: u64 = 1_000_000;
/// The most statements handler bodies may run in one action of the page that runs
/// hardclocks (run N, a play advance, a jump, run to next): the kernel's own budget
/// ([`MAX_HANDLER_STATEMENTS`]) is renewed before each of the page's hardclocks (see
/// [`Kernel::renew_budgets`]), so this is what keeps a jump of a million busy ticks from
/// freezing the tab. The action stops early, between two hardclocks, with a notice; the ticks
/// that ran are on the tape, so a replay runs exactly them.
pub const MAX_ACTION_STATEMENTS: u64 = MAX_HANDLER_STATEMENTS;
/// Events kept in the log panel.
pub const LOG_CAP: usize = 400;
/// Events of the latest action kept for the narration and highlights.
pub const LAST_CAP: usize = 64;
/// Rows of the timer table shown at once (a page; 10,000 rows would be 100,000 elements).
pub const TIMER_ROWS: usize = 50;
/// Rows of each FIB's route table shown at once: an imported table has thousands of routes,
/// and a row per route on every step would make each step's render as long as the table.
pub const ROUTE_ROWS: usize = 50;
/// Play speeds offered, in ticks per second.
pub const SPEEDS: [u32; 4] = [1, 10, 100, 1000];

/// The example shown when the page has no scenario in its URL.
pub const DEFAULT_SCENARIO: &str = "\
# OpenBSD timeout(9): three timeouts on the 4x256 wheel.
timeout_set(&t1, arp_expire, rt1)
timeout_set(&t2, tcp_rexmt, tp)
timeout_set(&t3, nd6_timer, NULL)
timeout_add(&t1, 10)     # due within 256 ticks: wheel 0
timeout_add(&t2, 100)
timeout_add(&t3, 300)    # wheel 1 until the cascade at tick 256
hardclock(256)           # wheel 0 wraps: wheel 1 bucket 1 cascades
hardclock(50)            # t3 fires at tick 300
";

/// One recorded step group of the tape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Statement `i` of the scenario.
    Stmt(usize),
    /// That many hardclocks (consecutive runs are merged).
    Ticks(u64),
    /// A console line, with its number in the console.
    Console(String, u32),
}

impl Op {
    fn steps(&self) -> u64 {
        match self {
            Op::Ticks(n) => *n,
            _ => 1,
        }
    }
}

/// What "run to next" looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Milestone {
    /// A higher-wheel bucket spliced onto `timeout_todo`.
    Cascade,
    /// Any handler run (timeout, callout, rt_timer).
    Fire,
    /// A route added, deleted, changed or freed.
    RouteChange,
}

impl Milestone {
    pub fn label(self) -> &'static str {
        match self {
            Milestone::Cascade => "cascade",
            Milestone::Fire => "expiry",
            Milestone::RouteChange => "route change",
        }
    }

    fn matches(self, e: &Event) -> bool {
        match (self, &*e.kind) {
            (Milestone::Cascade, EventKind::Timeout(TimeoutEvent::Cascade { .. })) => true,
            (Milestone::Fire, EventKind::Fire { .. }) => true,
            (Milestone::RouteChange, EventKind::Route(r)) => matches!(
                r,
                RouteEvent::Added { .. }
                    | RouteEvent::Deleted { .. }
                    | RouteEvent::Changed { .. }
                    | RouteEvent::Freed { .. }
                    | RouteEvent::Closed { .. }
                    | RouteEvent::Revived { .. }
            ),
            _ => false,
        }
    }
}

/// The simulated machine plus what the page remembers of its past.
#[derive(Clone, Debug, Default)]
pub struct Machine {
    /// Its `events` are drained after every step into `log` and `last`.
    pub kernel: Kernel,
    /// The script on it: variables and handler bodies (a snapshot copies both).
    pub interp: Interp,
    /// Index of the next scenario statement.
    pub next_stmt: usize,
    /// The latest events, oldest first (at most [`LOG_CAP`]).
    pub log: Vec<Event>,
    /// The events of the latest action (at most the last [`LAST_CAP`]).
    pub last: Vec<Event>,
    /// For each event of `last`, its number among all events ever logged (0 = the first).
    pub last_seq: Vec<u64>,
    /// How many events have been logged since boot (`log` holds the newest of them).
    pub logged: u64,
}

impl Machine {
    fn drain(&mut self) {
        let ev = std::mem::take(&mut self.kernel.trace.events);
        push_capped(&mut self.log, &ev, LOG_CAP);
        let first = self.logged;
        self.logged += ev.len() as u64;
        // For the narration, a run of plain ticks only needs its last tick: keep a tick when
        // something happened during it or it is the newest event. Only the newest LAST_CAP
        // kept events stay, so they are picked from the end (a play advance with 10,000
        // timers logs thousands of events, and copying each one would cost more than the rest).
        let last = std::mem::take(&mut self.last);
        let seqs = std::mem::take(&mut self.last_seq);
        let all = last.len() + ev.len();
        let at = |i: usize| -> (&Event, u64) {
            if i < last.len() {
                (&last[i], seqs[i])
            } else {
                (&ev[i - last.len()], first + (i - last.len()) as u64)
            }
        };
        let is_tick = |e: &Event| matches!(*e.kind, EventKind::Tick { .. });
        let mut kept: Vec<(Event, u64)> = Vec::with_capacity(LAST_CAP.min(all));
        for i in (0..all).rev() {
            if kept.len() == LAST_CAP {
                break;
            }
            let (e, n) = at(i);
            let plain_run = is_tick(e) && i + 1 < all && is_tick(at(i + 1).0);
            if !plain_run {
                kept.push((e.clone(), n));
            }
        }
        kept.reverse();
        (self.last, self.last_seq) = kept.into_iter().unzip();
    }

    /// The latest action's events and their numbers, taken out.
    fn take_last(&mut self) -> (Vec<Event>, Vec<u64>) {
        (
            std::mem::take(&mut self.last),
            std::mem::take(&mut self.last_seq),
        )
    }

    fn put_last(&mut self, (last, seq): (Vec<Event>, Vec<u64>)) {
        self.last = last;
        self.last_seq = seq;
    }

    /// Forgets the latest action's events (a new action begins).
    fn clear_last(&mut self) {
        self.last.clear();
        self.last_seq.clear();
    }

    /// Runs up to `n` hardclocks, stopping after a panic or when `stop` matches an event.
    /// Returns how many ran (the panicking one included) and whether `stop` matched.
    fn ticks(&mut self, n: u64, stop: Option<Milestone>, work: Option<&mut u64>) -> (u64, bool) {
        let r = self.ticks_undrained(n, stop, work);
        self.drain();
        r
    }

    /// [`Machine::ticks`] without the final drain: the last events stay in the kernel, so a
    /// snapshot taken here and run on drains at exactly the points an unbroken run would.
    ///
    /// `work`: the handler statements the action may still run (see
    /// [`MAX_ACTION_STATEMENTS`]); the run stops after the hardclock that uses them up, and
    /// `work` is then 0. A replay passes None: it runs the ticks the tape recorded.
    fn ticks_undrained(
        &mut self,
        n: u64,
        stop: Option<Milestone>,
        mut work: Option<&mut u64>,
    ) -> (u64, bool) {
        let mut ran = 0;
        while ran < n && !self.kernel.halted() && work.as_deref() != Some(&0) {
            page_hardclock(&mut self.kernel, &mut self.interp);
            ran += 1;
            if let Some(left) = work.as_deref_mut() {
                *left = left.saturating_sub(self.interp.handler_stmts);
            }
            let hit = stop.is_some_and(|m| self.kernel.trace.events.iter().any(|e| m.matches(e)));
            if hit || self.kernel.trace.events.len() > 1024 {
                self.drain();
            }
            if hit {
                return (ran, true);
            }
        }
        (ran, false)
    }

    /// Runs the next statement; `Ok(true)` when `stop` matched one of its events. After an
    /// `Err` the kernel may be half-way through the statement: the caller puts it back with
    /// [`State::rewind`] (copying a kernel of 10,000 timeouts before every statement would make
    /// a long script quadratic).
    fn stmt(&mut self, sc: &Scenario, stop: Option<Milestone>) -> Result<bool, ScriptError> {
        match sc.step(&mut self.kernel, &mut self.interp, self.next_stmt) {
            Ok(_) | Err(Stop::Panicked(_)) => {
                self.next_stmt += 1;
                let hit =
                    stop.is_some_and(|m| self.kernel.trace.events.iter().any(|e| m.matches(e)));
                self.drain();
                Ok(hit)
            }
            Err(Stop::Error(e)) => Err(e),
        }
    }

    fn console(&mut self, line: &str, line_no: u32) -> Outcome {
        let out = run_console_line(&mut self.kernel, &mut self.interp, line, line_no);
        self.drain();
        out.outcome
    }

    /// Replays one recorded op (or the first `limit` steps of it).
    fn replay(&mut self, sc: &Scenario, op: &Op, limit: u64) {
        match op {
            Op::Stmt(_) => {
                let _ = self.stmt(sc, None);
            }
            Op::Ticks(n) => {
                self.ticks((*n).min(limit), None, None);
            }
            Op::Console(line, no) => {
                self.console(line, *no);
            }
        }
    }
}

/// One hardclock the user asked for (hardclock, play, jump), as the page runs it and as its
/// trace export replays it. Each is a step of its own: the page drains its events as they come,
/// so the kernel's budgets start afresh and a long run is not stopped by the events of the
/// ticks before (an action's own budget is [`MAX_ACTION_STATEMENTS`]). A panic halts the
/// kernel, which the callers check.
fn page_hardclock(k: &mut Kernel, it: &mut Interp) {
    it.renew_budgets(k);
    let _ = it.hardclock(k);
}

fn push_capped<T: Clone>(v: &mut Vec<T>, new: &[T], cap: usize) {
    let tail = &new[new.len().saturating_sub(cap)..];
    v.extend_from_slice(tail);
    if v.len() > cap {
        v.drain(..v.len() - cap);
    }
}

/// The routes of FIB `fib` in `netstat -rn` order (the tree's order), by id: what the route
/// table pages through. `calls::route::netstat` formats every route of the table (a few µs each), and
/// the page shows [`ROUTE_ROWS`] of them.
pub fn route_ids(k: &Kernel, fib: u32) -> Vec<u32> {
    k.rt.tree(fib).map_or_else(Vec::new, |t| {
        t.walk()
            .into_iter()
            .filter_map(|n| t.node(n).route)
            .collect()
    })
}

/// The machine after `steps` steps of the tape.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub steps: u64,
    pub machine: Machine,
}

/// One console line and what it produced. Kept even when the machine steps back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleEntry {
    pub line_no: u32,
    pub input: String,
    /// Values the statements gave back ("r = 1").
    pub output: Vec<String>,
    pub error: Option<ScriptError>,
    pub panic: Option<String>,
}

/// Everything the page shows is derived from this.
#[derive(Clone, Debug)]
pub struct State {
    /// The editor's text, kept as typed even when it does not compile. Shared, so that the
    /// editor's props (and every copy of the state) compare and copy it by pointer: a long
    /// scenario is 800 KB, and the console renders on every play advance.
    pub text: Rc<str>,
    /// The scenario loaded last (the text that compiled).
    pub scenario: Rc<Scenario>,
    pub machine: Machine,
    /// Steps taken since the scenario was loaded (what step back undoes).
    pub tape: Vec<Op>,
    /// Total steps on the tape.
    pub steps: u64,
    snapshots: Vec<Rc<Snapshot>>,
    snapshot_every: u64,
    /// The latest scenario error (compile or run), with line and column.
    pub error: Option<ScriptError>,
    /// A friendly message (bad link, nothing found, end of script).
    pub notice: Option<String>,
    pub console: Vec<ConsoleEntry>,
    pub playing: bool,
    /// Ticks per second while playing, one of [`SPEEDS`].
    pub speed: u32,
    /// The timer highlighted in the table and on the wheels.
    pub selected: Option<String>,
    pub help_open: bool,
    /// While micro-stepping: how many events of the latest step are revealed (1 or more).
    /// `None`: all of them.
    pub reveal: Option<usize>,
    /// The first row of the timer table's page (a multiple of [`TIMER_ROWS`]).
    pub timer_first: usize,
    /// The first row of each route table's page (a multiple of [`ROUTE_ROWS`]).
    pub route_first: usize,
    /// The view the switcher chose; `None`: the lesson's own ([`State::views`]).
    pub view: Option<View>,
    /// The app's drawer that is open (the secondary panels live in drawers).
    pub drawer: Option<Drawer>,
    /// The wheel bucket zoomed into (wheel, bucket), whose entries are shown as chips.
    pub lens: Option<(usize, usize)>,
    /// What the pointer rests on (an rt_timer entry or a route, by [`State::selected`]'s
    /// keys): its partner in the other view lights up, like a selection that does not stay.
    pub lit: Option<String>,
    /// Presenter mode: the picture and the narration only, in large type.
    pub present: bool,
    /// Predict mode: ask before each step that settles a question (`mode=predict` in links).
    pub predict: bool,
    /// The colour theme: `None` follows the system.
    pub theme: Option<Theme>,
    /// The views of the facilities the scenario uses (read from its text once, on load: a
    /// scenario may be 800 KB, and the page renders on every play advance).
    lesson: Rc<[View]>,
    /// The whole run's markers, computed when the timeline first asks (shared by every copy
    /// of the state of one scenario).
    timeline: Rc<OnceCell<Timeline>>,
}

/// The app's drawers, opened one at a time over the page (not in its flow).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drawer {
    /// The preset picker and its teaching note.
    Lesson,
    /// The scenario editor and the console.
    Scenario,
    /// The event log.
    Log,
    /// The scheme lab: the scenario's timeouts (or a generated workload) through every timer
    /// scheme of Varghese and Lauck's table and Linux's wheel ([`super::compare::Compare`]).
    Lab,
    /// The instructor's kit: import a routing table, export the trace and the picture, print.
    Kit,
}

impl Drawer {
    pub const ALL: [Drawer; 5] = [
        Drawer::Lesson,
        Drawer::Scenario,
        Drawer::Log,
        Drawer::Lab,
        Drawer::Kit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Drawer::Lesson => "lesson",
            Drawer::Scenario => "scenario",
            Drawer::Log => "log",
            Drawer::Lab => "lab",
            Drawer::Kit => "kit",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The only ways to change [`State`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Compile the text and start over with it (the text is kept even if it fails).
    LoadScenario(String),
    /// Load a preset by name (an unknown name gives a notice and changes nothing else).
    LoadPreset(String),
    /// The URL hash changed (a link followed, an address edited): open that moment, keeping
    /// the console, speed and help. The hash this state writes itself changes nothing.
    OpenLink(String),
    /// The editor changed.
    EditText(String),
    /// Run the next statement.
    StepStatement,
    /// Reveal the next event of the latest step; once all are shown, run the next statement
    /// (or one hardclock when the script has ended) and reveal its first event.
    MicroStep,
    /// Run every remaining statement.
    RunScript,
    /// One `hardclock()`.
    Hardclock,
    /// `n` hardclocks.
    RunTicks(u64),
    /// Undo the latest step (exactly).
    StepBack,
    /// Go to the latest moment with this many hardclocks since boot.
    JumpToTick(u64),
    /// Back to the loaded scenario before its first statement.
    Reset,
    RunToNext(Milestone),
    Play,
    Pause,
    TogglePlay,
    SetSpeed(u32),
    /// One play interval elapsed.
    Advance,
    /// Run one console line on the current machine.
    Console(String),
    Select(String),
    /// Show the timer table's page that starts at this row.
    TimerPage(usize),
    /// Show the route tables' page that starts at this row.
    RoutePage(usize),
    ToggleHelp,
    DismissNotice,
    /// Show this view alone (`None`: the lesson's views).
    SetView(Option<View>),
    /// Open this drawer, or close it if it is open (`None`: close any).
    ToggleDrawer(Option<Drawer>),
    /// Zoom into a wheel bucket (`None`: out again).
    Lens(Option<(usize, usize)>),
    /// The pointer rests on a linked item (`None`: on none).
    Light(Option<String>),
    TogglePresent,
    /// Predict mode on or off.
    TogglePredict,
    /// Light, dark, then the system's again.
    CycleTheme,
}

impl Default for State {
    fn default() -> Self {
        let sc = Scenario::compile(DEFAULT_SCENARIO).unwrap_or_else(|_| empty_scenario());
        State::with_scenario(DEFAULT_SCENARIO.into(), sc)
    }
}

fn empty_scenario() -> Scenario {
    Scenario {
        src: String::new(),
        handlers: Vec::new(),
        stmts: Vec::new(),
    }
}

impl State {
    fn with_scenario(text: Rc<str>, sc: Scenario) -> State {
        let (kernel, interp) = sc.boot();
        State::on_kernel(text, sc, kernel, interp)
    }

    /// A state whose tape starts on `kernel` and `interp` (made by `sc.boot()`, then given more) instead of a
    /// fresh boot: for native drivers that set up more than a script may, like the step-back benchmark's
    /// 10,000 timeouts (a script mentions at most `MAX_OBJECTS`). Step back, reset and backward
    /// jumps return to `kernel`, never before it. The app always boots from the scenario.
    pub fn on_kernel(
        text: impl Into<Rc<str>>,
        sc: Scenario,
        kernel: Kernel,
        interp: Interp,
    ) -> State {
        let machine = Machine {
            kernel,
            interp,
            ..Machine::default()
        };
        let lesson = lesson_views(&sc.src).into();
        State {
            text: text.into(),
            scenario: Rc::new(sc),
            snapshots: vec![Rc::new(Snapshot {
                steps: 0,
                machine: machine.clone(),
            })],
            machine,
            tape: Vec::new(),
            steps: 0,
            snapshot_every: SNAPSHOT_EVERY,
            error: None,
            notice: None,
            console: Vec::new(),
            playing: false,
            speed: 10,
            selected: None,
            help_open: false,
            reveal: None,
            timer_first: 0,
            route_first: 0,
            view: None,
            drawer: None,
            lens: None,
            lit: None,
            present: false,
            predict: false,
            theme: None,
            lesson,
            timeline: Rc::default(),
        }
    }

    /// The views on the page: the one the switcher chose, else the lesson's.
    pub fn views(&self) -> Vec<View> {
        match self.view {
            Some(v) => vec![v],
            None => self.lesson_views(),
        }
    }

    /// The views of the facilities the scenario uses.
    pub fn lesson_views(&self) -> Vec<View> {
        self.lesson.to_vec()
    }

    /// The scenario's whole run, for the timeline (run once, on first use).
    pub fn timeline(&self) -> &Timeline {
        self.timeline.get_or_init(|| Timeline::of(&self.scenario))
    }

    /// The state a page opens with for this URL hash (no scenario in it: the
    /// [`DEFAULT_PRESET`]; a link that cannot be read: the built-in example and a notice).
    pub fn from_hash(h: &str) -> State {
        let parsed = match hash::parse(h) {
            Ok(p) => p,
            Err(msg) => {
                return State {
                    notice: Some(msg),
                    ..State::default()
                }
            }
        };
        let mut s = State::default();
        if let Some(text) = parsed.scenario {
            s = s.reduce(Action::LoadScenario(text));
        } else {
            let name = parsed.preset.as_deref().unwrap_or(DEFAULT_PRESET);
            s = s.reduce(Action::LoadPreset(name.to_string()));
        }
        if let Some(t) = parsed.ticks {
            if s.error.is_none() {
                let notice = s.notice.take();
                s = s.reduce(Action::JumpToTick(t));
                s.notice = s.notice.or(notice);
            }
        }
        s.predict = parsed.predict;
        if !parsed.unknown.is_empty() {
            let note = format!(
                "The link had keys this page does not know ({}); they were ignored.",
                parsed.unknown.joined()
            );
            s.notice = Some(match s.notice {
                Some(n) => format!("{n} {note}"),
                None => note,
            });
        }
        s
    }

    /// The hash that brings back this moment (`t` only once something has run).
    pub fn to_hash(&self) -> String {
        let t = (self.steps > 0).then_some(self.kernel().clock.elapsed);
        let h = match self.preset() {
            Some(p) => hash::encode_preset(p.name, t),
            None => hash::encode(&self.scenario.src, t),
        };
        if self.predict {
            h + "&mode=predict"
        } else {
            h
        }
    }

    /// The hash the page writes into its address: [`State::to_hash`], or nothing for a
    /// scenario longer than [`hash::MAX_LINKED_SCENARIO`].
    pub fn link(&self) -> String {
        if self.preset().is_none() && self.scenario.src.len() > hash::MAX_LINKED_SCENARIO {
            String::new()
        } else {
            self.to_hash()
        }
    }

    /// The preset loaded, when the scenario is one unchanged.
    pub fn preset(&self) -> Option<&'static presets::Preset> {
        preset_with_source(&self.scenario.src)
    }

    pub fn kernel(&self) -> &Kernel {
        &self.machine.kernel
    }

    /// Milliseconds between two play advances.
    pub fn interval_ms(&self) -> u32 {
        (1000 / self.speed.max(1)).max(50)
    }

    fn ticks_per_advance(&self) -> u64 {
        (self.speed as u64 * self.interval_ms() as u64 / 1000).max(1)
    }

    /// The statement that runs next, if any.
    pub fn next_statement(&self) -> Option<(u32, &str)> {
        let s = self.scenario.stmts.get(self.machine.next_stmt)?;
        let line = self
            .scenario
            .src
            .get(s.span.start..s.span.end)
            .unwrap_or("");
        Some((s.span.line, line))
    }

    /// Applies one action and returns the new state. Never panics, whatever the input.
    pub fn reduce(&self, action: Action) -> State {
        let mut s = self.clone();
        s.apply(action);
        s
    }

    /// [`State::reduce`] in place: the page's reducer uses this, so that a play advance does
    /// not copy a kernel of 10,000 timers sixty times a second.
    pub fn apply(&mut self, action: Action) {
        let old_reveal = self.reveal;
        let old_hash = matches!(action, Action::OpenLink(_)).then(|| self.to_hash());
        let s = self;
        let quiet = matches!(
            action,
            Action::EditText(_)
                | Action::Play
                | Action::Pause
                | Action::TogglePlay
                | Action::SetSpeed(_)
                | Action::Select(_)
                | Action::TimerPage(_)
                | Action::RoutePage(_)
                | Action::ToggleHelp
                | Action::DismissNotice
                | Action::SetView(_)
                | Action::ToggleDrawer(_)
                | Action::Lens(_)
                | Action::Light(_)
                | Action::TogglePresent
                | Action::TogglePredict
                | Action::CycleTheme
        ) || action == Action::Advance && !s.playing;
        let reveal_next = action == Action::MicroStep && s.unrevealed() > 0;
        if !quiet {
            s.reveal = None;
            s.notice = None;
            if !reveal_next {
                // A new step: its own events and messages replace the old ones.
                s.machine.clear_last();
            }
        }
        if action == Action::DismissNotice {
            s.notice = None;
        }
        match action {
            Action::LoadScenario(text) => s.load(text),
            Action::OpenLink(h) => {
                if Some(h.strip_prefix('#').unwrap_or(&h)) != old_hash.as_deref() {
                    let mut next = State::from_hash(&h);
                    next.keep_page(s);
                    *s = next;
                }
            }
            Action::LoadPreset(name) => match presets::find(&name) {
                Some(p) => s.load(p.source.to_string()),
                None => {
                    s.notice = Some(format!(
                        "There is no preset called \"{name}\"; pick one from the list of presets."
                    ))
                }
            },
            Action::EditText(text) => s.text = text.into(),
            Action::StepStatement => {
                s.playing = false;
                s.step_statement();
            }
            Action::MicroStep => {
                s.playing = false;
                if reveal_next {
                    s.reveal = old_reveal.map(|c| c + 1);
                } else {
                    s.micro_step();
                }
            }
            Action::RunScript => {
                s.playing = false;
                while s.machine.next_stmt < s.scenario.stmts.len() && s.alive() {
                    if !s.step_statement() {
                        break;
                    }
                }
            }
            Action::Hardclock => s.run_ticks(1),
            Action::RunTicks(n) => s.run_ticks(n),
            Action::StepBack => {
                s.playing = false;
                if s.steps > 0 {
                    s.rewind(s.steps - 1);
                }
            }
            Action::JumpToTick(t) => {
                s.playing = false;
                s.jump(t);
            }
            Action::Reset => {
                s.playing = false;
                s.rewind(0);
                s.error = None;
            }
            Action::RunToNext(m) => {
                s.playing = false;
                s.run_to_next(m);
            }
            Action::Play => s.playing = s.alive(),
            Action::Pause => s.playing = false,
            Action::TogglePlay => s.playing = !s.playing && s.alive(),
            Action::SetSpeed(v) => {
                s.speed = SPEEDS
                    .iter()
                    .copied()
                    .min_by_key(|x| x.abs_diff(v))
                    .unwrap_or(10)
            }
            Action::Advance => {
                if s.playing {
                    let n = s.ticks_per_advance();
                    s.run_ticks(n);
                    s.playing = s.alive() && s.ticks_left() > 0;
                }
            }
            Action::Console(line) => s.console(line),
            Action::Select(name) => {
                if let Some(i) = s.timer_index(&name) {
                    s.timer_first = i / TIMER_ROWS * TIMER_ROWS;
                }
                if let Some(i) = s.route_index(&name) {
                    s.route_first = i / ROUTE_ROWS * ROUTE_ROWS;
                }
                s.selected = (s.selected.as_deref() != Some(&name)).then_some(name);
            }
            Action::TimerPage(first) => s.timer_first = first / TIMER_ROWS * TIMER_ROWS,
            Action::RoutePage(first) => s.route_first = first / ROUTE_ROWS * ROUTE_ROWS,
            Action::ToggleHelp => s.help_open = !s.help_open,
            Action::DismissNotice => {}
            Action::SetView(v) => s.view = v,
            Action::ToggleDrawer(d) => s.drawer = d.filter(|&d| s.drawer != Some(d)),
            Action::Lens(l) => s.lens = l,
            Action::Light(k) => s.lit = k,
            Action::TogglePresent => s.present = !s.present,
            Action::TogglePredict => s.predict = !s.predict,
            Action::CycleTheme => {
                s.theme = match s.theme {
                    None => Some(Theme::Light),
                    Some(Theme::Light) => Some(Theme::Dark),
                    Some(Theme::Dark) => None,
                }
            }
        }
    }

    /// Events of the latest step that a micro-step has not revealed yet.
    pub fn unrevealed(&self) -> usize {
        match self.reveal {
            Some(c) => self.machine.last.len().saturating_sub(c),
            None => 0,
        }
    }

    /// The events of the latest step shown so far (all of them unless micro-stepping).
    pub fn revealed(&self) -> &[Event] {
        let last = &self.machine.last;
        &last[..self.reveal.unwrap_or(last.len()).min(last.len())]
    }

    /// The event log as shown: the newest events, without those a micro-step has not
    /// revealed yet (ticks of a plain run before a revealed event count as revealed).
    pub fn visible_log(&self) -> &[Event] {
        let m = &self.machine;
        let hidden = match (self.unrevealed(), self.revealed().len()) {
            (0, _) | (_, 0) => 0,
            (_, c) => m.logged.saturating_sub(m.last_seq[c - 1] + 1),
        };
        &m.log[..m.log.len().saturating_sub(hidden as usize)]
    }

    /// Runs the next step of a micro-step: a statement, or one hardclock past the script.
    fn micro_step(&mut self) {
        let before = self.steps;
        if self.machine.next_stmt < self.scenario.stmts.len() {
            self.step_statement();
        } else {
            self.run_ticks(1);
        }
        if self.steps > before && !self.machine.last.is_empty() {
            self.reveal = Some(1);
        }
    }

    fn alive(&self) -> bool {
        !self.kernel().halted()
    }

    /// Records `ran` hardclocks just run. If the last of them stopped on a scenario mistake in
    /// a handler body, the machine goes back to the moment before that hardclock and the
    /// mistake shows at its line and column, as a statement's does; true then.
    fn record_ticks(&mut self, ran: u64) -> bool {
        let Some(fault) = self.machine.kernel.fault.clone() else {
            if ran > 0 {
                self.record(Op::Ticks(ran));
            }
            return false;
        };
        if ran > 1 {
            self.record(Op::Ticks(ran - 1));
        }
        let last = self.machine.take_last();
        self.rewind(self.steps);
        self.machine.put_last(last);
        if let Stop::Error(e) = self.scenario.stop(fault, None) {
            self.error = Some(e);
        }
        self.playing = false;
        true
    }

    /// Hardclocks still allowed before the whole run reaches the script's tick budget.
    fn ticks_left(&self) -> u64 {
        MAX_TICKS_PER_RUN.saturating_sub(self.kernel().clock.elapsed)
    }

    /// Takes over what belongs to the page, not to a scenario: the console, the speed, the
    /// help, the drawer, presenter mode and the theme (the views follow the new lesson).
    fn keep_page(&mut self, old: &mut State) {
        self.console = std::mem::take(&mut old.console);
        self.speed = old.speed;
        self.help_open = old.help_open;
        self.drawer = old.drawer;
        self.present = old.present;
        self.theme = old.theme;
    }

    /// Loads a pasted routing table (the kit's import, `netstat -rn`, `route -n` or `ip route`)
    /// as `route_add` statements into `fib`: after the scenario, or instead of it (`replace`),
    /// and then the table is built at once (its routes show in the radix tree and the route
    /// table). Not an [`Action`]: the kit (in the widgets module) calls it on a copy of the page's
    /// state and hands the page the result as a link, so the app's reducer does not carry the
    /// importer.
    pub fn import_routes(&mut self, table: &str, fib: u32, replace: bool) {
        let fib = fib.min(RT_MAXFIBS - 1);
        match import(table, fib) {
            Ok(im) if !im.routes.is_empty() => {
                let add = im.statements();
                let text = if replace || self.text.trim().is_empty() {
                    add
                } else {
                    format!("{}\n{add}", self.text.trim_end())
                };
                self.load(text);
                // Loaded as the scenario, the table is built at once: its routes show in the
                // radix tree and the route table (appended, the lesson steps on).
                if replace && self.error.is_none() {
                    self.apply(Action::RunScript);
                }
            }
            Ok(_) => {
                self.notice = Some("The pasted table gave no route: nothing was loaded.".into())
            }
            Err(e) => self.notice = Some(format!("The pasted table was not loaded: {e}.")),
        }
    }

    /// The whole run so far, every event from the boot on, in a kernel of its own (the page
    /// keeps only the newest events): the tape replayed from the start, for the trace export.
    /// The outcome is the run's panic or the scenario's error, if any.
    pub fn full_run(&self) -> (Kernel, Outcome) {
        let base = self
            .snapshots
            .first()
            .map_or_else(Machine::default, |b| b.machine.clone());
        let mut k = base.kernel;
        let mut it = base.interp;
        let mut events = base.log;
        events.append(&mut k.trace.events);
        k.trace.events = events;
        let mut outcome = Outcome::Ok;
        // The page ran on past any number of events (it keeps only the newest); a file of every
        // event since boot stops where the CLI's trace would.
        let cut = |k: &Kernel| {
            (k.trace.events.len() >= MAX_EVENTS).then(|| {
                Outcome::Panicked(format!(
                    "simulator limit: this trace holds the first {} events of the run, to ticks \
                     {}; the page ran on to ticks {}",
                    k.trace.events.len(),
                    k.clock.ticks,
                    self.kernel().clock.ticks
                ))
            })
        };
        for op in &self.tape {
            if let Some(o) = cut(&k) {
                return (k, o);
            }
            match op {
                Op::Stmt(i) => match self.scenario.step(&mut k, &mut it, *i) {
                    Err(Stop::Panicked(m)) => outcome = Outcome::Panicked(m),
                    Err(Stop::Error(e)) => outcome = Outcome::Error(e),
                    Ok(_) => {}
                },
                Op::Ticks(n) => {
                    for _ in 0..*n {
                        if k.halted() {
                            break;
                        }
                        if let Some(o) = cut(&k) {
                            return (k, o);
                        }
                        page_hardclock(&mut k, &mut it);
                    }
                }
                Op::Console(line, no) => {
                    let o = run_console_line(&mut k, &mut it, line, *no).outcome;
                    if !matches!(o, Outcome::Ok) {
                        outcome = o;
                    }
                }
            }
        }
        if let (Some(e), Outcome::Ok) = (&self.error, &outcome) {
            outcome = Outcome::Error(e.clone());
        }
        (k, outcome)
    }

    fn load(&mut self, text: String) {
        match Scenario::compile(&text) {
            Ok(sc) => {
                let mut next = State::with_scenario(text.into(), sc);
                next.keep_page(self);
                *self = next;
            }
            Err(e) => {
                self.text = text.into();
                self.error = Some(e);
                self.playing = false;
            }
        }
    }

    /// Records `n` steps of `op` on the tape and takes a snapshot when one is due.
    fn record(&mut self, op: Op) {
        let before = self.steps;
        self.steps += op.steps();
        match (self.tape.last_mut(), &op) {
            (Some(Op::Ticks(a)), Op::Ticks(b)) => *a += b,
            _ => self.tape.push(op),
        }
        if self.steps / self.snapshot_every > before / self.snapshot_every && self.snapshot_pays() {
            self.snapshots.push(Rc::new(Snapshot {
                steps: self.steps,
                machine: self.machine.clone(),
            }));
            if self.snapshots.len() > MAX_SNAPSHOTS {
                self.snapshot_every *= 2;
                // Every other one goes, by position: the snapshots are not on one grid (each
                // waits until it pays, and the leading statements offset the ticks), so a
                // rule by step number could drop nearly all of them at once and leave a jump
                // back hundreds of thousands of ticks to replay. Kept: step 0, the end of the
                // leading statements (where every jump back starts), and the newest.
                let lead = self.lead() as u64;
                let newest = self.snapshots.len() - 1;
                let mut i = 0;
                self.snapshots.retain(|sn| {
                    let keep = i % 2 == 0 || i == newest || sn.steps == lead;
                    i += 1;
                    keep
                });
            }
        }
    }

    /// Keeps the machine as it is after the leading statements, when the first hardclocks
    /// after them are about to run: a jump back ([`State::jump_back_on_tape`]) starts there,
    /// and would otherwise replay every statement (20,000 of them in a scenario of 10,000
    /// timeouts) from the snapshot before them on every jump.
    fn snapshot_lead(&mut self) {
        let at_lead = matches!(self.tape.last(), Some(Op::Stmt(_)))
            && self.tape.len() as u64 == self.steps
            && self
                .snapshots
                .last()
                .is_some_and(|sn| sn.steps < self.steps)
            && self.lead() == self.tape.len();
        if at_lead {
            self.snapshots.push(Rc::new(Snapshot {
                steps: self.steps,
                machine: self.machine.clone(),
            }));
        }
    }

    /// Whether a snapshot is worth its copy now: copying the machine costs about one step's
    /// work per timer, so at least that many steps lie between two snapshots (a kernel of
    /// 10,000 timers is copied every 10,000 steps, not every 256, and step back replays up to
    /// that many). Small scenarios keep [`SNAPSHOT_EVERY`].
    fn snapshot_pays(&self) -> bool {
        let since = self.steps - self.snapshots.last().map_or(0, |sn| sn.steps);
        let k = self.kernel();
        let timers = k.to.iter().count() + k.co.callout_ids().count();
        since >= timers as u64
    }

    /// Runs the next statement; false if there is none or it failed.
    fn step_statement(&mut self) -> bool {
        self.step_statement_until(None).is_some()
    }

    /// Runs the next statement; `None` if there is none or it failed, else whether `stop`
    /// matched one of its events.
    fn step_statement_until(&mut self, stop: Option<Milestone>) -> Option<bool> {
        if !self.alive() {
            return None;
        }
        if self.machine.next_stmt >= self.scenario.stmts.len() {
            self.notice = Some(
                "The scenario has no more statements: use hardclock or run N ticks to go on."
                    .into(),
            );
            return None;
        }
        let sc = Rc::clone(&self.scenario);
        let i = self.machine.next_stmt;
        match self.machine.stmt(&sc, stop) {
            Ok(hit) => {
                self.error = None;
                self.record(Op::Stmt(i));
                Some(hit)
            }
            Err(e) => {
                // Back to the moment before the statement: the state is a function of the tape.
                let last = self.machine.take_last();
                self.rewind(self.steps);
                self.machine.put_last(last);
                self.error = Some(e);
                None
            }
        }
    }

    fn run_ticks(&mut self, n: u64) {
        if !self.alive() {
            return;
        }
        let n = n.min(MAX_ACTION_TICKS).min(self.ticks_left());
        if n == 0 {
            self.notice = Some(format!(
                "This run has reached {MAX_TICKS_PER_RUN} ticks, the most one run may have: step back or reset."
            ));
            self.playing = false;
            return;
        }
        self.snapshot_lead();
        // In runs that end where a snapshot is due, so that a long run (a million ticks) has
        // snapshots inside it and stepping back into it replays at most `snapshot_every` ticks.
        let mut left = n;
        let mut work = MAX_ACTION_STATEMENTS;
        while left > 0 && self.alive() && work > 0 {
            let chunk = left.min(self.snapshot_every - self.steps % self.snapshot_every);
            let (ran, _) = self.machine.ticks_undrained(chunk, None, Some(&mut work));
            if ran == 0 || self.record_ticks(ran) {
                break;
            }
            left -= ran;
        }
        self.machine.drain();
        if work == 0 && left > 0 && self.alive() {
            self.work_notice(n - left);
        }
    }

    /// Says why an action stopped before its ticks ran: its handlers used up
    /// [`MAX_ACTION_STATEMENTS`].
    fn work_notice(&mut self, ran: u64) {
        self.notice = Some(format!(
            "Stopped after {ran} hardclocks: their handlers ran {MAX_ACTION_STATEMENTS} \
             statements, the most one action runs so that the page keeps responding. Run on to \
             go further."
        ));
        self.playing = false;
    }

    fn console(&mut self, line: String) {
        let line_no = self.console.len() as u32 + 1;
        let before = self.machine.clone();
        let out = run_console_line(
            &mut self.machine.kernel,
            &mut self.machine.interp,
            &line,
            line_no,
        );
        self.machine.drain();
        let mut entry = ConsoleEntry {
            line_no,
            input: line.clone(),
            output: out
                .results
                .iter()
                .filter_map(|r| r.console_text())
                .collect(),
            error: None,
            panic: None,
        };
        let changed = match out.outcome {
            Outcome::Ok => true,
            Outcome::Panicked(m) => {
                entry.panic = Some(m);
                before.kernel.panic.is_none()
            }
            Outcome::Error(e) => {
                entry.error = Some(e);
                !out.results.is_empty()
            }
        };
        if changed {
            self.record(Op::Console(line, line_no));
        } else {
            let last = self.machine.take_last();
            let logged = self.machine.logged;
            self.machine = before;
            self.machine.put_last(last);
            // Event numbers only ever grow, so those of `last` stay unique.
            self.machine.logged = logged;
        }
        self.console.push(entry);
    }

    /// Puts the machine at `target` steps by replaying the tape from the nearest snapshot,
    /// and forgets the steps after it.
    fn rewind(&mut self, target: u64) {
        let target = target.min(self.steps);
        self.snapshots.retain(|sn| sn.steps <= target);
        let Some(base) = self.snapshots.last().cloned() else {
            // Unreachable: the step-0 snapshot is never dropped. Start over rather than panic.
            let sc = (*self.scenario).clone();
            *self = State::with_scenario(self.text.clone(), sc);
            return;
        };
        // No `clear_last` here: each replayed op clears it, and with none replayed the base's
        // events are the latest.
        let mut m = base.machine.clone();
        let mut tape = Vec::new();
        let mut pos = 0u64;
        let sc = Rc::clone(&self.scenario);
        for op in &self.tape {
            let (start, end) = (pos, pos + op.steps());
            pos = end;
            if start >= target {
                break;
            }
            let kept = match op {
                Op::Ticks(_) => Op::Ticks(end.min(target) - start),
                other => other.clone(),
            };
            if end > base.steps {
                let from = start.max(base.steps);
                if start >= base.steps {
                    m.clear_last();
                }
                // Else the snapshot was taken inside this run of ticks: its latest events (and
                // the undrained ones) are this run's, and the replay goes on from them.
                m.replay(&sc, op, end.min(target) - from);
            }
            tape.push(kept);
        }
        // Every action ends drained; a snapshot taken inside a run of ticks still holds that
        // run's undrained events (so a replay from it drains where the run did), and landing on
        // it with nothing to replay must drain them as the run's end did.
        m.drain();
        if m.last.is_empty() {
            m.last = base.machine.last.clone();
            m.last_seq = base.machine.last_seq.clone();
        }
        self.machine = m;
        self.tape = tape;
        self.steps = target;
    }

    /// The latest moment with `t` hardclocks since boot: statements run while they keep the
    /// clock at or before `t`, then hardclocks make up the rest. Going back starts over.
    fn jump(&mut self, t: u64) {
        let t = t.min(MAX_TICKS_PER_RUN);
        if t < self.kernel().clock.elapsed && !self.jump_back_on_tape(t) {
            self.rewind(0);
        }
        let sc = Rc::clone(&self.scenario);
        while self.alive() && self.machine.next_stmt < sc.stmts.len() {
            let now = self.kernel().clock.elapsed;
            let next = &sc.stmts[self.machine.next_stmt].stmt;
            if let Some(n) = hardclock_count(self.kernel(), &self.machine.interp, next) {
                if now + n > t {
                    break;
                }
            }
            let last = (self.machine.last.clone(), self.machine.last_seq.clone());
            if !self.step_statement() {
                break;
            }
            if self.kernel().clock.elapsed > t {
                // A handler ran more ticks than the statement showed: undo it.
                self.rewind(self.steps - 1);
                self.machine.put_last(last);
                break;
            }
        }
        let now = self.kernel().clock.elapsed;
        if t > now {
            if t - now > MAX_ACTION_TICKS {
                self.notice = Some(format!(
                    "A jump may run at most {MAX_ACTION_TICKS} hardclocks at once."
                ));
            }
            self.run_ticks(t - now);
        }
    }

    /// How many statements the tape starts with, run in order (the scenario's leading
    /// statements, before the first hardclock or console line).
    fn lead(&self) -> usize {
        self.tape
            .iter()
            .enumerate()
            .take_while(|(i, op)| **op == Op::Stmt(*i))
            .count()
    }

    /// Going back to `t` hardclocks, a jump starts over: it runs the leading statements, then
    /// hardclocks. When the tape itself starts with those statements followed by a run of ticks
    /// that reaches `t`, that moment is already on the tape: rewind to it (from the nearest
    /// snapshot) instead of running everything again. False, with nothing changed, otherwise.
    fn jump_back_on_tape(&mut self, t: u64) -> bool {
        let lead = self.lead();
        let Some(&Op::Ticks(run)) = self.tape.get(lead) else {
            return false;
        };
        let mut probe = self.clone();
        probe.rewind(lead as u64);
        let now = probe.kernel().clock.elapsed;
        // Where the jump's statement loop would stop: no statement left, or the next one is a
        // hardclock(n) that would pass `t`.
        let stops = probe.machine.next_stmt >= probe.scenario.stmts.len()
            || hardclock_count(
                probe.kernel(),
                &probe.machine.interp,
                &probe.scenario.stmts[probe.machine.next_stmt].stmt,
            )
            .is_some_and(|n| now + n > t);
        if !probe.alive() || !stops || t < now || t - now > run.min(MAX_ACTION_TICKS) {
            return false;
        }
        let before = self.clone();
        self.rewind(lead as u64 + (t - now));
        if self.machine.last.len() < LAST_CAP {
            // Starting over, the jump would also narrate the tail of everything before the
            // ticks; the rewind only knows the ticks' events, and they do not fill the
            // narration. Start over after all.
            *self = before;
            return false;
        }
        if lead > 0 {
            // The jump would have run those statements, each clearing the error.
            self.error = None;
        }
        true
    }

    /// Steps (statements first, then hardclocks) until an event of kind `m` happens.
    fn run_to_next(&mut self, m: Milestone) {
        let start = self.kernel().clock.elapsed;
        let sc = Rc::clone(&self.scenario);
        while self.alive() {
            if self.machine.next_stmt < sc.stmts.len() {
                match self.step_statement_until(Some(m)) {
                    None | Some(true) => return,
                    Some(false) => continue,
                }
            }
            let used = self.kernel().clock.elapsed.saturating_sub(start);
            let budget = SEARCH_TICKS.saturating_sub(used).min(self.ticks_left());
            if budget == 0 {
                break;
            }
            let mut work = MAX_ACTION_STATEMENTS;
            let (ran, hit) = self.machine.ticks(budget, Some(m), Some(&mut work));
            if self.record_ticks(ran) {
                return;
            }
            if hit {
                return;
            }
            if work == 0 {
                self.work_notice(ran);
                return;
            }
            break;
        }
        if self.alive() {
            self.notice = Some(format!(
                "No {} happened in the next {SEARCH_TICKS} ticks.",
                m.label()
            ));
        }
    }

    /// The narration: one sentence per event of the latest action (the last few of them).
    pub fn narration(&self) -> Vec<String> {
        let last = self.revealed();
        if last.is_empty() {
            if self.steps == 0 {
                return vec![format!(
                    "The simulated machine has booted; ticks is {}. Step through the scenario or press hardclock.",
                    self.kernel().clock.ticks
                )];
            }
            return Vec::new();
        }
        last[last.len().saturating_sub(12)..]
            .iter()
            .map(|e| e.narrate())
            .collect()
    }

    /// How many rows the timer table has: every timeout, then every callout.
    pub fn timer_count(&self) -> usize {
        let k = self.kernel();
        k.to.iter().count() + k.co.callout_ids().count()
    }

    /// The timer table's row of the timer called `name` (as the table names it).
    pub fn timer_index(&self, name: &str) -> Option<usize> {
        let k = self.kernel();
        let timeouts = k.to.iter().count();
        k.to.iter().position(|v| v.name == name).or_else(|| {
            k.co.callout_ids()
                .position(|id| callout_label(k, id) == name)
                .map(|i| timeouts + i)
        })
    }

    /// The row of the route with this key (`rt#ID`, [`super::rttimer::route_key`]) in its FIB's
    /// route table, which lists the routes in tree order.
    pub fn route_index(&self, key: &str) -> Option<usize> {
        let id: u32 = key.strip_prefix("rt#")?.parse().ok()?;
        let k = self.kernel();
        (0..k.rt.numfibs).find_map(|f| route_ids(k, f).iter().position(|&r| r == id))
    }

    /// The first row of the table's page, kept inside the table as it shrinks.
    pub fn timer_page_start(&self) -> usize {
        let n = self.timer_count();
        if self.timer_first < n {
            self.timer_first
        } else {
            n.saturating_sub(1) / TIMER_ROWS * TIMER_ROWS
        }
    }

    /// What the latest tick's cascades moved: each timeout that softclock took off
    /// `timeout_todo` after its higher-wheel bucket was spliced there, and put into another
    /// bucket. (One that was due ran instead and is not a move.) A re-bucketed timeout that
    /// comes from a bucket of wheel 1 or higher can only have been cascaded (anything put on
    /// the todo list otherwise comes from the todo list), so this holds even when the cascade's
    /// own event has left the [`LAST_CAP`] window of a big cascade.
    pub fn cascade_moves(&self) -> Vec<CascadeMove> {
        let now = self.kernel().clock.ticks;
        self.revealed()
            .iter()
            .filter(|e| e.tick == now)
            .filter_map(|e| match &*e.kind {
                EventKind::Timeout(TimeoutEvent::Rebucketed {
                    name,
                    from: Place::Wheel { wheel, bucket },
                    wheel: to_wheel,
                    bucket: to_bucket,
                    ..
                }) if *wheel >= 1 => Some(CascadeMove {
                    name: name.to_string(),
                    from: (*wheel as usize, *bucket as usize),
                    to: (*to_wheel as usize, *to_bucket as usize),
                }),
                _ => None,
            })
            .collect()
    }

    /// Buckets spliced onto `timeout_todo` during the latest tick: (wheel, bucket).
    pub fn spliced(&self) -> Vec<(usize, usize)> {
        let now = self.kernel().clock.ticks;
        self.revealed()
            .iter()
            .filter(|e| e.tick == now)
            .filter_map(|e| match &*e.kind {
                EventKind::Timeout(TimeoutEvent::Splice { bucket, .. }) => {
                    Some((0, *bucket as usize))
                }
                EventKind::Timeout(TimeoutEvent::Cascade { wheel, bucket, .. }) => {
                    Some((*wheel as usize, *bucket as usize))
                }
                _ => None,
            })
            .collect()
    }
}

/// One timeout moved by a cascade (see [`State::cascade_moves`]): (wheel, bucket) it was
/// spliced out of, and the one softclock put it into (lower, unless it was re-added later in
/// place and still has a long way to go).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CascadeMove {
    pub name: String,
    pub from: (usize, usize),
    pub to: (usize, usize),
}

/// A callout as the timer table names it: its name, or `callout #N` for a pooled one.
pub fn callout_label(k: &Kernel, id: u32) -> String {
    let c = k.co.callout_view(id);
    if c.name.is_empty() {
        format!("callout #{}", c.id)
    } else {
        c.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hardclock_advances_ticks_and_narrates() {
        let s = State::default().reduce(Action::Hardclock);
        assert_eq!(s.kernel().clock.ticks, 1);
        assert_eq!(
            s.narration(),
            vec!["hardclock(): ticks is now 1.".to_string()]
        );
        let s = s.reduce(Action::RunTicks(255));
        assert_eq!(s.kernel().clock.ticks, 256);
        assert_eq!(s.reduce(Action::Reset).kernel().clock.ticks, 0);
    }

    #[test]
    fn default_scenario_cascades_at_256() {
        let s = State::default().reduce(Action::RunToNext(Milestone::Cascade));
        assert_eq!(s.kernel().clock.ticks, 256);
        assert_eq!(s.spliced(), vec![(1, 1)]);
        assert_eq!(s.kernel().to.bucket(0, 44), vec!["t3"]);
        assert_eq!(
            s.cascade_moves(),
            vec![CascadeMove {
                name: "t3".into(),
                from: (1, 1),
                to: (0, 44)
            }]
        );
        assert!(s.reduce(Action::Hardclock).cascade_moves().is_empty());
        assert_eq!(s.link(), s.to_hash());
    }

    #[test]
    fn a_scenario_too_long_for_a_link_is_not_written_into_the_address() {
        let long = "hardclock(1)\n".repeat(hash::MAX_LINKED_SCENARIO / 13 + 1);
        let s = State::default()
            .reduce(Action::LoadScenario(long))
            .reduce(Action::StepStatement);
        assert!(s.error.is_none());
        assert_eq!(s.link(), "");
        assert!(s.to_hash().starts_with("s=hardclock(1)"));
    }

    #[test]
    fn a_cascade_bigger_than_the_event_window_still_shows_its_latest_moves() {
        let mut src = String::new();
        for i in 0..200 {
            src.push_str(&format!(
                "timeout_set(&t{i}, f, NULL); timeout_add(&t{i}, {})\n",
                300 + i % 200
            ));
        }
        let s = State::default()
            .reduce(Action::LoadScenario(src))
            .reduce(Action::RunScript)
            .reduce(Action::RunTicks(256));
        let moves = s.cascade_moves();
        assert_eq!(moves.len(), LAST_CAP, "only the window's worth");
        assert!(moves.iter().all(|m| m.from == (1, 1) && m.to.0 == 0));
    }

    /// A long run thins its snapshots, but keeps them spread over the run (a jump back replays
    /// a bounded number of ticks), and keeps the one where the leading statements end.
    #[test]
    fn a_long_run_keeps_its_snapshots_spread_and_its_lead() {
        let mut src = String::from("handler g { timeout_add(&t0, 700) }\n");
        for i in 0..100 {
            let f = if i == 0 { "g" } else { "f" };
            src.push_str(&format!(
                "timeout_set(&t{i}, {f}, NULL); timeout_add(&t{i}, {})\n",
                1 + i * 7
            ));
        }
        let s = State::default()
            .reduce(Action::LoadScenario(src))
            .reduce(Action::RunScript)
            .reduce(Action::RunTicks(300_000));
        assert_eq!(s.kernel().clock.elapsed, 300_000);
        let lead = s.lead() as u64;
        assert_eq!(lead, 200);
        let steps: Vec<u64> = s.snapshots.iter().map(|sn| sn.steps).collect();
        assert!(steps.len() <= MAX_SNAPSHOTS, "{steps:?}");
        assert!(
            s.snapshot_every > SNAPSHOT_EVERY,
            "the run has thinned them"
        );
        assert!(steps.contains(&lead), "{steps:?}");
        let widest = steps.windows(2).map(|w| w[1] - w[0]).max().unwrap();
        assert!(
            widest <= 2 * s.snapshot_every,
            "gap of {widest} steps with snapshot_every {}: {steps:?}",
            s.snapshot_every
        );
        // A jump back lands where it should.
        let back = s.reduce(Action::JumpToTick(123_456));
        assert_eq!(back.kernel().clock.elapsed, 123_456);
    }
}
