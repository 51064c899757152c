#![cfg(not(target_arch = "wasm32"))]
//! The lab's work counters against cases counted by hand.

use hardclock::lab::{make, Scheme, SchemeKind, Sizing, Work};

fn scheme(kind: SchemeKind, timers: u32) -> Box<dyn Scheme> {
    make(
        kind,
        Sizing {
            timers,
            max_interval: 1000,
        },
    )
}

fn work(visited: u64, buckets: u64, moved: u64) -> Work {
    Work {
        visited,
        buckets,
        moved,
    }
}

/// Ticks `from..=to` and returns each tick's work and what fired.
fn ticks(s: &mut dyn Scheme, from: u64, to: u64) -> Vec<(Work, Vec<u32>)> {
    (from..=to)
        .map(|now| {
            let mut fired = Vec::new();
            let w = s.tick(now, &mut fired);
            (w, fired)
        })
        .collect()
}

#[test]
fn scheme_1_a_tick_with_5_timers_costs_5() {
    let mut s = scheme(SchemeKind::Unordered, 5);
    for t in 0..5 {
        assert_eq!(s.start(0, t, 10 + t as u64), work(0, 0, 1));
    }
    let t = ticks(&mut *s, 1, 10);
    assert_eq!(t[0], (work(5, 0, 0), vec![]));
    // Tick 10: all 5 decremented, the first reaches 0 and is unlinked.
    assert_eq!(t[9], (work(5, 0, 1), vec![0]));
    assert_eq!(s.stop(10, 3), work(0, 0, 1));
    assert_eq!(s.stop(10, 3), Work::ZERO, "not armed: nothing to do");
    assert_eq!(ticks(&mut *s, 11, 11)[0], (work(3, 0, 1), vec![1]));
}

#[test]
fn scheme_2_a_start_into_a_list_of_4_compares_up_to_4() {
    let mut s = scheme(SchemeKind::Ordered, 6);
    for (t, due) in [(0, 10), (1, 20), (2, 30), (3, 40)] {
        s.start(0, t, due);
    }
    // Later than all four: compared with each.
    assert_eq!(s.start(0, 4, 50), work(4, 0, 1));
    // Earlier than all: compared with the head only.
    assert_eq!(s.start(0, 5, 5), work(1, 0, 1));
    // Re-arming a queued timer unlinks it first (moved 2), then walks.
    assert_eq!(s.start(0, 5, 25), work(3, 0, 2));
    assert_eq!(s.stop(0, 1), work(0, 0, 1));
    // A tick looks at the head: one comparison when nothing is due, one more per expiry.
    let t = ticks(&mut *s, 1, 10);
    assert_eq!(t[0], (work(1, 0, 0), vec![]));
    assert_eq!(t[9], (work(2, 0, 1), vec![0]));
}

#[test]
fn the_delta_list_walks_to_start_and_searches_to_stop() {
    let mut s = scheme(SchemeKind::Delta, 6);
    for (t, due) in [(0, 10), (1, 20), (2, 30), (3, 40)] {
        s.start(0, t, due);
    }
    // Walks past all four deltas.
    assert_eq!(s.start(0, 4, 50), work(4, 0, 1));
    // Stops in front of the 20-tick entry: passes one, compares the second.
    assert_eq!(s.start(0, 5, 15), work(2, 0, 1));
    // No handle: untimeout searches from the head (timer 3 is 5th of 6).
    assert_eq!(s.stop(0, 3), work(5, 0, 1));
    // A timer that is not there costs a walk of the whole list (5 entries now).
    assert_eq!(s.stop(0, 3), work(5, 0, 0));
    // A tick decrements the head and looks whether it is due.
    let t = ticks(&mut *s, 1, 10);
    assert_eq!(t[0], (work(2, 0, 0), vec![]));
    assert_eq!(t[9], (work(3, 0, 1), vec![0]));
}

#[test]
fn the_heap_sifts_in_log_n() {
    let mut s = scheme(SchemeKind::Heap, 8);
    // Ascending deadlines never move: one comparison with the parent each (none for the root).
    assert_eq!(s.start(0, 0, 10), work(0, 0, 1));
    assert_eq!(s.start(0, 1, 20), work(1, 0, 1));
    assert_eq!(s.start(0, 2, 30), work(1, 0, 1));
    assert_eq!(s.start(0, 3, 40), work(1, 0, 1));
    // Earliest of all, at slot 4: parent 1 and root 0 are later, so two comparisons and two
    // parents moved down, besides its own slot.
    assert_eq!(s.start(0, 4, 5), work(2, 0, 3));
    let t = ticks(&mut *s, 1, 5);
    assert_eq!(t[0], (work(1, 0, 0), vec![]));
    assert_eq!(t[4].1, vec![4]);
}

