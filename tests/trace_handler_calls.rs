#![cfg(not(target_arch = "wasm32"))]
//! Issue #15 item 4, product.md's trace contract: every API call is a `call` record, those made
//! inside a handler body too, with `"in":"HANDLER"` and the line of the statement inside the
//! body. A call is recorded when it returns, so one that stops the body (`busy(n)`, an
//! `mtx_lock` that sleeps) is recorded when the body resumes, at that tick.

use hardclock::script::{run, trace, Outcome};

const SRC: &str = "handler tick_fn {
  r = timeout_add(&t, 3)
}
handler f {
  mtx_lock(&m)
  busy(1)
  mtx_unlock(&m)
}
timeout_set(&t, tick_fn, NULL)
timeout_add(&t, 2)
callout_init(&c, 1)
callout_reset(&c, 1, f, NULL)
mtx_lock(&m)
hardclock(3)
mtx_unlock(&m)
hardclock(1)
";

#[test]
fn calls_in_handler_bodies_are_call_records_with_their_handler_and_line() {
    let r = run(SRC);
    assert_eq!(r.outcome, Outcome::Ok);
    let calls: Vec<String> = trace::json_lines(&r.kernel, &r.outcome)
        .into_iter()
        .filter(|l| l.starts_with(r#"{"kind":"call","#))
        .collect();
    // Tick 1: f sleeps in mtx_lock(&m), which the script holds: no record yet. Tick 2: tick_fn
    // re-adds t from softclock (timeout_add returns 1: t was not queued). Tick 3: the script's
    // mtx_unlock wakes softclock at once, so f's mtx_lock returns before the script's own
    // mtx_unlock is recorded; f's busy(1) returns at tick 4, then its mtx_unlock.
    let want = [
        r#"{"kind":"call","line":9,"tick":0,"call":"timeout_set","ret":null}"#,
        r#"{"kind":"call","line":10,"tick":0,"call":"timeout_add","ret":1}"#,
        r#"{"kind":"call","line":11,"tick":0,"call":"callout_init","ret":null}"#,
        r#"{"kind":"call","line":12,"tick":0,"call":"callout_reset","ret":null}"#,
        r#"{"kind":"call","line":13,"tick":0,"call":"mtx_lock","ret":null}"#,
        r#"{"kind":"call","line":2,"tick":2,"call":"timeout_add","ret":1,"in":"tick_fn"}"#,
        r#"{"kind":"call","line":5,"tick":3,"call":"mtx_lock","ret":null,"in":"f"}"#,
        r#"{"kind":"call","line":15,"tick":3,"call":"mtx_unlock","ret":null}"#,
        r#"{"kind":"call","line":6,"tick":4,"call":"busy","ret":null,"in":"f"}"#,
        r#"{"kind":"call","line":7,"tick":4,"call":"mtx_unlock","ret":null,"in":"f"}"#,
    ];
    assert_eq!(calls, want);
}

#[test]
fn the_text_trace_names_the_handler_of_a_call() {
    let r = run(SRC);
    let text = trace::text_lines(&r.kernel, &r.outcome);
    for want in [
        "[tick 2] line 2 (in handler tick_fn): timeout_add() returned 1.",
        "[tick 3] line 5 (in handler f): mtx_lock() called.",
        "[tick 3] line 15: mtx_unlock() called.",
    ] {
        assert!(text.iter().any(|l| l == want), "{want}\n{text:#?}");
    }
    // The narration of the event itself (the app's live region) names the handler too.
    let said: Vec<String> = r.kernel.trace.events.iter().map(|e| e.narrate()).collect();
    assert!(said
        .iter()
        .any(|s| s == "timeout_add() returned 1, called by handler tick_fn."));
}

/// An unrecorded kernel (the benches) runs handler bodies exactly as a recording one does; it
/// only has no call records.
#[test]
fn recording_handler_calls_changes_nothing_the_kernel_does() {
    let sc = hardclock::script::Scenario::compile(SRC).unwrap();
    let (mut on, mut on_it) = sc.boot();
    let (mut off, mut off_it) = sc.boot();
    off.trace.recording = false;
    let (_, a) = sc.run_on(&mut on, &mut on_it);
    let (_, b) = sc.run_on(&mut off, &mut off_it);
    assert_eq!((a, b), (Outcome::Ok, Outcome::Ok));
    assert_eq!(format!("{:?}", on.co), format!("{:?}", off.co));
    assert_eq!(format!("{:?}", on.to), format!("{:?}", off.to));
    assert_eq!(on_it.vars, off_it.vars);
    assert!(off.trace.events.is_empty() && off.waiting_call.is_none());
}
