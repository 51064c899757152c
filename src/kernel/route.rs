//! The radix-tree route table and rtalloc(9). (Filled in by its issue.)

use super::api::Signature;

pub const API: &[Signature] = &[];

#[derive(Clone, Debug, Default)]
pub struct Routes {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteEvent {}

impl RouteEvent {
    pub fn narrate(&self) -> String {
        match *self {}
    }
}

use super::api::Args;
use super::{Kernel, KernelError, Value};

pub fn call(_k: &mut Kernel, _name: &str, _args: &Args) -> Option<Result<Value, KernelError>> {
    None
}

/// Reads `obj.field` (like `ro.ro_rt`).
pub fn read_field(_k: &Kernel, obj: &str, field: &str) -> Result<Value, KernelError> {
    Err(KernelError::msg(format!("{obj}.{field}: no such field")))
}

/// Writes `obj.field` (like `ro.ro_dst = 10.1.2.3`).
pub fn write_field(_k: &mut Kernel, obj: &str, field: &str, _v: Value) -> Result<(), KernelError> {
    Err(KernelError::msg(format!("{obj}.{field}: no such field")))
}

pub fn read_var(_k: &Kernel, _name: &str) -> Option<Value> {
    None
}

pub fn write_var(_k: &mut Kernel, _name: &str, _v: &Value) -> Result<bool, KernelError> {
    Ok(false)
}

/// For the trace: the refcount of the route a call returned or took, and whether it was freed.
pub fn route_note(_k: &Kernel, _ret: &Value, _args: &[Value]) -> (Option<i32>, bool) {
    (None, false)
}
