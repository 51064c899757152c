//! Predict, then step: questions generated from the kernel at any moment of a scenario.
//!
//! A *moment* is a kernel state between two steps of a scenario (before statement `i`, or after
//! the last one). [`generate::questions_at`] runs a clone of the machine ahead from there, reads
//! the events that settle each question (a `Due` and its `Fire`, an `Added`, a lookup, an
//! rt_timer `Expired`) and turns them into a question, the kernel's own answer, distractors taken
//! from real misconceptions ([`distractors`]) and an explanation made of the narration of those
//! events. The kernel is deterministic and a clone is a snapshot, so an answer is never a guess:
//! it is what the machine then does.
//!
//! Authored checkpoints ([`checkpoints`]): a `# ask: KIND [SUBJECT]` comment before a statement
//! makes that question the one asked there. Plain Rust, no web imports: the CLI
//! (`hardclock-trace quiz`), the app and the widgets share it.

pub mod checkpoints;
pub mod cli;
pub mod distractors;
pub mod generate;
pub mod pick;
pub mod sheet;

pub use checkpoints::{checkpoints, Checkpoint};
pub use generate::{questions_at, Horizon};
pub use pick::ask_at;
pub use sheet::{all_questions, sheet, SheetError};

use std::fmt;

/// What a question asks about; the names are those of the JSON sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Where `timeout_add(&t, n)` leaves the timeout: `timeout_todo`, or wheel W bucket B.
    Bucket,
    /// At which tick a pending timeout or callout fires.
    FireTick,
    /// Which of several handlers due on the same tick runs first.
    FirstToFire,
    /// What a call returns (`timeout_add`, `timeout_del`, `callout_stop`, `untimeout`, `rtalloc1`...).
    Returns,
    /// Which route a lookup returns, and whether `rn_match` backtracks to find it.
    Lookup,
    /// At which tick an rt_timer entry expires (the route that leaves is in the explanation).
    RtExpire,
}

/// Every kind, in the order a step offers them.
pub const KINDS: [Kind; 6] = [
    Kind::Bucket,
    Kind::Returns,
    Kind::Lookup,
    Kind::FireTick,
    Kind::RtExpire,
    Kind::FirstToFire,
];

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bucket => "bucket",
            Kind::FireTick => "fire_tick",
            Kind::FirstToFire => "first_to_fire",
            Kind::Returns => "returns",
            Kind::Lookup => "lookup",
            Kind::RtExpire => "rt_expire",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        KINDS.into_iter().find(|k| k.as_str() == s)
    }
}

/// An answer or a choice: a number (a tick, a return value) or a phrase (a place, a route).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Answer {
    Int(i64),
    Text(String),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Int(n) => write!(f, "{n}"),
            Answer::Text(s) => f.write_str(s),
        }
    }
}

impl Answer {
    /// As a JSON value: a number, or a string.
    pub fn json(&self) -> String {
        match self {
            Answer::Int(n) => n.to_string(),
            Answer::Text(s) => crate::script::trace::json_string(s),
        }
    }

    /// Whether what the student typed is this answer (numbers by value, text exactly, trimmed).
    pub fn matches(&self, typed: &str) -> bool {
        let typed = typed.trim();
        match self {
            Answer::Int(n) => typed.parse::<i64>().is_ok_and(|t| t == *n),
            Answer::Text(s) => typed == s,
        }
    }
}

/// One question about a moment, with the kernel's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub kind: Kind,
    /// What it is about: a timeout or callout name, a route, a handler call, a statement.
    pub subject: String,
    /// `ticks` at the moment it is asked.
    pub at_tick: i32,
    /// The statement about to run (`stmts.len()` when the script has ended: the clock runs on).
    pub stmt: usize,
    /// That statement's line (0 after the end).
    pub line: u32,
    pub question: String,
    /// Distinct, the answer among them, in a seeded order.
    pub choices: Vec<Answer>,
    pub answer: Answer,
    pub explanation: String,
}

impl Question {
    /// One line of the JSON sheet.
    pub fn json(&self) -> String {
        use crate::script::trace::json_string;
        let choices: Vec<String> = self.choices.iter().map(Answer::json).collect();
        format!(
            "{{\"kind\":\"{}\",\"subject\":{},\"at_tick\":{},\"line\":{},\"question\":{},\"choices\":[{}],\"answer\":{},\"explanation\":{}}}",
            self.kind.as_str(),
            json_string(&self.subject),
            self.at_tick,
            self.line,
            json_string(&self.question),
            choices.join(","),
            self.answer.json(),
            json_string(&self.explanation),
        )
    }
}
