//! hardclock: an interactive teaching visualizer of BSD kernel timers and route expiry.
//!
//! * [`import`] reads what real machines print (routing tables) into scenario statements.
//! * [`kernel`] is the simulated kernel: pure, deterministic Rust with no web imports.
//! * [`lab`] is the scheme lab: the same timers through every timer design, their work counted.
//! * [`script`] is the scenario language that drives it (console, presets, URL hashes, the CLI).
//! * [`ui`] is the Yew front end; it only reads kernel state and events.

pub mod import;
pub mod kernel;
pub mod lab;
pub mod quiz;
pub mod script;
pub mod ui;
