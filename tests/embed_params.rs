//! The embedded widget's parameters and host commands (src/ui/embed_params.rs, src/ui/embed.rs):
//! every malformed value gives a sentence naming the parameter and what it accepts, the
//! widget opens where the parameters say, and no input makes the parsers panic.
#![cfg(not(target_arch = "wasm32"))]

use hardclock::ui::embed::{self, initial_state, WidgetAction};
use hardclock::ui::embed_params::{
    command, from_attributes, from_query, Command, MessageFields, Origin, Source, Theme, View,
};
use hardclock::ui::state::Action;
use proptest::prelude::*;

fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_full_query_is_read() {
    let c = from_query(
        "?embed=1&preset=pmtu-expiry&view=rttimer&t=800&step=2&autoplay=yes&speed=100&theme=dark&height=30rem&origin=https://notes.example.edu,self&id=w-1",
    );
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.source, Source::Preset("pmtu-expiry".into()));
    assert_eq!(c.view, Some(View::RtTimer));
    assert_eq!((c.ticks, c.steps, c.autoplay), (Some(800), 2, true));
    assert_eq!((c.speed, c.theme), (Some(100), Theme::Dark));
    assert_eq!(c.height.as_deref(), Some("30em"));
    assert_eq!(
        c.origins,
        vec![
            Origin::Exact("https://notes.example.edu".into()),
            Origin::SameSite
        ]
    );
    assert_eq!(c.id.as_deref(), Some("w-1"));
}

#[test]
fn defaults_are_quiet_and_autoplay_is_off() {
    let c = from_query("?embed=1");
    assert!(c.problems.is_empty());
    assert_eq!(c.source, Source::Default);
    assert!(!c.autoplay);
    assert_eq!(c.origins, vec![Origin::SameSite]);
    let s = initial_state(&c);
    assert!(!s.playing);
    assert_eq!(s.steps, 0);
    assert_eq!(embed::default_view(&s), View::Wheel);
}

#[test]
fn every_malformed_value_names_its_parameter_and_the_accepted_values() {
    let cases = [
        (
            "view=wheels",
            "view=\"wheels\" is not a view",
            "wheel, timers",
        ),
        ("t=-3", "t=\"-3\" is not a tick", "whole number"),
        ("t=99999999999", "past the end of a run", "5000000"),
        (
            "step=lots",
            "step=\"lots\" is not a number of steps",
            "0 to 10000",
        ),
        ("autoplay=maybe", "autoplay=\"maybe\"", "1 or 0"),
        (
            "speed=50",
            "speed=\"50\" is not a play speed",
            "1, 10, 100 or 1000",
        ),
        (
            "theme=blue",
            "theme=\"blue\" is not a theme",
            "light or dark",
        ),
        (
            "height=10px",
            "height=\"10px\" is not a height",
            "120 to 4000",
        ),
        ("height=calc(1px)", "is not a height", "vh"),
        (
            "origin=notes.example.edu",
            "is not an origin",
            "scheme://host",
        ),
        (
            "origin=https://a.example/path",
            "is not an origin",
            "no path",
        ),
        ("id=a%20b", "is not a widget id", "up to 64 letters, digits"),
        (
            "preset=cascade256",
            "preset=\"cascade256\" is not a preset",
            "Did you mean \"cascade-256\"?",
        ),
        (
            "veiw=wheel",
            "veiw is not a parameter",
            "Did you mean view?",
        ),
        ("s=%zz", "broken %-escape", "ignored"),
    ];
    for (q, want, accepted) in cases {
        let c = from_query(q);
        let all = c.problems.join(" | ");
        assert!(all.contains(want), "{q}: {all}");
        assert!(all.contains(accepted), "{q}: {all}");
    }
    // The same checks speak the attribute syntax when the values come from an element.
    let c = from_attributes(
        &attrs(&[
            ("data-hardclock", "pmtu"),
            ("data-view", "tree"),
            ("data-speeed", "1"),
        ]),
        "",
    );
    let all = c.problems.join(" | ");
    assert!(
        all.contains("data-hardclock=\"pmtu\" is not a preset"),
        "{all}"
    );
    assert!(all.contains("data-view=\"tree\" is not a view"), "{all}");
    assert!(all.contains("data-speeed is not a parameter"), "{all}");
    assert!(all.contains("Did you mean data-speed?"), "{all}");
}

