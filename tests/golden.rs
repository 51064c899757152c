//! The trace of every preset is pinned in `tests/golden/`: a change in kernel behaviour or in
//! the trace format shows up as a diff there. After an intended change, regenerate with
//! `HC_UPDATE_GOLDEN=1 cargo test --test golden` and review the diff.
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/golden.rs"]
mod golden;

use std::fs;
use std::path::Path;

use hardclock::script::presets;

fn check(path: &Path, actual: &str, failures: &mut Vec<String>) {
    if std::env::var_os("HC_UPDATE_GOLDEN").is_some() {
        fs::write(path, actual).unwrap();
        return;
    }
    match fs::read_to_string(path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(expected.lines().count().min(actual.lines().count()));
            failures.push(format!("{} differs from line {}", path.display(), line + 1));
        }
        Err(e) => failures.push(format!("{}: {e}", path.display())),
    }
}

#[test]
fn every_preset_matches_its_golden_trace() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut failures = Vec::new();
    for p in presets::all() {
        check(
            &dir.join(format!("{}.jsonl", p.name)),
            &golden::preset_trace(p),
            &mut failures,
        );
    }
    check(&dir.join("digests.txt"), &golden::digests(), &mut failures);
    assert!(
        failures.is_empty(),
        "golden traces changed (HC_UPDATE_GOLDEN=1 to accept):\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_cli_prints_the_golden_trace() {
    let p = presets::find("cascade-256").expect("preset");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hardclock-trace"))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/cascade-256.hc"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        golden::preset_trace(p)
    );
}
