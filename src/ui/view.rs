//! The views of the simulator, as the app's switch, a widget's `view=` and the lessons name
//! them. Its own module so that the state, the lessons and the embed parameters can all name
//! a view without naming each other.

/// One view of the simulator, as `view=` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    /// The OpenBSD 4x256 timeout wheel.
    Wheel,
    /// The table of every timeout and callout.
    Timers,
    /// The FreeBSD callwheel.
    Callwheel,
    /// The NetBSD rt_timer queues.
    RtTimer,
    /// The routing tables and the routing socket.
    Routes,
    /// The radix tree and the latest lookup.
    Radix,
    /// The running routine's pseudocode.
    Pseudocode,
    /// The scenario editor and the console.
    Console,
    /// The scheme lab: every timer design on one workload, stepped together.
    Compare,
}

impl View {
    pub const ALL: [View; 9] = [
        View::Wheel,
        View::Timers,
        View::Callwheel,
        View::RtTimer,
        View::Routes,
        View::Radix,
        View::Pseudocode,
        View::Console,
        View::Compare,
    ];

    /// The name in `view=` / `data-view`.
    pub fn name(self) -> &'static str {
        match self {
            View::Wheel => "wheel",
            View::Timers => "timers",
            View::Callwheel => "callwheel",
            View::RtTimer => "rttimer",
            View::Routes => "routes",
            View::Radix => "radix",
            View::Pseudocode => "pseudocode",
            View::Console => "console",
            View::Compare => "compare",
        }
    }

    /// Reads a view name; `routine` and `rt_timer` are accepted as the spellings the app uses.
    pub fn parse(s: &str) -> Option<View> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "routine" => return Some(View::Pseudocode),
            "rt_timer" => return Some(View::RtTimer),
            _ => {}
        }
        View::ALL.into_iter().find(|v| v.name() == s)
    }
}