#[test]
fn a_bad_value_falls_back_to_its_default_and_keeps_the_rest() {
    let c = from_query("preset=route-lpm&view=nope&speed=7&t=3");
    assert_eq!(c.problems.len(), 2);
    assert_eq!(c.source, Source::Preset("route-lpm".into()));
    assert_eq!((c.view, c.speed, c.ticks), (None, None, Some(3)));
    let s = initial_state(&c);
    assert_eq!(s.kernel().clock.elapsed, 3);
    assert_eq!(embed::default_view(&s), View::Radix);
}

#[test]
fn attributes_take_the_preset_from_data_hardclock_and_an_inline_scenario_from_the_text() {
    let c = from_attributes(
        &attrs(&[
            ("id", "wheel-demo"),
            ("class", "note"),
            ("data-hardclock", "cascade-256"),
            ("data-t", "256"),
        ]),
        "ignored text",
    );
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.source, Source::Preset("cascade-256".into()));
    assert_eq!(c.id.as_deref(), Some("wheel-demo"));
    // An element id the widget cannot use is the page's business: no problem, no widget id.
    let c = from_attributes(
        &attrs(&[("id", "séance 1"), ("data-hardclock", "route-lpm")]),
        "",
    );
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.id, None);
    let text = "timeout_set(&t1, f, NULL)\ntimeout_add(&t1, 3)\nhardclock(3)\n";
    let c = from_attributes(&attrs(&[("data-hardclock", ""), ("data-step", "3")]), text);
    assert_eq!(c.source, Source::Scenario(text.trim().into()));
    let s = initial_state(&c);
    assert!(s.error.is_none());
    assert_eq!(s.steps, 3);
    assert_eq!(s.kernel().clock.elapsed, 3);
    let c = from_attributes(&attrs(&[("data-hardclock", " ")]), "  \n ");
    assert_eq!(c.source, Source::Default);
    assert!(
        c.problems[0].contains("holds no scenario"),
        "{:?}",
        c.problems
    );
    // data-scenario wins over the text; both a preset and a scenario is a problem.
    let c = from_attributes(
        &attrs(&[
            ("data-hardclock", "cascade-256"),
            ("data-scenario", "hardclock(2)"),
        ]),
        "",
    );
    assert_eq!(c.source, Source::Scenario("hardclock(2)".into()));
    assert!(c.problems[0].contains("not both"), "{:?}", c.problems);
}

#[test]
fn a_scenario_with_an_error_opens_with_the_error_at_its_line() {
    let c = from_query(&format!(
        "s={}",
        hardclock::ui::hash::encode("hz = 100\ntimeout_add(&t1 300)\n", None)
            .trim_start_matches("s=")
    ));
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    let s = initial_state(&c);
    let e = s.error.expect("a compile error");
    assert_eq!(e.line, 2);
}

#[test]
fn the_start_step_runs_statements_then_hardclocks() {
    let c = from_query("preset=cascade-256&step=100");
    let s = initial_state(&c);
    assert_eq!(s.steps, 100);
    assert!(s.next_statement().is_none());
    // step after t: the jump first, then steps.
    let a = initial_state(&from_query("preset=cascade-256&t=256"));
    let b = initial_state(&from_query("preset=cascade-256&t=256&step=1"));
    assert_eq!(b.steps, a.steps + 1);
}

