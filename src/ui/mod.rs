//! The Yew front end: one reducer ([`state`]) and one component per file.
//!
//! Only `state` is plain Rust (tested natively); the components compile for wasm32 only.

pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod controls;
