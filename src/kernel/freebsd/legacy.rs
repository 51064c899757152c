//! The old-style `timeout()` / `untimeout()` / `callout_handle_init()` on the callwheel.
//!
//! `timeout()` takes a preallocated callout from the top of the `callfree` stack and returns a
//! `struct callout_handle`, which is only a pointer to it (here: its slot number). When the
//! callout fires or is stopped it goes straight back on top of `callfree`, so the very next
//! `timeout()` reuses it. `untimeout(func, arg, h)` has nothing but func and arg to validate the
//! handle with: a stale handle whose slot now holds a newer timeout with the same func and arg
//! cancels that newer timeout. That is the man page's "handles are recycled" warning.

use super::callout::{callout_reset, stop_safe};
use super::events::{CalloutEvent, UntimeoutOutcome};
use super::{calltodo, CalloutImpl};
use crate::kernel::{Kernel, KernelError, Value};

/// `h = timeout(func, arg, n)`.
pub fn timeout(
    k: &mut Kernel,
    func: Option<&str>,
    arg: &Value,
    n: i64,
) -> Result<Value, KernelError> {
    let t = n.clamp(i32::MIN as i64, i32::MAX as i64) as i32;
    if k.co.impl_ == CalloutImpl::Calltodo {
        return calltodo::timeout(k, func, arg, t);
    }
    let Some(slot) = k.co.callfree.pop() else {
        let ncallout = k.co.ncallout;
        k.emit(CalloutEvent::TableFull { ncallout });
        return Err(k.panic("timeout table full"));
    };
    callout_reset(k, slot, n, func, arg)?;
    k.emit({
        let c_time = k.co.wheel.get(slot).c_time;
        CalloutEvent::Timeout {
            slot,
            func: func.unwrap_or("NULL").to_string(),
            arg: arg.to_string(),
            c_time,
            bucket: super::callwheel::bucket_of(c_time, k.co.wheel.mask),
            free_left: k.co.callfree.len() as u32,
        }
    });
    Ok(Value::Handle(slot))
}

/// `untimeout(func, arg, h)` on the callwheel (4.4BSD's two-argument one is
/// [`calltodo::untimeout`]). `h` is a handle from `timeout()`, or NULL from `callout_handle_init`.
pub fn untimeout(
    k: &mut Kernel,
    func: Option<&str>,
    arg: &Value,
    h: &Value,
) -> Result<Value, KernelError> {
    let fname = || func.unwrap_or("NULL").to_string();
    let slot = match h {
        Value::Null | Value::Int(0) => None,
        Value::Handle(s) if (*s as usize) < k.co.callfree_capacity() => Some(*s),
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
        k.emit(CalloutEvent::Untimeout {
            slot: None,
            func: fname(),
            arg: arg.to_string(),
            outcome: UntimeoutOutcome::NullHandle,
        });
        return Ok(Value::Null);
    };
    let w = &k.co.wheel;
    let same = w.c_func_name(slot).map(|f| f.as_str()) == func && w.get(slot).c_arg == *arg;
    let stopped = if same {
        Some(stop_safe(k, slot, false)?)
    } else {
        None
    };
    k.emit({
        let w = &k.co.wheel;
        let outcome = match stopped {
            Some(ret) => UntimeoutOutcome::Stopped { ret },
            None => UntimeoutOutcome::Mismatch {
                has_func: w.c_func_name(slot).map(|f| f.to_string()),
                has_arg: w.get(slot).c_arg.to_string(),
            },
        };
        CalloutEvent::Untimeout {
            slot: Some(slot),
            func: fname(),
            arg: arg.to_string(),
            outcome,
        }
    });
    Ok(Value::Null)
}

/// `callout_handle_init(&h)`: the script variable `h` becomes a handle with a NULL callout.
pub fn callout_handle_init(k: &mut Kernel, h: &str) -> Result<Value, KernelError> {
    if k.kernel_var(h).is_some() {
        return Err(KernelError::arg(
            0,
            format!("callout_handle_init: {h} is a kernel variable, not a handle"),
        ));
    }
    k.vars.insert(h.to_string(), Value::Null);
    k.co.handle_vars.insert(h.to_string());
    k.emit(CalloutEvent::HandleInit { h: h.to_string() });
    Ok(Value::Null)
}
