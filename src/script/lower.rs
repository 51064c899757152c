//! Lowers the spanned tree to the kernel's [`Stmt`]s, which keep only their line.
//!
//! Operands stay unevaluated ([`Operand::Ident`] is looked up when the statement runs), so a
//! handler body sees variables as they are when its timer fires.

use super::ast::{self, ArgKind, StmtKind};
use crate::kernel::{Operand, Stmt, Target, Value};

pub fn operand(a: &ArgKind) -> Operand {
    match a {
        ArgKind::Int(n) => Operand::Lit(Value::Int(*n)),
        ArgKind::Null => Operand::Lit(Value::Null),
        ArgKind::Addr(x) => Operand::Lit(Value::Addr(*x)),
        ArgKind::Prefix(x, l) => Operand::Lit(Value::Prefix(*x, *l)),
        ArgKind::Struct(v) => Operand::Lit(Value::Struct(v.clone())),
        ArgKind::Flags(v) => Operand::Lit(Value::Flags(v.clone())),
        ArgKind::Ident(s) => Operand::Ident(s.clone()),
        ArgKind::Ref(s) => Operand::Ref(s.clone()),
        ArgKind::Field(o, f) => Operand::Field(o.clone(), f.clone()),
    }
}

pub fn target(t: &ast::Target) -> Target {
    match t {
        ast::Target::Var(n) => Target::Var(n.text.clone()),
        ast::Target::Field(o, f) => Target::Field(o.text.clone(), f.text.clone()),
    }
}

/// A call or assignment as the kernel runs it; `None` for a handler definition.
pub fn stmt(s: &ast::Stmt) -> Option<Stmt> {
    let line = s.span.line;
    match &s.kind {
        StmtKind::Call {
            target: t,
            name,
            args,
        } => Some(Stmt::Call {
            line,
            target: t.as_ref().map(target),
            name: name.text.clone(),
            args: args.iter().map(|a| operand(&a.kind)).collect(),
        }),
        StmtKind::Assign { target: t, value } => Some(Stmt::Assign {
            line,
            target: target(t),
            value: operand(&value.kind),
        }),
        StmtKind::Handler { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::parser::parse;

    fn lowered(src: &str) -> Vec<Option<Stmt>> {
        parse(src).unwrap().stmts.iter().map(stmt).collect()
    }

    #[test]
    fn calls_and_assignments_keep_their_operands_unevaluated() {
        let got = lowered("r = f(&t1, tp, NULL, -3, 10.1.2.3, 10.0.0.0/8, {1, 2}, A|B, ro.ro_rt)\nro.ro_dst = 10.1.2.3\nhandler h { }");
        assert_eq!(
            got,
            vec![
                Some(Stmt::Call {
                    line: 1,
                    target: Some(Target::Var("r".into())),
                    name: "f".into(),
                    args: vec![
                        Operand::Ref("t1".into()),
                        Operand::Ident("tp".into()),
                        Operand::Lit(Value::Null),
                        Operand::Lit(Value::Int(-3)),
                        Operand::Lit(Value::Addr(0x0a01_0203)),
                        Operand::Lit(Value::Prefix(0x0a00_0000, 8)),
                        Operand::Lit(Value::Struct(vec![1, 2])),
                        Operand::Lit(Value::Flags(vec!["A".into(), "B".into()])),
                        Operand::Field("ro".into(), "ro_rt".into()),
                    ],
                }),
                Some(Stmt::Assign {
                    line: 2,
                    target: Target::Field("ro".into(), "ro_dst".into()),
                    value: Operand::Lit(Value::Addr(0x0a01_0203)),
                }),
                None,
            ]
        );
    }
}
