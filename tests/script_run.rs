#![cfg(not(target_arch = "wasm32"))]
//! Whole scenarios through `script::run`, checked through the traces a student or tool sees.

#[path = "common/scenario.rs"]
mod scenario;

use hardclock::kernel::Value;
use hardclock::script::limits::MAX_SCRIPT_BYTES;
use hardclock::script::{run, trace, Outcome, Scenario};
use scenario::text;

fn json(src: &str) -> Vec<String> {
    let r = run(src);
    trace::json_lines(&r.kernel, &r.outcome)
}

#[test]
fn clock_settings_and_hardclock_in_the_json_trace() {
    let src = "# boot a fast clock near the start\nhz = 1000;\nticks = 250\nhardclock(3)\n";
    let r = run(src);
    assert_eq!(r.outcome, Outcome::Ok);
    assert_eq!(
        (r.kernel.clock.hz, r.kernel.clock.tick, r.kernel.clock.ticks),
        (1000, 1000, 253)
    );
    assert_eq!(json(src), vec![r#"{"kind":"tick","tick":253,"count":3}"#]);
    assert_eq!(
        text(src),
        vec!["[tick 253] hardclock() ran 3 times: ticks is now 253."]
    );
}

#[test]
fn ticks_wrap_like_a_32_bit_int() {
    let src = "ticks = 0x7ffffffe\nhardclock(1)\nhardclock(2)";
    let r = run(src);
    assert_eq!(r.kernel.clock.ticks, i32::MIN + 1);
    assert_eq!(
        json(src),
        vec![format!(
            r#"{{"kind":"tick","tick":{},"count":3}}"#,
            i32::MIN + 1
        )]
    );
}

#[test]
fn variables_hold_values_between_statements() {
    let r =
        run("n = 0x10; m = n; hardclock(m)\nx = 10.0.0.0/8\ny = {1, -2}\nz = RTF_HOST|RTF_DYNAMIC");
    assert_eq!(r.outcome, Outcome::Ok);
    assert_eq!(r.kernel.clock.ticks, 16);
    let v = |n: &str| r.interp.vars.get(n).cloned();
    assert_eq!(v("m"), Some(Value::Int(16)));
    assert_eq!(v("x"), Some(Value::Prefix(0x0a00_0000, 8)));
    assert_eq!(v("y"), Some(Value::Struct(vec![1, -2])));
    assert_eq!(
        v("z"),
        Some(Value::Flags(vec!["RTF_HOST".into(), "RTF_DYNAMIC".into()]))
    );
    assert_eq!(
        r.results.last().and_then(|s| s.console_text()),
        Some("z = RTF_HOST|RTF_DYNAMIC".into())
    );
}

#[test]
fn handler_definitions_reach_the_kernel_and_are_checked_at_definition() {
    let r = run("handler tcp_rexmt {\n  n = 1\n  busy(3)\n}\nhardclock(2)");
    assert_eq!(r.outcome, Outcome::Ok);
    assert_eq!(r.interp.handlers.get("tcp_rexmt").map(|b| b.len()), Some(2));

    // A typo inside a handler is found before anything runs, even if the handler never fires.
    let src = "hardclock(2)\nhandler tcp_rexmt {\n  bussy(3)\n}";
    let r = run(src);
    assert_eq!(r.kernel.clock.ticks, 0);
    assert_eq!(
        trace::json_lines(&r.kernel, &r.outcome),
        vec![
            r#"{"kind":"error","line":3,"col":3,"msg":"unknown function bussy; did you mean busy?"}"#
        ]
    );

    let r = run("handler a { }\nhandler a { }");
    assert!(
        matches!(r.outcome, Outcome::Error(ref e) if e.msg == "handler a is already defined at line 1" && e.line == 2)
    );
}

#[test]
fn an_error_ends_the_trace_after_what_already_ran() {
    let src = "hardclock(5)\nhz = 1000\nhardclock(5)";
    assert_eq!(
        json(src),
        vec![
            r#"{"kind":"tick","tick":5,"count":5}"#,
            r#"{"kind":"error","line":2,"col":1,"msg":"hz can only be set before the first hardclock"}"#,
        ]
    );
    let t = text(src);
    assert_eq!(t[0], "[tick 5] hardclock() ran 5 times: ticks is now 5.");
    assert_eq!(
        t[1],
        "error: line 2, column 1: hz can only be set before the first hardclock\n  |\n2 | hz = 1000\n  | ^^^^^^^^^"
    );
}

#[test]
fn syntax_errors_carry_line_column_and_caret() {
    let src = "hz = 100\n\ntimeout_add(&t1, 300;\n";
    let r = run(src);
    let Outcome::Error(e) = &r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!(
        e.to_string(),
        "error: line 3, column 21: expected ')' after the arguments of timeout_add, found ';'\n  |\n3 | timeout_add(&t1, 300;\n  |                     ^"
    );
    assert_eq!(r.kernel.clock.hz, 100, "nothing ran");
}

#[test]
fn limits_are_errors_at_the_offending_place() {
    let r = run("hz = 100\nhardclock(1000001)");
    assert!(
        matches!(&r.outcome, Outcome::Error(e) if (e.line, e.col) == (2, 11)),
        "{:?}",
        r.outcome
    );

    let long = format!("hardclock(1)\n{}", "#".repeat(MAX_SCRIPT_BYTES));
    let size = format!("{MAX_SCRIPT_BYTES} bytes");
    assert!(
        matches!(&run(&long).outcome, Outcome::Error(e) if e.line == 2 && e.msg.contains(&size))
    );

    // Five full statements are the whole run's budget; the sixth is refused before it runs.
    let src = "hardclock(1000000)\n".repeat(5) + "hardclock(1)";
    let r = run(&src);
    assert!(
        matches!(&r.outcome, Outcome::Error(e) if e.line == 6 && e.msg.contains("at most 5000000")),
        "{:?}",
        r.outcome
    );
    assert_eq!(r.kernel.clock.ticks, 5_000_000);
}

#[test]
fn compile_then_step_gives_the_same_trace_as_run() {
    let src = "hz = 250\nhardclock(4)\nn = 3\nhardclock(n)";
    let sc = Scenario::compile(src).unwrap();
    let (mut k, mut it) = sc.boot();
    for i in 0..sc.stmts.len() {
        sc.step(&mut k, &mut it, i).unwrap();
    }
    assert_eq!(trace::json_lines(&k, &Outcome::Ok), json(src));
}
