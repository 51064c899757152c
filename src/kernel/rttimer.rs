//! NetBSD rt_timer(9) queues. (Filled in by its issue.)

use super::api::Signature;

pub const API: &[Signature] = &[];

#[derive(Clone, Debug, Default)]
pub struct RtTimers {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RtTimerEvent {}

impl RtTimerEvent {
    pub fn narrate(&self) -> String {
        match *self {}
    }
}

use super::api::Args;
use super::{Kernel, KernelError, Value};

pub fn call(_k: &mut Kernel, _name: &str, _args: &Args) -> Option<Result<Value, KernelError>> {
    None
}

/// Runs a built-in action (`rt_timer_timer`, `icmp_mtudisc_timeout`, ...); false if `func` is not one.
pub fn run_builtin(_k: &mut Kernel, _func: &str, _arg: &Value) -> Result<bool, KernelError> {
    Ok(false)
}

pub fn read_var(_k: &Kernel, _name: &str) -> Option<Value> {
    None
}

pub fn write_var(_k: &mut Kernel, _name: &str, _v: &Value) -> Result<bool, KernelError> {
    Ok(false)
}

/// `rt_timer_remove_all(rt)`: drops every rt_timer of a route; the route table calls it when a
/// route is deleted. (Stub until the rt_timer issue fills it in.)
pub fn remove_all(_k: &mut Kernel, _rt: u32) {}
