//! [`Trace`]: the event sink. Every facility records what it does here, stamped with the tick.
//!
//! The sink is its own value, not a part of the machine's state that a facility reaches through
//! the kernel: what a facility records is one argument of its call. It also holds the two
//! switches native drivers set (the benches, the scheme lab): `recording` and `max_events`.

use std::rc::Rc;

use super::{Event, EventKind};

/// The event log holds at most this many events (about 100 MB). A scenario that produces more
/// without the log being drained (a timer re-armed every tick for a million ticks, say) halts
/// with a simulator panic instead of exhausting the browser tab's memory.
pub const MAX_EVENTS: usize = 400_000;

#[derive(Clone, Debug)]
pub struct Trace {
    /// Everything that happened, in order. A driver may drain it (the app does after every
    /// step); [`Trace::emitted`] keeps counting.
    pub events: Vec<Event>,
    /// Events recorded since boot, drained or not.
    pub emitted: u64,
    /// The value of [`Trace::emitted`] when the machine's work budget was last renewed (0: at
    /// boot). The event cap counts from here, drained or not, so a scenario stops at the same
    /// event in the CLI (which keeps its log) and in the app (which drains it into its own
    /// bounded log after every step). See [`crate::kernel::Kernel::renew_budgets`].
    pub budget_from: u64,
    /// The count of events at which the machine halts: [`MAX_EVENTS`], the browser tab's memory
    /// budget. Only native drivers that drain the log themselves raise it (the benches); the
    /// app, the CLI and the scenario language never change it.
    pub max_events: usize,
    /// When false, every event except a panic is dropped: the machine runs exactly the same,
    /// but nothing is narrated, shown or traced. For benchmarks that measure the wheels without
    /// the log; the app, the CLI and the tests always record.
    pub recording: bool,
    /// Set when the machine halts: nothing is recorded after that, so the panic (or the last
    /// event before a scenario fault) stays the last event of the trace.
    closed: bool,
}

impl Default for Trace {
    fn default() -> Trace {
        Trace {
            events: Vec::new(),
            emitted: 0,
            budget_from: 0,
            max_events: MAX_EVENTS,
            recording: true,
            closed: false,
        }
    }
}

impl Trace {
    /// Whether an event would be kept now.
    pub fn is_recording(&self) -> bool {
        self.recording && !self.closed
    }

    /// Records an event at tick `tick`.
    pub fn emit(&mut self, tick: i32, kind: impl Into<EventKind>) {
        if self.is_recording() {
            self.push(tick, kind.into());
        }
    }

    /// Records the event `make` builds, and builds it only if it will be kept. For the events
    /// of the hot paths (an add, a re-bucket, a fire, a reset): building one copies names and
    /// formats arguments, which a kernel that does not record (a benchmark) would do for nothing.
    pub fn emit_with<E: Into<EventKind>>(&mut self, tick: i32, make: impl FnOnce() -> E) {
        if self.is_recording() {
            self.push(tick, make().into());
        }
    }

    fn push(&mut self, tick: i32, kind: EventKind) {
        self.events.push(Event {
            tick,
            kind: Rc::new(kind),
        });
        self.emitted += 1;
    }

    /// Records the panic that halts the machine (recording or not) and closes the trace.
    pub fn panic(&mut self, tick: i32, msg: &str) {
        self.push(tick, EventKind::Panic { msg: msg.into() });
        self.closed = true;
    }

    /// Closes the trace: the machine stopped on a scenario mistake in a handler body.
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// Whether the machine has recorded its budget of events since the budget was renewed.
    pub fn is_full(&self) -> bool {
        self.emitted - self.budget_from >= self.max_events as u64
    }
}
