//! What an embedded widget does with its [`EmbedConfig`] and with the host page's
//! [`Command`]s: both become ordinary [`Action`]s of the one reducer ([`State::reduce`]), so a
//! widget behaves exactly like the app, step for step. Plain Rust, tested natively.
//!
//! A *step* here is what the widget's step button does: the next statement, or one hardclock
//! once the script has ended, so a reader can keep stepping through a short scenario.

use super::catalog::{man_page, ManPage, DEFAULT_PRESET};
use super::embed_params::{Command, EmbedConfig, Source, View};
use super::state::{Action, State};

/// A change of a widget's state: one action, or a few composed from actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WidgetAction {
    Do(Action),
    /// `n` steps (see the module doc).
    Steps(u64),
    /// Back to the start, then to `ticks` since boot, then `steps` steps.
    Goto {
        ticks: Option<u64>,
        steps: u64,
    },
    Load(Source),
}

impl From<Action> for WidgetAction {
    fn from(a: Action) -> Self {
        WidgetAction::Do(a)
    }
}

/// The change a host page's command asks for; `None` for `ping`, which only asks the widget
/// to post its state.
pub fn command_action(c: Command) -> Option<WidgetAction> {
    Some(match c {
        Command::Step(n) => WidgetAction::Steps(n),
        Command::Hardclock(n) => WidgetAction::Do(Action::RunTicks(n)),
        Command::Back => WidgetAction::Do(Action::StepBack),
        Command::Reset => WidgetAction::Do(Action::Reset),
        Command::Goto { ticks, steps } => WidgetAction::Goto { ticks, steps },
        Command::Load(src) => WidgetAction::Load(src),
        Command::Play => WidgetAction::Do(Action::Play),
        Command::Pause => WidgetAction::Do(Action::Pause),
        Command::Speed(s) => WidgetAction::Do(Action::SetSpeed(s)),
        Command::Ping => return None,
    })
}

/// Applies a widget action in place: every step changes the one state, which is never copied
/// (a widget of 16,000 timers with `data-step=10000` took 7 s when each step copied it).
/// Never panics (every step is an [`Action`] of the reducer).
pub fn apply(s: &mut State, a: WidgetAction) {
    match a {
        WidgetAction::Do(a) => s.apply(a),
        WidgetAction::Steps(n) => steps(s, n),
        WidgetAction::Goto { ticks, steps: n } => {
            s.apply(Action::Reset);
            if let Some(t) = ticks {
                s.apply(Action::JumpToTick(t));
            }
            steps(s, n)
        }
        WidgetAction::Load(src) => load(s, &src),
    }
}

/// [`apply`] on a copy.
pub fn reduce(s: &State, a: WidgetAction) -> State {
    let mut next = s.clone();
    apply(&mut next, a);
    next
}

fn load(s: &mut State, src: &Source) {
    s.apply(match src {
        Source::Default => Action::LoadPreset(DEFAULT_PRESET.into()),
        Source::Preset(p) => Action::LoadPreset(p.clone()),
        Source::Scenario(text) => Action::LoadScenario(text.clone()),
    })
}

/// The scenario text a widget of `src` loads. A widget asked for the scheme lab
/// (`view=compare`) is given to the tools module with this text as its `data-scenario`.
pub fn source_text(src: &Source) -> String {
    let preset = |name: &str| {
        crate::script::presets::find(name)
            .map_or("", |p| p.source)
            .to_string()
    };
    match src {
        Source::Default => preset(DEFAULT_PRESET),
        Source::Preset(p) => preset(p),
        Source::Scenario(text) => text.clone(),
    }
}

/// `n` steps; stops early at a simulated panic, a scenario error or the end of a run.
fn steps(s: &mut State, n: u64) {
    for _ in 0..n {
        let before = (s.steps, s.kernel().clock.elapsed);
        let a = if s.next_statement().is_some() {
            Action::StepStatement
        } else {
            Action::Hardclock
        };
        s.apply(a);
        if s.kernel().halted() || (s.steps, s.kernel().clock.elapsed) == before {
            break;
        }
    }
}

/// The state a widget opens with.
pub fn initial_state(cfg: &EmbedConfig) -> State {
    let mut s = State::default();
    load(&mut s, &cfg.source);
    if let Some(v) = cfg.speed {
        s.apply(Action::SetSpeed(v));
    }
    if s.error.is_none() && (cfg.ticks.is_some() || cfg.steps > 0) {
        apply(
            &mut s,
            WidgetAction::Goto {
                ticks: cfg.ticks,
                steps: cfg.steps,
            },
        );
    }
    if cfg.autoplay {
        s.apply(Action::Play);
    }
    s
}

/// The view that fits the scenario when `view` was not given: the man page it teaches.
pub fn default_view(s: &State) -> View {
    match man_page(&s.scenario.src) {
        ManPage::OpenbsdTimeout => View::Wheel,
        ManPage::FreebsdCallout => View::Callwheel,
        ManPage::Rtalloc => View::Radix,
        ManPage::RtTimer => View::RtTimer,
    }
}

/// The stylesheet for a widget inside a shadow root: `style.css` with every `rem` length made
/// `em`. In a shadow root `rem` still follows the *host page's* root font size, and course
/// sites change it (mdBook sets `html { font-size: 62.5% }`, which would shrink the widget to
/// ten-pixel text); `:host` resets the widget's own font size to the reader's default.
pub fn shadow_css(style: &str) -> String {
    let b = style.as_bytes();
    let mut out = String::with_capacity(style.len());
    let mut last = 0;
    let mut i = 0;
    while i + 3 <= b.len() {
        let after_number = i > 0 && (b[i - 1].is_ascii_digit() || b[i - 1] == b'.');
        let unit_ends = b.get(i + 3).is_none_or(|c| !c.is_ascii_alphanumeric());
        if after_number && &b[i..i + 3] == b"rem" && unit_ends {
            out.push_str(&style[last..i]);
            out.push_str("em");
            i += 3;
            last = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&style[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rem_lengths_become_em_and_nothing_else_changes() {
        let css = ".a { width: 1.5rem; margin: 0 2rem 3rem; } .remote { x: 10rems; }";
        assert_eq!(
            shadow_css(css),
            ".a { width: 1.5em; margin: 0 2em 3em; } .remote { x: 10rems; }"
        );
    }
}
