//! The Yew front end: one reducer ([`state`]) and one component per file.
//!
//! Only `state` and `hash` are plain Rust (tested natively); the components compile for wasm32
//! only.

pub mod hash;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod controls;
