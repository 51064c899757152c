//! A kernel that does not record runs the FreeBSD callouts exactly like one that does.
//!
//! Some paths do work only for a recording kernel (the call records of a suspended handler,
//! a lookup's walk), so a mistake there (state changed while building an event, a value
//! computed only for an event and then used) would make the two kernels drift apart. Every
//! preset and a scenario that goes
//! through every callout path run on both, compared after every statement: the whole callout
//! state (wheel, pool, calltodo, threads, mutexes), the clock, the variables, each statement's
//! result and the panic.

use hardclock::kernel::Kernel;
use hardclock::script::presets;
use hardclock::script::runner::Scenario;
use hardclock::script::Interp;

/// Named callouts on an 8-bucket wheel (so deadlines over 8 ticks away are skipped for laps),
/// Giant and a script-held mutex, busy handlers, stop and drain while serviced, a handler that
/// re-arms its own callout, the legacy pool with a stale handle, and a NULL c_func.
const CALLWHEEL: &str = "
handler f {
  busy(2)
  n = 1
}
handler g {
  mtx_lock(&m)
  mtx_unlock(&m)
  callout_reset(&b, 3, g, NULL)
}
handler h {
  callout_reset(&c, 9, h, 5)
}
ncallout = 8
callout_init(&a, 1)
callout_init(&b, 0)
callout_init(&c, 1)
callout_init(&d, 0)
callout_reset(&a, 20, f, 7)
callout_reset(&b, 3, g, NULL)
callout_reset(&c, 1, h, 4)
callout_reset(&d, 13, q, d)
x = callout_pending(&d)
callout_reset(&d, 30, q, d)
mtx_lock(&m)
hardclock(5)
mtx_unlock(&m)
hardclock(4)
r = callout_stop(&b)
y = callout_active(&a)
callout_deactivate(&a)
hardclock(11)
s = callout_stop(&a)
callout_reset(&a, 2, f, 8)
hardclock(2)
t = callout_drain(&a)
h1 = timeout(p, 1, 4)
h2 = timeout(p, 2, 12)
untimeout(p, 1, h1)
h3 = timeout(p, 1, 3)
untimeout(p, 1, h1)
callout_handle_init(&h4)
untimeout(p, 2, h4)
hardclock(40)
u = callout_stop(&c)
callout_init(&e, 1)
callout_reset(&e, 2, NULL, NULL)
hardclock(3)
";

/// The 4.4BSD list and a busy handler taken from it.
const CALLTODO: &str = "
handler f {
  busy(2)
}
callout_impl = 1
timeout(f, 1, 5)
timeout(f, 2, 5)
timeout(g, 3, 2)
untimeout(f, 1)
hardclock(10)
";

fn same_state((a, a_it): (&Kernel, &Interp), (b, b_it): (&Kernel, &Interp)) -> bool {
    format!("{:?}", a.co) == format!("{:?}", b.co)
        && a.clock == b.clock
        && a_it.vars == b_it.vars
        && a.panic == b.panic
}

/// Runs `src` on a recording and an unrecorded kernel side by side; returns the recorded one.
fn run_both(name: &str, src: &str) -> Kernel {
    let sc = Scenario::compile(src).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let ((mut on, mut on_it), (mut off, mut off_it)) = (sc.boot(), sc.boot());
    off.trace.recording = false;
    for i in 0..sc.stmts.len() {
        let a = sc.step(&mut on, &mut on_it, i);
        let b = sc.step(&mut off, &mut off_it, i);
        assert_eq!(a, b, "{name}: statement {i}");
        assert!(
            same_state((&on, &on_it), (&off, &off_it)),
            "{name}: state after statement {i}"
        );
        if a.is_err() {
            break;
        }
    }
    assert!(
        off.trace.events.len() <= 1,
        "{name}: only a panic is recorded"
    );
    on
}

#[test]
fn a_recording_and_an_unrecorded_kernel_end_in_the_same_state() {
    for p in presets::all() {
        run_both(p.name, p.source);
    }
    let k = run_both("callwheel", CALLWHEEL);
    // The scenario did reach the paths it is there for.
    let narration: Vec<String> = k.trace.events.iter().map(|e| e.narrate()).collect();
    for want in [
        "softclock skips a",
        "g() wants m, but the script thread holds it",
        "f() keeps the softclock thread busy",
        "callout_drain(&a) sleeps",
        "cancelled somebody else's timeout",
        "callout_handle_init made it a no-op",
    ] {
        assert!(
            narration.iter().any(|n| n.contains(want)),
            "no event says {want:?}"
        );
    }
    assert!(k
        .panic
        .as_deref()
        .is_some_and(|p| p.contains("NULL c_func of e")));
    run_both("calltodo", CALLTODO);
}