#[test]
fn a_simple_wheel_tick_looks_at_one_slot() {
    let mut s = scheme(SchemeKind::SimpleWheel, 3);
    s.start(0, 0, 7);
    s.start(0, 1, 7);
    let t = ticks(&mut *s, 1, 7);
    assert_eq!(t[0], (work(0, 1, 0), vec![]));
    assert_eq!(t[6], (work(0, 1, 2), vec![0, 1]));
    // The longest interval, 1000 ticks: tick 1007 is the slot of tick 7, next seen at 1007.
    s.start(7, 2, 1007);
    let t = ticks(&mut *s, 8, 1007);
    assert!(t[..999]
        .iter()
        .all(|(w, f)| *w == work(0, 1, 0) && f.is_empty()));
    assert_eq!(t[999], (work(0, 1, 1), vec![2]));
}

#[test]
fn hashed_sorted_buckets_compare_within_the_bucket() {
    // 4 timers: 4 buckets. Deadlines 5, 9 and 13 share bucket 1.
    let mut s = scheme(SchemeKind::HashedSorted, 4);
    assert_eq!(s.start(0, 0, 9), work(0, 0, 1));
    assert_eq!(s.start(0, 1, 13), work(1, 0, 1));
    assert_eq!(s.start(0, 2, 5), work(1, 0, 1));
    assert_eq!(s.start(0, 3, 2), work(0, 0, 1));
    let t = ticks(&mut *s, 1, 5);
    assert_eq!(
        t[0],
        (work(1, 1, 0), vec![]),
        "tick 1: bucket 1's head is due at 5"
    );
    assert_eq!(t[1], (work(1, 1, 1), vec![3]));
    assert_eq!(t[4], (work(2, 1, 1), vec![2]));
}

#[test]
fn the_callwheel_pays_for_later_laps() {
    // 4 callouts: callwheelsize 4. Deadlines 1, 5 and 9 share bucket 1.
    let mut s = scheme(SchemeKind::Callwheel, 4);
    assert_eq!(s.start(0, 0, 9), work(0, 0, 1));
    assert_eq!(s.start(0, 1, 5), work(0, 0, 1));
    assert_eq!(s.start(0, 2, 1), work(0, 0, 1));
    // callout_reset of a pending callout: unlinked, then linked again.
    assert_eq!(s.start(0, 0, 9), work(0, 0, 2));
    let t = ticks(&mut *s, 1, 9);
    // Tick 1: the bucket holds all three; 2 runs, the later laps are skipped.
    assert_eq!(t[0], (work(3, 1, 1), vec![2]));
    assert_eq!(t[1], (work(0, 1, 0), vec![]));
    assert_eq!(t[4], (work(2, 1, 1), vec![1]));
    assert_eq!(t[8], (work(1, 1, 1), vec![0]));
    assert_eq!(s.stop(9, 0), Work::ZERO, "already fired");
}

#[test]
fn the_hierarchical_wheel_pays_at_cascades() {
    let mut s = scheme(SchemeKind::Hierarchical, 2);
    // timeout_add appends to timeout_todo.
    assert_eq!(s.start(0, 0, 300), work(0, 0, 1));
    let t = ticks(&mut *s, 1, 300);
    // Tick 1: softclock puts it into wheel 1 (299 ticks to go).
    assert_eq!(t[0], (work(0, 1, 1), vec![]));
    assert_eq!(t[1], (work(0, 1, 0), vec![]));
    // Tick 256: wheel 0 wraps, wheel 1's bucket 1 cascades, it moves to wheel 0.
    assert_eq!(t[255], (work(0, 2, 1), vec![]));
    assert_eq!(t[299], (work(0, 1, 1), vec![0]));
    // A later deadline leaves a queued timeout where it is; an earlier one moves it.
    s.start(300, 1, 400);
    assert_eq!(s.start(300, 1, 500), work(1, 0, 0));
    assert_eq!(s.start(300, 1, 350), work(0, 0, 2));
    assert_eq!(s.stop(300, 1), work(0, 0, 1));
    assert_eq!(s.stop(300, 1), Work::ZERO);
}

#[test]
fn linux_looks_at_higher_levels_every_8_ticks() {
    let mut s = scheme(SchemeKind::Linux, 2);
    // 100 ticks: level 1, expiry 100 rounds up to bucket 104 (from clk 1).
    s.start(0, 0, 100);
    s.start(0, 1, 10);
    let t = ticks(&mut *s, 1, 104);
    assert_eq!(t[0], (work(0, 1, 0), vec![]));
    assert_eq!(t[7], (work(0, 2, 0), vec![]), "tick 8: levels 0 and 1");
    assert_eq!(t[10], (work(0, 1, 1), vec![1]), "level 0: one tick late");
    assert_eq!(t[63], (work(0, 3, 0), vec![]), "tick 64: levels 0, 1 and 2");
    assert_eq!(t[103], (work(0, 2, 1), vec![0]), "4 ticks late");
}
