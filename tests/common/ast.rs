//! Statements built as the lowering would build them, for tests that generate scenarios
//! (property tests) or drive `Interp::exec` one statement at a time. Text that a person would
//! write is better run through the parser: see `scenario.rs`.
// Each test crate includes this file and uses a part of it.
#![allow(dead_code)]

use hardclock::kernel::{Operand, Stmt, Target, Value};

/// `300`.
pub fn int(n: i64) -> Operand {
    Operand::Lit(Value::Int(n))
}

/// `&name`.
pub fn obj(name: &str) -> Operand {
    Operand::Ref(name.into())
}

/// `name`: a variable's value, or a symbol (a handler, an opaque argument).
pub fn ident(name: &str) -> Operand {
    Operand::Ident(name.into())
}

/// `NULL`.
pub fn null() -> Operand {
    Operand::Lit(Value::Null)
}

/// `[target =] name(args)` on line 1.
pub fn call_to(target: Option<&str>, name: &str, args: Vec<Operand>) -> Stmt {
    Stmt::Call {
        line: 1,
        target: target.map(|t| Target::Var(t.into())),
        name: name.into(),
        args,
    }
}

/// `name(args)`.
pub fn call(name: &str, args: Vec<Operand>) -> Stmt {
    call_to(None, name, args)
}

/// `var = name(args)`.
pub fn bind(var: &str, name: &str, args: Vec<Operand>) -> Stmt {
    call_to(Some(var), name, args)
}

/// `var = value`.
pub fn assign(var: &str, value: Operand) -> Stmt {
    Stmt::Assign {
        line: 1,
        target: Target::Var(var.into()),
        value,
    }
}
