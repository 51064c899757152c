//! Golden traces: every preset's JSON trace, shared by the native test (which compares the full
//! text with `tests/golden/NAME.jsonl`) and the browser test (which compares digests), so that the
//! same scenario is shown to give the same events natively, in Chromium and in Firefox.

use hardclock::script::{presets, run, trace};

/// The JSON-lines trace of a preset, one line per event, as `hardclock-trace` prints it.
pub fn preset_trace(p: &presets::Preset) -> String {
    let r = run(p.source);
    let mut s = trace::json_lines(&r.kernel, &r.outcome).join("\n");
    s.push('\n');
    s
}

/// FNV-1a, 64 bits: a digest that needs no crate and is the same on every target.
pub fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// `NAME DIGEST` lines for every preset, in preset order.
pub fn digests() -> String {
    presets::all()
        .iter()
        .map(|p| format!("{} {:016x}\n", p.name, fnv1a(&preset_trace(p))))
        .collect()
}
