//! The Yew front end: one reducer ([`state`]) and one component per file.
//!
//! Only `state`, `lab_state`, `hash`, `listing`, `catalog`, `pseudocode` and the embedding logic (`embed_params`,
//! `embed`) are plain Rust (tested natively); the components and the DOM glue compile for
//! wasm32 only. Every component takes the state (read-only) and an `on_action` callback.

pub mod catalog;
pub mod css;
pub mod embed;
pub mod embed_params;
pub mod hash;
pub mod lab_state;
pub mod lesson;
pub mod listing;
pub mod predict_state;
pub mod pseudocode;
pub mod state;
pub mod svg;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod callwheel;
#[cfg(target_arch = "wasm32")]
pub mod compare;
#[cfg(target_arch = "wasm32")]
pub mod console;
#[cfg(target_arch = "wasm32")]
pub mod controls;
#[cfg(target_arch = "wasm32")]
pub mod embed_mount;
#[cfg(target_arch = "wasm32")]
pub mod figure;
#[cfg(target_arch = "wasm32")]
pub mod frozen;
#[cfg(target_arch = "wasm32")]
pub mod help;
#[cfg(target_arch = "wasm32")]
pub mod host_link;
#[cfg(target_arch = "wasm32")]
pub mod kit;
#[cfg(target_arch = "wasm32")]
pub mod lab_host;
#[cfg(target_arch = "wasm32")]
pub mod loader;
#[cfg(target_arch = "wasm32")]
pub mod markup;
#[cfg(target_arch = "wasm32")]
pub mod narration;
#[cfg(target_arch = "wasm32")]
pub mod predict;
#[cfg(target_arch = "wasm32")]
pub mod presets;
#[cfg(target_arch = "wasm32")]
pub mod radix;
#[cfg(target_arch = "wasm32")]
pub mod routes;
#[cfg(target_arch = "wasm32")]
pub mod routine;
#[cfg(target_arch = "wasm32")]
pub mod rttimer;
#[cfg(target_arch = "wasm32")]
pub mod timeline;
#[cfg(target_arch = "wasm32")]
pub mod timers;
#[cfg(target_arch = "wasm32")]
pub mod tools_mount;
#[cfg(target_arch = "wasm32")]
pub mod wheel;
#[cfg(target_arch = "wasm32")]
pub mod widget;
#[cfg(target_arch = "wasm32")]
pub mod widget_controls;
