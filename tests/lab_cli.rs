#![cfg(not(target_arch = "wasm32"))]
//! `hardclock-trace compare`: the records, the formats, the limits.

use std::process::{Command, Output};

use hardclock::lab::cli;
use hardclock::lab::report::{self, Format};
use hardclock::lab::run::{Keep, Lab};
use hardclock::lab::workload::{self, WorkloadKind};
use hardclock::lab::SchemeKind;

fn compare(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hardclock-trace"))
        .arg("compare")
        .args(args)
        .output()
        .expect("run hardclock-trace")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The number after `"key":` in a JSON line.
fn field(line: &str, key: &str) -> u64 {
    let at = line.find(&format!("\"{key}\":")).unwrap() + key.len() + 3;
    line[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn one_json_record_per_scheme_the_same_as_the_library() {
    let o = compare(&[
        "--workload",
        "tcp",
        "--timers",
        "40",
        "--ticks",
        "3000",
        "--seed",
        "9",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), SchemeKind::ALL.len());
    for (line, kind) in lines.iter().zip(SchemeKind::ALL) {
        assert!(
            line.starts_with(&format!("{{\"scheme\":\"{}\",\"starts\":", kind.name())),
            "{line}"
        );
        assert!(line.contains(",\"work\":{\"start\":") && line.contains(",\"memory\":"));
    }
    // The numbers are the library's for the same workload and seed.
    let mut lab = Lab::new(
        workload::generate(WorkloadKind::Tcp, 40, 3000, 9),
        Keep::default(),
    );
    lab.run();
    assert_eq!(lines, report::summary(&lab, Format::Json));
    // TCP: most timers are stopped, the exact schemes agree on every count.
    let h = lines[7];
    assert!(field(h, "stops") > field(h, "fires"), "{h}");
    for l in &lines[..8] {
        assert_eq!(field(l, "fires"), field(h, "fires"));
        assert_eq!(field(l, "max_late"), 0);
    }
    assert!(field(lines[8], "max_late") >= 1, "linux is late");
}

#[test]
fn fires_lists_every_fire() {
    let o = compare(&["--workload=uniform", "--timers=5", "--ticks=400", "--fires"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let (records, fires): (Vec<&str>, Vec<&str>) =
        out.lines().partition(|l| l.contains("\"starts\""));
    let total: u64 = records.iter().map(|r| field(r, "fires")).sum();
    assert!(total > 0);
    assert_eq!(fires.len() as u64, total);
    for f in &fires {
        assert!(f.starts_with("{\"scheme\":\""), "{f}");
        let (due, fired) = (field(f, "due"), field(f, "fired"));
        if f.contains("\"linux\"") {
            assert!(fired > due, "{f}");
        } else {
            assert_eq!(fired, due, "{f}");
        }
    }
}

#[test]
fn csv_and_text() {
    let o = compare(&[
        "--workload",
        "long",
        "--timers",
        "30",
        "--ticks",
        "2000",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], report::CSV_HEADER);
    assert_eq!(lines.len(), 1 + SchemeKind::ALL.len());
    assert!(lines[8].starts_with("hierarchical,"));
    assert_eq!(lines[8].split(',').count(), 10);

    let o = compare(&[
        "--workload",
        "bursty",
        "--timers",
        "30",
        "--ticks",
        "2000",
        "--format",
        "text",
        "--fires",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("workload bursty: 30 timers, 2000 ticks, seed 1"),
        "{out}"
    );
    for kind in SchemeKind::ALL {
        assert!(
            out.contains(kind.unit()),
            "the unit of {} is named",
            kind.name()
        );
    }
    assert!(out.contains("linux: timer "), "{out}");
    assert!(out.contains(" late)"));
}

#[test]
fn the_current_scenario_s_timeouts() {
    let dir = std::env::temp_dir().join(format!("hardclock-lab-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("s.hc");
    std::fs::write(
        &p,
        "timeout_set(&t1, f, NULL)\ntimeout_add(&t1, 300)\ncallout_init(&c, 1)\ncallout_reset(&c, 20, g, NULL)\nhardclock(10)\ncallout_stop(&c)\nhardclock(400)\n",
    )
    .unwrap();
    let o = compare(&[
        "--scenario",
        p.to_str().unwrap(),
        "--ticks",
        "500",
        "--fires",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let h = out
        .lines()
        .find(|l| l.starts_with("{\"scheme\":\"hierarchical\""))
        .unwrap();
    assert_eq!(
        (field(h, "starts"), field(h, "stops"), field(h, "fires")),
        (2, 1, 1)
    );
    assert!(out.contains("{\"scheme\":\"hierarchical\",\"timer\":0,\"due\":300,\"fired\":300}"));
}

#[test]
fn out_of_bounds_input_is_refused_naming_the_limit() {
    for (args, says) in [
        (
            vec!["--workload", "tcp", "--timers", "5001", "--ticks", "10"],
            "1 to 5000",
        ),
        (
            vec!["--workload", "tcp", "--timers", "10", "--ticks", "200001"],
            "1 to 200000",
        ),
        (
            vec!["--workload", "tcp", "--timers", "5000", "--ticks", "2001"],
            "over the limit of 10000000 timer-ticks",
        ),
        (
            vec!["--workload", "tcp", "--timers", "0", "--ticks", "10"],
            "1 to 5000",
        ),
        (
            vec!["--workload", "tpc", "--timers", "1", "--ticks", "10"],
            "unknown workload 'tpc'",
        ),
        (
            vec!["--workload", "tcp", "--ticks", "10"],
            "--timers N is required",
        ),
        (
            vec!["--workload", "tcp", "--timers", "1"],
            "--ticks T is required",
        ),
        (
            vec!["--workload", "tcp", "--timers", "x", "--ticks", "1"],
            "whole number",
        ),
        (
            vec![
                "--workload",
                "tcp",
                "--timers",
                "1",
                "--ticks",
                "1",
                "--format",
                "xml",
            ],
            "unknown format 'xml'",
        ),
        (
            vec!["--timers", "1", "--ticks", "1"],
            "--workload NAME (or --scenario FILE) is required",
        ),
    ] {
        let o = compare(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "");
    }
    let o = compare(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Limits: timers <= 5000"));
}

#[test]
fn a_run_that_works_too_hard_stops_with_the_budget_named() {
    let args: Vec<String> = ["--workload", "tcp", "--timers", "50", "--ticks", "2000"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let o = cli::parse(&args).unwrap();
    let w = cli::workload(&o, None).unwrap();
    let e = cli::compare_within(&o, w.clone(), 10_000).unwrap_err();
    assert!(e.contains("more than 10000 steps of work"), "{e}");
    assert!(cli::compare_within(&o, w, u64::MAX).is_ok());
}
