#![cfg(not(target_arch = "wasm32"))]
use hardclock::ui::state::{Action, State};
use std::time::Instant;

#[test]
fn scratch() {
    let src = std::fs::read_to_string("/tmp/obsd.hc").unwrap();
    eprintln!("bytes {}", src.len());
    let t = Instant::now();
    let s = State::default().reduce(Action::LoadScenario(src.clone()));
    eprintln!("load {:?} err {:?}", t.elapsed(), s.error);
    let t = Instant::now();
    let s = s.reduce(Action::RunScript);
    eprintln!("run {:?} pending {}", t.elapsed(), s.kernel().to.iter().count());
    let s = s.reduce(Action::JumpToTick(1010));
    eprintln!("ticks {} panic {:?} notice {:?} err {:?}", s.kernel().clock.ticks, s.kernel().panic, s.notice, s.error);
    let mut s = s.reduce(Action::SetSpeed(1000)).reduce(Action::Play);
    let mut ts = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let before = s.steps;
        s.apply(Action::Advance);
        let d = t.elapsed();
        ts.push((d, before / 256 != s.steps / 256, s.kernel().clock.ticks));
    }
    let mut sorted: Vec<_> = ts.iter().map(|x| x.0).collect();
    sorted.sort();
    eprintln!("median {:?} p95 {:?} max {:?}", sorted[100], sorted[190], sorted[199]);
    for (d, snap, t) in ts.iter().filter(|x| x.0 > sorted[150]) { eprintln!("{d:?} snap={snap} ticks={t} cascade={}", (t / 256) != ((t - 50) / 256)); }
}
