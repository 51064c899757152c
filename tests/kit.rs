#![cfg(not(target_arch = "wasm32"))]
//! The instructor's kit in the page's reducer (issue #20): the exported trace is the CLI's
//! trace of the same run, and a pasted routing table loads as `route_add` statements.

use hardclock::script::trace::Format;
use hardclock::script::{presets, run};
use hardclock::ui::state::{Action, State};

#[test]
fn the_exported_trace_is_the_clis() {
    for name in ["cascade-256", "pmtu-expiry", "route-lpm", "double-rtfree"] {
        let src = presets::find(name).unwrap().source;
        let mut s = State::from_hash("");
        s.apply(Action::LoadScenario(src.to_string()));
        s.apply(Action::RunScript);
        let (k, outcome) = s.full_run();
        let cli = run(src);
        for f in Format::ALL {
            assert_eq!(
                f.lines(&k, &outcome),
                f.lines(&cli.kernel, &cli.outcome),
                "{name} as {f:?}"
            );
        }
    }
}

#[test]
fn the_trace_so_far_stops_where_the_page_is() {
    let src = presets::find("cascade-256").unwrap().source;
    let mut s = State::from_hash("");
    s.apply(Action::LoadScenario(src.to_string()));
    s.apply(Action::RunScript);
    s.apply(Action::StepBack);
    s.apply(Action::Hardclock);
    s.apply(Action::Console("hardclock(2)".into()));
    let (k, _) = s.full_run();
    assert_eq!(k.clock.ticks, s.kernel().clock.ticks);
    assert_eq!(
        k.trace.events.len() as u64,
        s.machine.logged.min(k.trace.events.len() as u64)
    );
}

#[test]
fn a_pasted_table_loads_as_statements() {
    let table = "Destination  Gateway  Flags  Netif\ndefault 10.0.0.1 UGS em0\n10.0.0.0/24 link#1 U em0\n::1 link#2 UH lo0\n";
    let mut s = State::from_hash("");
    s.import_routes(table, 1, true);
    assert!(s.error.is_none(), "{:?}", s.error);
    assert!(s
        .text
        .starts_with("# 2 routes imported from netstat -rn into fib 1"));
    s.apply(Action::RunScript);
    let k = s.kernel();
    let hit = |a: u32| {
        k.rt.lookup_quiet(a, 1)
            .map(|id| k.rt.entry(id).unwrap().cidr())
    };
    assert_eq!(hit(0x0a00_0005).as_deref(), Some("10.0.0.0/24"));
    assert_eq!(hit(0x0808_0808).as_deref(), Some("0.0.0.0/0"));
    // Appending keeps the scenario before it.
    let mut s = State::from_hash("");
    let before = s.text.to_string();
    s.import_routes("default via 10.0.0.1 dev eth0", 0, false);
    assert!(s.text.starts_with(before.trim_end()), "{}", s.text);
    assert!(s.text.ends_with("route_add(0.0.0.0/0, 10.0.0.1, 0, RTF_GATEWAY);  # line 1: default via 10.0.0.1 dev eth0 [interface eth0]\n"));
    // A table with no route loads nothing and says so.
    let mut s = State::from_hash("");
    s.import_routes("nonsense", 0, true);
    assert!(s.notice.as_deref().unwrap().contains("no route"));
}
