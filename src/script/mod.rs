//! The scenario language: lexer, parser, checker, runner and trace.

pub mod ast;
pub mod check;
pub mod error;
pub mod lexer;
pub mod limits;
pub mod parser;

pub use error::ScriptError;
