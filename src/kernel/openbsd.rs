//! OpenBSD `timeout(9)` on the 4x256 hierarchical wheel. (Filled in by the timeout(9) work.)

use super::api::Signature;

pub const API: &[Signature] = &[];

/// The wheel and every `struct timeout`.
#[derive(Clone, Debug, Default)]
pub struct Timeouts {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeoutEvent {}

impl TimeoutEvent {
    pub fn narrate(&self) -> String {
        match *self {}
    }
}

use super::api::Args;
use super::{Kernel, KernelError, Value};

/// The hardclock half: splice due buckets onto `timeout_todo`.
pub fn hardclock(_k: &mut Kernel) {}

/// The OpenBSD part of softclock.
pub fn softclock(_k: &mut Kernel) -> Result<(), KernelError> {
    Ok(())
}

/// Runs `name` if it is a timeout(9) function.
pub fn call(_k: &mut Kernel, _name: &str, _args: &Args) -> Option<Result<Value, KernelError>> {
    None
}
