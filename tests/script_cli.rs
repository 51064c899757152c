#![cfg(not(target_arch = "wasm32"))]
//! The `hardclock-trace` command: output formats and exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn trace(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hardclock-trace"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hardclock-trace");
    // The command may exit before reading (usage errors); a closed pipe is fine then.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn scenario_file(name: &str, body: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hardclock-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn a_good_scenario_prints_json_and_exits_0() {
    let o = trace(&["-"], "hz = 1000\nticks = 250\nhardclock(3)\n");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\"kind\":\"tick\",\"tick\":253,\"count\":3}\n");
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_file_and_the_text_format() {
    let p = scenario_file("ok.hc", b"hardclock(2)\n");
    let path = p.to_str().unwrap();
    for args in [vec![path, "--format", "text"], vec!["--format=text", path]] {
        let o = trace(&args, "");
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(
            stdout(&o),
            "[tick 2] hardclock() ran 2 times: ticks is now 2.\n"
        );
    }
    let o = trace(&[path, "--format", "json"], "");
    assert_eq!(stdout(&o), "{\"kind\":\"tick\",\"tick\":2,\"count\":2}\n");
}

#[test]
fn a_scenario_error_exits_2_with_the_error_in_the_trace() {
    let o = trace(&["-"], "hardclock(1)\nhardclok(2)\n");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stdout(&o),
        "{\"kind\":\"error\",\"line\":2,\"col\":1,\"msg\":\"unknown function hardclok; did you mean hardclock?\"}\n"
    );
    assert!(stderr(&o).starts_with("error: line 2, column 1: unknown function hardclok"));

    let o = trace(&["-", "--format", "text"], "hardclock(1)\nhz = 5\n");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stdout(&o),
        "[tick 1] hardclock(): ticks is now 1.\nerror: line 2, column 1: hz can only be set before the first hardclock\n  |\n2 | hz = 5\n  | ^^^^^^\n"
    );
}

#[test]
fn usage_errors_exit_2_with_a_usage_message() {
    for args in [
        vec![],
        vec!["--format", "yaml", "-"],
        vec!["-", "--format"],
        vec!["a.hc", "b.hc"],
        vec!["--verbose", "-"],
    ] {
        let o = trace(&args, "");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("usage: hardclock-trace FILE|- [--format json|text|csv]"),
            "{args:?}"
        );
        assert_eq!(stdout(&o), "");
    }
    let o = trace(&["/nonexistent/dir/x.hc"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read /nonexistent/dir/x.hc"));

    let o = trace(&["--help"], "");
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("usage:"));
}

#[test]
fn input_that_is_not_utf8_is_refused() {
    let p = scenario_file("bin.hc", &[0xff, 0xfe, b'x']);
    let o = trace(&[p.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not UTF-8"));
}

#[test]
fn an_endless_input_is_read_only_up_to_the_size_limit() {
    // /dev/zero never ends: the command must stop reading one byte past the limit (it grew a
    // gigabyte a second before) and say where the limit is crossed.
    let o = trace(&["/dev/zero"], "");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("the script is longer than 1048576 bytes"),
        "{err}"
    );
    // The error quotes a window of the megabyte line, not the line.
    assert!(err.len() < 1000, "{} bytes of error", err.len());
}

#[test]
fn a_mistake_inside_a_handler_body_is_a_scenario_error_at_its_line() {
    let src = "timeout_set(&t, f, NULL)\nhandler f {\n  x = 7\n  callout_reset(&c, x, g, NULL)\n}\ntimeout_add(&t, 2)\nhardclock(5)\n";
    let o = trace(&["-"], src);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let out = stdout(&o);
    let last = out.lines().last().unwrap();
    assert_eq!(
        last,
        r#"{"kind":"error","line":4,"col":17,"msg":"in handler f: callout_reset: c was never initialised; call callout_init(&c, mpsafe) first"}"#
    );
    assert!(!out.contains("\"panic\""), "{out}");
    // The handler ran at tick 2: nothing after it ran.
    assert!(out.contains(r#""kind":"fire","tick":2"#), "{out}");
    assert!(stderr(&o).contains("4 |   callout_reset(&c, x, g, NULL)"));
}

#[test]
fn csv_has_one_row_per_json_line() {
    let src = "hz = 100\ntimeout_set(&t1, f, NULL)\ntimeout_add(&t1, 2)\nhardclock(3)\n";
    let json = trace(&["-"], src);
    let csv = trace(&["-", "--format", "csv"], src);
    assert_eq!(csv.status.code(), Some(0));
    let rows: Vec<String> = stdout(&csv).lines().map(String::from).collect();
    assert_eq!(rows[0], "tick,kind,line,text");
    assert_eq!(rows.len() - 1, stdout(&json).lines().count());
    assert!(rows.iter().any(|r| r.starts_with("0,call,3,")), "{rows:?}");
    assert!(rows.iter().any(|r| r.starts_with("2,fire,,")), "{rows:?}");
    let bad = trace(&["-", "--format=csv"], "hardclock(1)\nbogus(1, 2)\n");
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        stdout(&bad),
        "tick,kind,line,text\n,error,2,unknown function bogus\n"
    );
}
