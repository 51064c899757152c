//! The scenario as written: statements and arguments with their places in the text.
//!
//! The kernel runs [`kernel::Stmt`](crate::kernel::Stmt)s, which know only their line; this tree
//! keeps a [`Span`] on every statement, call name and argument so that a check or a kernel error
//! can point at the exact column.

use crate::kernel::value::Ipv4;

/// A place in the script: where it starts (line, column) and its byte range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// From the start of `self` to the end of `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            end: other.end.max(self.start),
            ..self
        }
    }
}

/// A name with its place: a call name, a variable, a handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// What an argument (or the right side of an assignment) says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// `300`, `0x2a`, `-1`.
    Int(i64),
    /// `tp`, `arp_expire`, `rt`: a variable if one is bound when it runs, else a symbol.
    Ident(String),
    /// `&t1`.
    Ref(String),
    /// `NULL`.
    Null,
    /// `10.1.2.3`.
    Addr(Ipv4),
    /// `10.0.0.0/8`, kept as written (host bits included).
    Prefix(Ipv4, u8),
    /// `{1, 500000}`.
    Struct(Vec<i64>),
    /// `RTF_HOST|RTF_DYNAMIC` (two or more names).
    Flags(Vec<String>),
    /// `ro.ro_rt`.
    Field(String, String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    pub kind: ArgKind,
    pub span: Span,
}

/// The left side of `=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `x`, `hz`.
    Var(Name),
    /// `ro.ro_dst`.
    Field(Name, Name),
}

impl Target {
    pub fn span(&self) -> Span {
        match self {
            Target::Var(n) => n.span,
            Target::Field(o, f) => o.span.to(f.span),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    /// `[target =] name(args)`.
    Call {
        target: Option<Target>,
        name: Name,
        args: Vec<Arg>,
    },
    /// `target = value`.
    Assign { target: Target, value: Arg },
    /// `handler name { body }`; the body holds only calls and assignments.
    Handler { name: Name, body: Vec<Stmt> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    pub kind: StmtKind,
    /// The whole statement, from its first token to its last (`}` for a handler).
    pub span: Span,
}

/// A parsed script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    pub stmts: Vec<Stmt>,
}
