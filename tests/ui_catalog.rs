//! The preset picker's catalogue and preset links (`#p=NAME`), natively.
#![cfg(not(target_arch = "wasm32"))]

use hardclock::script::presets;
use hardclock::ui::catalog::{grouped, man_page, ManPage, DEFAULT_PRESET};
use hardclock::ui::state::{Action, State};

#[test]
fn every_preset_is_in_exactly_one_group_in_file_order() {
    let groups = grouped();
    let listed: Vec<&str> = groups
        .iter()
        .flat_map(|(_, ps)| ps.iter().map(|p| p.name))
        .collect();
    let mut want: Vec<&str> = presets::all().iter().map(|p| p.name).collect();
    let mut got = listed.clone();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want);
    let pages: Vec<ManPage> = groups.iter().map(|(m, _)| *m).collect();
    assert_eq!(
        pages,
        ManPage::ALL.to_vec(),
        "all four man pages have presets"
    );
}

#[test]
fn the_group_comes_from_the_calls_not_the_comments() {
    let cases = [
        ("cascade-256", ManPage::OpenbsdTimeout),
        ("flags-lifecycle", ManPage::OpenbsdTimeout),
        ("callwheel-laps", ManPage::FreebsdCallout),
        ("untimeout-recycled", ManPage::FreebsdCallout),
        ("table-full", ManPage::FreebsdCallout),
        ("route-lpm", ManPage::Rtalloc),
        ("fibs", ManPage::Rtalloc),
        ("pmtu-expiry", ManPage::RtTimer),
        ("redirect-expiry", ManPage::RtTimer),
    ];
    for (name, want) in cases {
        let p = presets::find(name).unwrap();
        assert_eq!(man_page(p.source), want, "{name}");
    }
    // A comment naming another facility changes nothing.
    assert_eq!(
        man_page("# rt_timer_add(rt, NULL, q) later\ntimeout_set(&t, f, NULL) // callout_init(\n"),
        ManPage::OpenbsdTimeout
    );
    assert_eq!(man_page("h = timeout(f, NULL, 3)"), ManPage::FreebsdCallout);
}

#[test]
fn a_page_without_a_scenario_opens_the_default_preset() {
    let s = State::from_hash("");
    assert_eq!(s.preset().map(|p| p.name), Some(DEFAULT_PRESET));
    assert_eq!(s.to_hash(), format!("p={DEFAULT_PRESET}"));
    assert!(s.notice.is_none());
    let s = s.reduce(Action::Hardclock);
    assert_eq!(s.to_hash(), format!("p={DEFAULT_PRESET}&t=1"));
}

#[test]
fn a_preset_link_loads_it_at_the_tick_and_round_trips() {
    let s = State::from_hash("#p=pmtu-expiry&t=850");
    assert_eq!(s.preset().map(|p| p.name), Some("pmtu-expiry"));
    assert_eq!(s.kernel().clock.elapsed, 850);
    assert_eq!(s.to_hash(), "p=pmtu-expiry&t=850");
    let again = State::from_hash(&format!("#{}", s.to_hash()));
    assert_eq!(again.kernel().clock.elapsed, 850);
    assert_eq!(again.scenario.src, s.scenario.src);
}

#[test]
fn an_unknown_preset_gives_a_notice_and_keeps_the_page_usable() {
    let s = State::from_hash("#p=no-such-thing&t=3");
    let n = s.notice.clone().unwrap();
    assert!(n.contains("no preset called \"no-such-thing\""), "{n}");
    assert!(s.preset().is_none());
    assert_eq!(s.kernel().clock.elapsed, 3);
    let s = State::from_hash("").reduce(Action::LoadPreset("nope".into()));
    assert_eq!(s.preset().map(|p| p.name), Some(DEFAULT_PRESET));
    assert!(s.notice.unwrap().contains("nope"));
}

#[test]
fn an_edited_preset_is_linked_by_its_text() {
    let s = State::from_hash("#p=cascade-256");
    let text = format!("{}hardclock(1)\n", s.scenario.src);
    let s = s.reduce(Action::LoadScenario(text.clone()));
    assert!(s.preset().is_none());
    assert!(s.to_hash().starts_with("s="));
    assert_eq!(
        State::from_hash(&format!("#{}", s.to_hash())).scenario.src,
        text
    );
}

#[test]
fn following_a_link_opens_its_moment_and_keeps_the_console() {
    let s = State::from_hash("").reduce(Action::Console("x = 1".into()));
    let own = format!("#{}", s.to_hash());
    let same = s.reduce(Action::OpenLink(own));
    assert_eq!(same.steps, s.steps, "the page's own hash changes nothing");
    let s = s.reduce(Action::OpenLink("#p=pmtu-expiry&t=850".into()));
    assert_eq!(s.preset().map(|p| p.name), Some("pmtu-expiry"));
    assert_eq!(s.kernel().clock.elapsed, 850);
    assert_eq!(s.console.len(), 1);
    let s = s.reduce(Action::OpenLink("#p=missing".into()));
    assert!(s.notice.unwrap().contains("missing"));
}