#[test]
fn origins_decide_who_may_command_and_where_the_state_goes() {
    let own = "https://notes.example.edu";
    let c = from_query("");
    assert!(c.allows(own, own));
    assert!(!c.allows("https://evil.example", own));
    // A sandboxed frame's messages come from "null": never the same site.
    assert!(!c.allows("null", "null"));
    assert_eq!(c.post_targets(own), vec![own.to_string()]);
    let c = from_query("origin=https://lms.example.org:8443/");
    assert!(c.allows("https://lms.example.org:8443", own));
    assert!(!c.allows(own, own));
    assert_eq!(c.post_targets(own), vec!["https://lms.example.org:8443"]);
    let c = from_query("origin=null");
    assert!(c.allows("null", own));
    assert_eq!(c.post_targets(own), vec!["*"]);
    let c = from_query("origin=*");
    assert!(c.allows("https://anything.example", own));
}

#[test]
fn host_commands_are_checked() {
    let m = |kind: &str| MessageFields {
        kind: kind.into(),
        ..MessageFields::default()
    };
    assert_eq!(command(&m("step")), Ok(Command::Step(1)));
    assert_eq!(
        command(&MessageFields {
            n: Some(5.0),
            ..m("hardclock")
        }),
        Ok(Command::Hardclock(5))
    );
    assert_eq!(
        command(&MessageFields {
            t: Some(256.0),
            ..m("goto")
        }),
        Ok(Command::Goto {
            ticks: Some(256),
            steps: 0
        })
    );
    assert_eq!(
        command(&MessageFields {
            preset: Some("route-lpm".into()),
            ..m("load")
        }),
        Ok(Command::Load(Source::Preset("route-lpm".into())))
    );
    for (bad, want) in [
        (m("jump"), "not a command"),
        (m("goto"), "needs t"),
        (m("load"), "exactly one of preset"),
        (
            MessageFields {
                n: Some(1.5),
                ..m("step")
            },
            "whole number",
        ),
        (
            MessageFields {
                n: Some(-1.0),
                ..m("hardclock")
            },
            "whole number",
        ),
        (
            MessageFields {
                preset: Some("nope".into()),
                ..m("load")
            },
            "not a preset",
        ),
        (
            MessageFields {
                speed: Some(3.0),
                ..m("speed")
            },
            "1, 10, 100 or 1000",
        ),
    ] {
        let e = command(&bad).unwrap_err();
        assert!(e.contains(want), "{bad:?}: {e}");
    }
}

