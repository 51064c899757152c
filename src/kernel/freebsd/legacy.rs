//! The old-style `timeout()` / `untimeout()` / `callout_handle_init()` on the callwheel.
//!
//! `timeout()` takes a preallocated callout from the top of the `callfree` stack and returns a
//! `struct callout_handle`, which is only a pointer to it (here: its slot number). When the
//! callout fires or is stopped it goes straight back on top of `callfree`, so the very next
//! `timeout()` reuses it. `untimeout(func, arg, h)` has nothing but func and arg to validate the
//! handle with: a stale handle whose slot now holds a newer timeout with the same func and arg
//! cancels that newer timeout. That is the man page's "handles are recycled" warning.

use super::events::{CalloutEvent, UntimeoutOutcome};
use super::{CalloutImpl, Callouts};
use crate::kernel::{KernelError, Trace, Value};

impl Callouts {
    /// `h = timeout(func, arg, n)`.
    pub fn timeout(
        &mut self,
        func: Option<&str>,
        arg: &Value,
        n: i64,
        now: i32,
        trace: &mut Trace,
    ) -> Result<Value, KernelError> {
        let t = n.clamp(i32::MIN as i64, i32::MAX as i64) as i32;
        if self.impl_ == CalloutImpl::Calltodo {
            return self.calltodo_timeout(func, arg, t, now, trace);
        }
        let Some(slot) = self.callfree.pop() else {
            let ncallout = self.ncallout;
            trace.emit(now, CalloutEvent::TableFull { ncallout });
            return Err(KernelError::Panic("timeout table full".into()));
        };
        self.callout_reset(slot, n, func, arg, now, trace);
        let c_time = self.wheel.get(slot).c_time;
        trace.emit(
            now,
            CalloutEvent::Timeout {
                slot,
                func: func.unwrap_or("NULL").to_string(),
                arg: arg.to_string(),
                c_time,
                bucket: super::callwheel::bucket_of(c_time, self.wheel.mask),
                free_left: self.callfree.len() as u32,
            },
        );
        Ok(Value::Handle(slot))
    }

    /// `untimeout(func, arg, h)` on the callwheel (4.4BSD's two-argument one is
    /// [`Callouts::calltodo_untimeout`]). `h` is a handle from `timeout()`, or NULL from
    /// `callout_handle_init`.
    pub fn untimeout(
        &mut self,
        func: Option<&str>,
        arg: &Value,
        h: &Value,
        now: i32,
        trace: &mut Trace,
    ) -> Result<Value, KernelError> {
        let fname = || func.unwrap_or("NULL").to_string();
        let slot = match h {
            Value::Null | Value::Int(0) => None,
            Value::Handle(s) if (*s as usize) < self.callfree_capacity() => Some(*s),
            Value::Handle(s) => {
                return Err(KernelError::arg(
                    2,
                    format!("untimeout: handle#{s} does not point into the callout table"),
                ))
            }
            Value::Sym(name) => {
                return Err(KernelError::arg(
                    2,
                    format!("untimeout: {name} is not an initialised callout handle; calling untimeout without one is undefined (use h = timeout(...) or callout_handle_init(&{name}))"),
                ))
            }
            other => {
                return Err(KernelError::arg(
                    2,
                    format!(
                        "untimeout: argument 3 must be a struct callout_handle, got {}",
                        other.type_name()
                    ),
                ))
            }
        };
        let Some(slot) = slot else {
            trace.emit(
                now,
                CalloutEvent::Untimeout {
                    slot: None,
                    func: fname(),
                    arg: arg.to_string(),
                    outcome: UntimeoutOutcome::NullHandle,
                },
            );
            return Ok(Value::Null);
        };
        let w = &self.wheel;
        let same = w.c_func_name(slot).map(|f| f.as_str()) == func && w.get(slot).c_arg == *arg;
        let stopped = if same {
            Some(self.callout_stop(slot, now, trace)?)
        } else {
            None
        };
        let w = &self.wheel;
        let outcome = match stopped {
            Some(ret) => UntimeoutOutcome::Stopped { ret },
            None => UntimeoutOutcome::Mismatch {
                has_func: w.c_func_name(slot).map(|f| f.to_string()),
                has_arg: w.get(slot).c_arg.to_string(),
            },
        };
        trace.emit(
            now,
            CalloutEvent::Untimeout {
                slot: Some(slot),
                func: fname(),
                arg: arg.to_string(),
                outcome,
            },
        );
        Ok(Value::Null)
    }

    /// `callout_handle_init(&h)`: the script variable `h` becomes a handle with a NULL callout
    /// (the syscall glue binds the variable).
    pub fn callout_handle_init(&mut self, h: &str, now: i32, trace: &mut Trace) {
        self.handle_vars.insert(h.to_string());
        trace.emit(now, CalloutEvent::HandleInit { h: h.to_string() });
    }
}
