//! Values that flow between scenario statements and kernel calls.
//!
//! The scenario language is C-like but untyped at the surface; the kernel sees these values.
//! Objects (`struct timeout t1`, `struct callout c`, `struct route ro`, mutexes) are named: `&t1`
//! is [`Operand::Ref`], and the facility that owns the name keeps the struct.

use std::fmt;

/// An IPv4 address in host byte order, printed dotted-quad.
pub type Ipv4 = u32;

/// A runtime value: a call's return value, a variable, or an evaluated argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Integers, including C booleans and tick counts.
    Int(i64),
    /// `NULL`, also the "no route" result of `rtalloc1`.
    Null,
    /// A bare identifier with no value bound: a handler name or an opaque `void *arg` like `rt1`.
    Sym(String),
    /// `&name`: the address of a named kernel object.
    Ref(String),
    /// A FreeBSD `struct callout_handle` returned by `timeout()`: index of the pooled callout.
    Handle(u32),
    /// A `struct rtentry *`, by its id in the route arena.
    Route(u32),
    /// A `struct rttimer_queue *`, by its id.
    Queue(u32),
    /// An IPv4 address like `10.1.2.3`.
    Addr(Ipv4),
    /// An IPv4 prefix like `10.0.0.0/8`.
    Prefix(Ipv4, u8),
    /// A struct literal `{a, b}` (timeval, timespec, bintime).
    Struct(Vec<i64>),
    /// A flag union like `RTF_HOST|RTF_DYNAMIC`, by name.
    Flags(Vec<String>),
}

impl Value {
    /// The C truth value, for traces: integers as they are, NULL as 0.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            Value::Null => Some(0),
            _ => None,
        }
    }

    /// A short C-ish name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Null => "NULL",
            Value::Sym(_) => "identifier",
            Value::Ref(_) => "&object",
            Value::Handle(_) => "struct callout_handle",
            Value::Route(_) => "struct rtentry *",
            Value::Queue(_) => "struct rttimer_queue *",
            Value::Addr(_) => "IPv4 address",
            Value::Prefix(..) => "IPv4 prefix",
            Value::Struct(_) => "struct literal",
            Value::Flags(_) => "flags",
        }
    }
}

/// Dotted-quad form of an address.
pub fn fmt_addr(a: Ipv4) -> String {
    format!(
        "{}.{}.{}.{}",
        a >> 24,
        (a >> 16) & 255,
        (a >> 8) & 255,
        a & 255
    )
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Null => write!(f, "NULL"),
            Value::Sym(s) => write!(f, "{s}"),
            Value::Ref(s) => write!(f, "&{s}"),
            Value::Handle(h) => write!(f, "handle#{h}"),
            Value::Route(r) => write!(f, "rt#{r}"),
            Value::Queue(q) => write!(f, "q#{q}"),
            Value::Addr(a) => write!(f, "{}", fmt_addr(*a)),
            Value::Prefix(a, l) => write!(f, "{}/{l}", fmt_addr(*a)),
            Value::Struct(v) => {
                let parts: Vec<String> = v.iter().map(|n| n.to_string()).collect();
                write!(f, "{{{}}}", parts.join(", "))
            }
            Value::Flags(v) => write!(f, "{}", v.join("|")),
        }
    }
}

/// An argument as written in a statement, before variables are looked up.
///
/// Handler bodies keep operands unevaluated so that `untimeout(hello, NULL, h)` inside a handler
/// sees the value `h` has when the handler runs, not when it was defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A literal value (integer, NULL, address, prefix, struct, flags).
    Lit(Value),
    /// `&name`.
    Ref(String),
    /// A bare identifier: a variable if one is bound, else a symbol.
    Ident(String),
    /// `ro.ro_dst`-style field read.
    Field(String, String),
}

/// Where an assignment stores its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `x = ...`: a script variable, or a kernel variable like `hz`.
    Var(String),
    /// `ro.ro_dst = ...`: a field of a named kernel object.
    Field(String, String),
}

/// One statement lowered for the kernel: the script's parser produces these (with spans kept
/// on its side), and handler bodies are stored as lists of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// `[target =] name(args)`.
    Call {
        line: u32,
        target: Option<Target>,
        name: String,
        args: Vec<Operand>,
    },
    /// `target = operand` with no call.
    Assign {
        line: u32,
        target: Target,
        value: Operand,
    },
}

impl Stmt {
    pub fn line(&self) -> u32 {
        match self {
            Stmt::Call { line, .. } | Stmt::Assign { line, .. } => *line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_like_c() {
        assert_eq!(Value::Prefix(0x0a00_0000, 8).to_string(), "10.0.0.0/8");
        assert_eq!(Value::Addr(0xc0a8_0101).to_string(), "192.168.1.1");
        assert_eq!(Value::Struct(vec![1, 500_000]).to_string(), "{1, 500000}");
        assert_eq!(
            Value::Flags(vec!["RTF_HOST".into(), "RTF_DYNAMIC".into()]).to_string(),
            "RTF_HOST|RTF_DYNAMIC"
        );
        assert_eq!(Value::Null.as_int(), Some(0));
    }
}