#[test]
fn commands_drive_the_state_like_the_buttons() {
    let s = initial_state(&from_query("preset=cascade-256"));
    let step = |s, n| embed::reduce(s, WidgetAction::Steps(n));
    let s1 = step(&s, 3);
    assert_eq!(s1.steps, 3);
    let back = embed::reduce(&s1, WidgetAction::Do(Action::StepBack));
    assert_eq!(back.steps, 2);
    let g = embed::reduce(
        &s1,
        WidgetAction::Goto {
            ticks: Some(256),
            steps: 0,
        },
    );
    assert_eq!(g.kernel().clock.elapsed, 256);
    let l = embed::reduce(&g, WidgetAction::Load(Source::Preset("route-lpm".into())));
    assert_eq!(l.preset().map(|p| p.name), Some("route-lpm"));
    assert_eq!(l.steps, 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Hostile queries never panic, and every problem is a sentence.
    #[test]
    fn hostile_queries_never_panic(q in "[a-z=&%0-9+:/.,*ü\u{0}-\u{1f}]{0,120}") {
        let c = from_query(&q);
        for p in &c.problems {
            prop_assert!(p.ends_with('.') || p.ends_with('?'), "{p}");
        }
        let _ = initial_state(&EmbedConfigNoStart::strip(c));
    }

    /// Known keys with arbitrary values never panic either.
    #[test]
    fn known_keys_with_any_value(
        key in prop::sample::select(vec!["preset", "scenario", "view", "t", "step", "autoplay",
            "speed", "theme", "height", "origin", "id", "data-x"]),
        value in "\\PC{0,60}",
    ) {
        let _ = from_query(&format!("{key}={value}"));
        let _ = from_attributes(&[(format!("data-{key}"), value.clone())], &value);
        let _ = command(&MessageFields { kind: key.into(), preset: Some(value.clone()),
            scenario: Some(value), n: Some(f64::NAN), ..MessageFields::default() });
    }
}

/// Property tests open the widget without a start position, so a random `step=` or `t=` does
/// not turn a parser test into a long simulation.
struct EmbedConfigNoStart;

impl EmbedConfigNoStart {
    fn strip(
        mut c: hardclock::ui::embed_params::EmbedConfig,
    ) -> hardclock::ui::embed_params::EmbedConfig {
        c.ticks = None;
        c.steps = 0;
        c
    }
}

/// Heights are read and rounded to hundredths in integers (no float formatting in the wasm):
/// the written length is the input's value, its bounds are inclusive and exact.
#[test]
fn heights_are_rounded_to_hundredths_and_bounded_exactly() {
    let h = |v: &str| from_query(&format!("?embed=1&height={v}")).height;
    for (v, want) in [
        ("480", Some("480px")),
        ("480.0px", Some("480px")),
        ("30rem", Some("30em")),
        ("12.5em", Some("12.5em")),
        ("12.345em", Some("12.35em")),
        ("12.344em", Some("12.34em")),
        ("99.999vh", Some("100vh")),
        ("100vh", Some("100vh")),
        ("100.001vh", None),
        ("120px", Some("120px")),
        ("119.99px", None),
        ("4000.00px", Some("4000px")),
        ("1.2.3em", None),
        ("08.05em", Some("8.05em")),
    ] {
        assert_eq!(h(v).as_deref(), want, "height={v}");
    }
}

/// A widget address or element with thousands of bad parameters lists the first few and a
/// count, not megabytes of sentences.
#[test]
fn thousands_of_bad_parameters_list_a_few_and_a_count() {
    let q: String = (0..10_000).map(|i| format!("zz{i}=1&")).collect();
    let c = from_query(&q);
    assert_eq!(c.problems.len(), 6, "{:?}", &c.problems[..3]);
    assert!(c.problems[0].contains("zz0"), "{}", c.problems[0]);
    assert_eq!(c.problems[5], "... and 9,995 more like these.");
    let a: Vec<(String, String)> = (0..10_000)
        .map(|i| (format!("data-zz{i}"), "1".to_string()))
        .collect();
    let c = from_attributes(&a, "");
    assert_eq!(c.problems.len(), 6);
    assert_eq!(c.problems[5], "... and 9,995 more like these.");
    let total: usize = c.problems.iter().map(String::len).sum();
    assert!(total < 2_000, "{total} bytes of problems");
}

/// `data-step` runs its steps on the one state: 10,000 steps into a scenario of 16,000
/// timeouts (each step copied a kernel of thousands of timeouts before: 7 s in a tab).
#[test]
fn data_step_runs_its_steps_in_place() {
    let mut src = String::new();
    for i in 0..16_000 {
        src.push_str(&format!(
            "timeout_set(&t{i}, f, NULL); timeout_add(&t{i}, {})\n",
            i + 1
        ));
    }
    let c = from_attributes(
        &attrs(&[("data-hardclock", ""), ("data-step", "10000")]),
        &src,
    );
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    let s = initial_state(&c);
    assert!(s.error.is_none(), "{:?}", s.error);
    assert_eq!(s.steps, 10_000);
    assert_eq!(s.machine.next_stmt, 10_000);
    assert_eq!(s.kernel().to.iter().count(), 5_000);
}

#[test]
fn mode_turns_predict_mode_on_in_both_syntaxes() {
    let cases: [(&str, bool, bool); 4] = [
        ("mode=predict", true, false),
        ("mode=watch", false, false),
        ("", false, false),
        ("mode=quiz", false, true),
    ];
    for (q, predict, problem) in cases {
        let c = from_query(q);
        assert_eq!(c.predict, predict, "{q}");
        assert_eq!(!c.problems.is_empty(), problem, "{q}: {:?}", c.problems);
    }
    let attrs = [
        ("data-hardclock".to_string(), "cascade-256".to_string()),
        ("data-mode".to_string(), "predict".to_string()),
    ];
    assert!(hardclock::ui::embed_params::from_attributes(&attrs, "").predict);
}
