//! All UI state and the actions that change it, as one reducer (yew's `function_todomvc` shape).
//!
//! This file is plain Rust so that it is tested natively; the Yew glue (`Reducible`) lives in
//! `app.rs`. Components only dispatch [`Action`]s; timers (play) only dispatch `Advance`.

use crate::kernel::Kernel;

/// Everything the page shows is derived from this.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub kernel: Kernel,
}

/// The only ways to change [`State`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// One `hardclock()`.
    Hardclock,
    /// `n` hardclocks.
    RunTicks(u64),
    /// Back to a freshly booted machine.
    Reset,
}

impl State {
    /// Applies one action and returns the new state.
    pub fn reduce(&self, action: Action) -> State {
        let mut next = self.clone();
        match action {
            // A panic is recorded in the kernel itself; the view shows it.
            Action::Hardclock => {
                let _ = next.kernel.hardclock();
            }
            Action::RunTicks(n) => {
                let _ = next.kernel.run_ticks(n);
            }
            Action::Reset => next = State::default(),
        }
        next
    }

    /// The narration of the latest event, or a greeting before anything happened.
    pub fn narration(&self) -> String {
        match self.kernel.events.last() {
            Some(e) => e.narrate(),
            None => "The simulated machine has booted; ticks is 0. Press hardclock to advance the clock.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hardclock_advances_ticks_and_narrates() {
        let s = State::default().reduce(Action::Hardclock);
        assert_eq!(s.kernel.clock.ticks, 1);
        assert_eq!(s.narration(), "hardclock(): ticks is now 1.");
        let s = s.reduce(Action::RunTicks(255));
        assert_eq!(s.kernel.clock.ticks, 256);
        assert_eq!(s.reduce(Action::Reset).kernel.clock.ticks, 0);
    }
}
