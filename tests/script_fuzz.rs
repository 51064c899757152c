#![cfg(not(target_arch = "wasm32"))]
//! Fuzzing the scenario language: whatever is typed, the lexer, parser, checker and runner
//! return (no Rust panic, no endless loop), and an error always points into the text typed.
//! A generator of valid scenarios checks that the parser reads back what was written.

use hardclock::kernel::Kernel;
use hardclock::script::ast::{ArgKind, StmtKind, Target};
use hardclock::script::error::MAX_QUOTE;
use hardclock::script::parser::parse;
use hardclock::script::Interp;
use hardclock::script::{run, run_console_line, trace, Outcome, ScriptError};
use proptest::prelude::*;

/// The line `n` (1-based) of `src`, as an editor shows it.
fn nth_line(src: &str, n: u32) -> Option<String> {
    let lines: Vec<&str> = src.split('\n').collect();
    let i = n.checked_sub(1)? as usize;
    let line = *lines.get(i)?;
    // A `\r` before a `\n` belongs to the line end.
    Some(match line.strip_suffix('\r') {
        Some(l) if i + 1 < lines.len() => l.to_string(),
        _ => line.to_string(),
    })
}

/// An error must name a real line of the text and a column on it (or just past its end).
fn assert_points_into(src: &str, first_line: u32, e: &ScriptError) {
    assert!(e.line >= first_line && e.col >= 1 && e.len >= 1, "{e:?}");
    let line = nth_line(src, e.line - first_line + 1)
        .unwrap_or_else(|| panic!("line {} is not in {src:?}", e.line));
    if line.chars().count() <= MAX_QUOTE {
        assert_eq!(e.source_line, line, "{src:?}");
    } else {
        // A long line is quoted in a window around the column.
        let window: String = line
            .chars()
            .skip(e.quote_from as usize)
            .take(MAX_QUOTE)
            .collect();
        assert!(e.source_line.contains(&window), "{src:?}");
    }
    assert!(
        (e.col as usize) <= line.chars().count() + 1,
        "column {} past the end of {line:?}",
        e.col
    );
    assert!(e.to_string().contains(&e.source_line));
}

fn check_run(src: &str) {
    let r = run(src);
    if let Outcome::Error(e) = &r.outcome {
        assert_points_into(src, 1, e);
    }
    // The same text gives the same machine: nothing depends on anything but the text.
    let again = run(src);
    assert_eq!(again.outcome, r.outcome);
    assert_eq!(again.kernel.trace.events, r.kernel.trace.events);
    for l in trace::json_lines(&r.kernel, &r.outcome) {
        assert!(l.starts_with("{\"kind\":") && l.ends_with('}'), "{l}");
        assert!(!l.contains('\n'), "{l}");
    }
    let _ = trace::text_lines(&r.kernel, &r.outcome);
}

fn check_console(src: &str) {
    let (mut k, mut it) = (Kernel::new(), Interp::new());
    for (i, line) in src.split('\n').enumerate() {
        let n = 10 + i as u32;
        let c = run_console_line(&mut k, &mut it, line, n);
        if let Outcome::Error(e) = &c.outcome {
            assert_eq!(e.line, n, "{line:?}");
            assert_points_into(line, n, e);
        }
    }
}

