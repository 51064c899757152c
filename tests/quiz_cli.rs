#![cfg(not(target_arch = "wasm32"))]
//! `hardclock-trace quiz`: the sheet's JSON and text forms, the seed, checkpoints, errors and
//! exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn quiz(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hardclock-trace"))
        .arg("quiz")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hardclock-trace quiz");
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const T300: &str = "\
timeout_set(&t300, arp_expire, rt1)
r = timeout_add(&t300, 300)
hardclock(256)
# ask: fire_tick t300
hardclock(50)
";

#[test]
fn json_has_one_question_per_line_with_the_kernels_answer() {
    let o = quiz(&["-", "--count", "20"], T300);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 3, "{text}");
    for l in &lines {
        assert!(l.starts_with("{\"kind\":\"") && l.ends_with('}'), "{l}");
        for field in [
            "\"subject\":",
            "\"at_tick\":",
            "\"question\":",
            "\"choices\":[",
            "\"answer\":",
            "\"explanation\":",
        ] {
            assert!(l.contains(field), "{field} missing: {l}");
        }
    }
    // The checkpoint's question: asked before hardclock(50), at ticks 256, answered 300.
    let cp = lines
        .iter()
        .find(|l| l.contains("\"kind\":\"fire_tick\",\"subject\":\"t300\",\"at_tick\":256"))
        .unwrap_or_else(|| panic!("no checkpoint question in\n{text}"));
    assert!(cp.contains("\"answer\":300,"), "{cp}");
    assert!(
        text.contains("\"kind\":\"bucket\",\"subject\":\"t300\""),
        "{text}"
    );
    assert!(text.contains("\"answer\":\"timeout_todo\""), "{text}");
}

#[test]
fn the_same_seed_gives_the_same_sheet_and_checkpoints_come_first() {
    let a = quiz(&["cascade-256", "--seed", "7", "--count", "3"], "");
    let b = quiz(&["cascade-256", "--seed=7", "--count=3"], "");
    assert_eq!(a.status.code(), Some(0), "{}", err(&a));
    assert_eq!(out(&a), out(&b));
    assert_eq!(out(&a).lines().count(), 3);
    // A one-question sheet of a scenario with a checkpoint is that checkpoint.
    let o = quiz(&["-", "--count", "1"], T300);
    assert!(
        out(&o).contains("\"subject\":\"t300\",\"at_tick\":256"),
        "{}",
        out(&o)
    );
}

#[test]
fn text_prints_the_questions_then_the_answer_key() {
    let o = quiz(&["-", "--format", "text"], T300);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let t = out(&o);
    let key = t.find("Answer key").expect("an answer key");
    assert!(t[..key].contains("1. [bucket, line 2]"), "{t}");
    assert!(t[..key].contains("   a) "), "{t}");
    assert!(t[key..].contains("softclock runs arp_expire(rt1)"), "{t}");
}

#[test]
fn errors_name_line_and_column_and_exit_2() {
    let o = quiz(&["-"], "hardclock(1)\ntimeout_add(&t, )\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("error: line 2, column"), "{}", err(&o));
    let o = quiz(&["-"], "hardclock(1)\n# ask: when t\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("line 2, column 8: unknown question kind 'when'"),
        "{}",
        err(&o)
    );
    for args in [
        vec!["-", "--count", "0"],
        vec!["-", "--format", "csv"],
        vec!["-", "--bogus"],
        vec![],
    ] {
        let o = quiz(&args, T300);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            err(&o).contains("usage: hardclock-trace quiz"),
            "{args:?}: {}",
            err(&o)
        );
    }
    let o = quiz(&["/nonexistent/x.hc"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("cannot read /nonexistent/x.hc"),
        "{}",
        err(&o)
    );
    let o = quiz(&["--help"], "");
    assert_eq!(o.status.code(), Some(0));
    assert!(out(&o).contains("--seed S"));
}
