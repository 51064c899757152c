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
    let t = Instant::now();
    for _ in 0..20 { let _c = s.clone(); }
    eprintln!("clone {:?}", t.elapsed() / 20);
    let mut s = s.reduce(Action::SetSpeed(1000)).reduce(Action::Play);
    let t = Instant::now();
    for _ in 0..100 { s = s.reduce(Action::Advance); }
    eprintln!("advance {:?} ticks {}", t.elapsed() / 100, s.kernel().clock.ticks);
}