const PIECES: &[&str] = &[
    "hz",
    "ticks",
    "tick",
    "x",
    "r",
    "f",
    "tp",
    "ro",
    "ro_rt",
    "ro_dst",
    "hardclock",
    "hardclok",
    "busy",
    "timeout_add",
    "handler",
    "NULL",
    "RTF_HOST",
    "=",
    "(",
    ")",
    "{",
    "}",
    ",",
    ";",
    "\n",
    "&",
    "&t1",
    "|",
    ".",
    "-",
    "/",
    "#",
    "//",
    "0",
    "1",
    "-1",
    "3",
    "300",
    "0x10",
    "0x",
    "10.1.2.3",
    "10.0.0.0/8",
    "10.0.0.0/33",
    "1.2.3",
    "99999999999999999999",
    "5abc",
    "é",
    "\t",
    "\r",
    " ",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(PIECES), prop::bool::ANY), 0..40).prop_map(|v| {
        v.into_iter()
            .map(|(p, space)| {
                if space {
                    format!("{p} ")
                } else {
                    p.to_string()
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(src in "(?s).{0,160}") {
        check_run(&src);
        check_console(&src);
    }

    #[test]
    fn c_like_text_never_panics(src in "[a-z_A-Z0-9&(){},;|.=/#x \t\n-]{0,160}") {
        check_run(&src);
        check_console(&src);
    }

    #[test]
    fn token_soups_never_panic(src in soup()) {
        check_run(&src);
        check_console(&src);
    }
}

/// A generated argument: how it is written, and what the parser must make of it.
#[derive(Clone, Debug)]
enum G {
    Int(i64),
    Hex(u32),
    Ident(String),
    Ref(String),
    Null,
    Addr([u8; 4]),
    Prefix([u8; 4], u8),
    Struct(Vec<i64>),
    Flags(Vec<String>),
    Field(String, String),
}

fn addr(b: [u8; 4]) -> u32 {
    u32::from_be_bytes(b)
}

impl G {
    fn text(&self) -> String {
        match self {
            G::Int(n) => n.to_string(),
            G::Hex(n) => format!("0x{n:x}"),
            G::Ident(s) => s.clone(),
            G::Ref(s) => format!("&{s}"),
            G::Null => "NULL".into(),
            G::Addr(b) => format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]),
            G::Prefix(b, l) => format!("{}.{}.{}.{}/{l}", b[0], b[1], b[2], b[3]),
            G::Struct(v) => format!(
                "{{{}}}",
                v.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            G::Flags(v) => v.join("|"),
            G::Field(o, f) => format!("{o}.{f}"),
        }
    }

    fn expected(&self) -> ArgKind {
        match self {
            G::Int(n) => ArgKind::Int(*n),
            G::Hex(n) => ArgKind::Int(*n as i64),
            G::Ident(s) => ArgKind::Ident(s.clone()),
            G::Ref(s) => ArgKind::Ref(s.clone()),
            G::Null => ArgKind::Null,
            G::Addr(b) => ArgKind::Addr(addr(*b)),
            G::Prefix(b, l) => ArgKind::Prefix(addr(*b), *l),
            G::Struct(v) => ArgKind::Struct(v.clone()),
            G::Flags(v) => ArgKind::Flags(v.clone()),
            G::Field(o, f) => ArgKind::Field(o.clone(), f.clone()),
        }
    }
}

fn name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,8}".prop_filter("keyword", |s| s != "handler")
}

fn flag() -> impl Strategy<Value = String> {
    "[A-Z][A-Z_]{0,6}".prop_filter("keyword", |s| s != "NULL")
}

fn arg() -> impl Strategy<Value = G> {
    prop_oneof![
        any::<i64>().prop_map(G::Int),
        any::<u32>().prop_map(G::Hex),
        name().prop_map(G::Ident),
        name().prop_map(G::Ref),
        Just(G::Null),
        any::<[u8; 4]>().prop_map(G::Addr),
        (any::<[u8; 4]>(), 0u8..=32).prop_map(|(b, l)| G::Prefix(b, l)),
        prop::collection::vec(any::<i64>(), 1..4).prop_map(G::Struct),
        prop::collection::vec(flag(), 2..4).prop_map(G::Flags),
        (name(), name()).prop_map(|(o, f)| G::Field(o, f)),
    ]
}

/// A generated statement: `[target =] name(args)` or `target = value`.
#[derive(Clone, Debug)]
enum GStmt {
    Call(Option<String>, String, Vec<G>),
    Assign(String, G),
}

fn gstmt() -> impl Strategy<Value = GStmt> {
    prop_oneof![
        (
            prop::option::of(name()),
            name(),
            prop::collection::vec(arg(), 0..5)
        )
            .prop_map(|(t, n, a)| GStmt::Call(t, n, a)),
        (name(), arg()).prop_map(|(t, v)| GStmt::Assign(t, v)),
    ]
}

const SEPARATORS: &[&str] = &[
    ";",
    "\n",
    " ; ",
    "; # note\n",
    "\n\n",
    " // note\n",
    ";\r\n",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn the_parser_reads_back_what_was_written(
        stmts in prop::collection::vec((gstmt(), prop::sample::select(SEPARATORS)), 1..8)
    ) {
        let mut src = String::new();
        // Where each argument was written, to compare with the spans.
        let mut written: Vec<Vec<(usize, String)>> = Vec::new();
        for (s, sep) in &stmts {
            let mut places = Vec::new();
            match s {
                GStmt::Call(t, n, args) => {
                    if let Some(t) = t {
                        src.push_str(&format!("{t} = "));
                    }
                    src.push_str(&format!("{n}("));
                    for (i, a) in args.iter().enumerate() {
                        if i > 0 {
                            src.push_str(", ");
                        }
                        places.push((src.len(), a.text()));
                        src.push_str(&a.text());
                    }
                    src.push(')');
                }
                GStmt::Assign(t, v) => {
                    src.push_str(&format!("{t} = "));
                    places.push((src.len(), v.text()));
                    src.push_str(&v.text());
                }
            }
            written.push(places);
            src.push_str(sep);
        }
        let prog = parse(&src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        prop_assert_eq!(prog.stmts.len(), stmts.len());
        for (((g, _), p), places) in stmts.iter().zip(&prog.stmts).zip(&written) {
            let args = match (g, &p.kind) {
                (GStmt::Call(t, n, ga), StmtKind::Call { target, name, args }) => {
                    let got_t = target.as_ref().map(|t| match t {
                        Target::Var(v) => v.text.clone(),
                        Target::Field(..) => "field".into(),
                    });
                    prop_assert_eq!(&got_t, t);
                    prop_assert_eq!(&name.text, n);
                    let want: Vec<ArgKind> = ga.iter().map(G::expected).collect();
                    let got: Vec<ArgKind> = args.iter().map(|a| a.kind.clone()).collect();
                    prop_assert_eq!(got, want);
                    args.clone()
                }
                (GStmt::Assign(t, v), StmtKind::Assign { target: Target::Var(tv), value }) => {
                    prop_assert_eq!(&tv.text, t);
                    prop_assert_eq!(&value.kind, &v.expected());
                    vec![value.clone()]
                }
                (g, p) => panic!("{g:?} parsed as {p:?}"),
            };
            for (a, (start, text)) in args.iter().zip(places) {
                prop_assert_eq!(a.span.start, *start);
                prop_assert_eq!(&src[a.span.start..a.span.end], text.as_str());
            }
        }
    }
}
