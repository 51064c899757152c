//! FreeBSD callout(9) on the hashed callwheel. (Filled in by its issue.)

use super::api::Signature;

pub const API: &[Signature] = &[];

#[derive(Clone, Debug, Default)]
pub struct Callouts {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalloutEvent {}

impl CalloutEvent {
    pub fn narrate(&self) -> String {
        match *self {}
    }
}

use super::api::Args;
use super::{Kernel, KernelError, Value};

pub fn hardclock(_k: &mut Kernel) {}

pub fn softclock(_k: &mut Kernel) -> Result<(), KernelError> {
    Ok(())
}

pub fn call(_k: &mut Kernel, _name: &str, _args: &Args) -> Option<Result<Value, KernelError>> {
    None
}

/// `busy(n)` in a handler body: the handler keeps running for n hardclocks.
pub fn busy(_k: &mut Kernel, _n: i64) -> Result<Value, KernelError> {
    Err(KernelError::msg("busy() is not simulated yet"))
}

pub fn read_var(_k: &Kernel, _name: &str) -> Option<Value> {
    None
}

pub fn write_var(_k: &mut Kernel, _name: &str, _v: &Value) -> Result<bool, KernelError> {
    Ok(false)
}
