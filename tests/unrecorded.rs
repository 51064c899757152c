#![cfg(not(target_arch = "wasm32"))]
//! `Trace::recording = false` is for the benches: the same machine with the narration dropped.
//! Its shortcuts (no event fields built, no names fetched from a timeout's cold half, no Fire
//! event, no arguments printed for a callout's Fire) must never change what the machine does,
//! so every preset, which between them fire built-in rt_timer actions with and without routes,
//! scenario handlers, bodiless handlers, callouts and panics, must end in the same state with
//! recording on or off, with the same statement results.

use hardclock::kernel::Kernel;
use hardclock::script::{presets, Interp, Scenario};

/// Everything a kernel holds except its log (and the log's index of running handlers).
fn state(k: &Kernel, it: &Interp) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        k.clock, k.panic, it.vars, k.to, k.co, k.rt, k.rtt
    )
}

#[test]
fn every_preset_ends_the_same_recorded_or_not() {
    let mut panicked = 0;
    for p in presets::all() {
        let sc = Scenario::compile(p.source).unwrap_or_else(|e| panic!("{}: {e:?}", p.name));
        let (mut on, mut on_it) = sc.boot();
        let (mut off, mut off_it) = sc.boot();
        off.trace.recording = false;
        let (r_on, o_on) = sc.run_on(&mut on, &mut on_it);
        let (r_off, o_off) = sc.run_on(&mut off, &mut off_it);
        assert_eq!(r_on, r_off, "{}: statement results", p.name);
        assert_eq!(o_on, o_off, "{}: outcome", p.name);
        assert_eq!(
            state(&on, &on_it),
            state(&off, &off_it),
            "{}: final state",
            p.name
        );
        assert!(!on.trace.events.is_empty(), "{}", p.name);
        // An unrecorded kernel keeps only its panic.
        assert_eq!(
            off.trace.events.len(),
            off.panic.is_some() as usize,
            "{}",
            p.name
        );
        panicked += on.panic.is_some() as usize;
    }
    assert!(panicked > 0, "some preset should end in a panic");
}
