//! The scenario language: the C-like statements of `.hc` files, the console, URL hashes and
//! presets ([`presets`]). The language reference is `docs/scenario-language.md`.
//!
//! The pipeline is text -> [`lexer`] -> [`parser`] (a spanned [`ast`]) -> [`check`] against the
//! kernel's call table -> [`lower`] to the kernel's `Stmt`s -> [`runner`] -> [`trace`]. Every
//! stage reports problems as a [`ScriptError`] with line and column; none of them panics.

pub mod ast;
pub mod check;
pub mod error;
pub mod handlers;
pub mod interp;
pub mod lexer;
pub mod limits;
pub mod lower;
pub mod parser;
pub mod presets;
pub mod runner;
pub mod suggest;
pub mod trace;

pub use error::ScriptError;
pub use handlers::Handlers;
pub use interp::Interp;
pub use runner::{
    hardclock_count, run, run_console_line, ConsoleOutcome, Outcome, RunOutcome, Scenario,
    ScriptStmt, StmtResult, Stop,
};
