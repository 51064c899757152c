//! Wrong answers worth choosing: each one is what a real misconception predicts, and every
//! choice list is distinct, holds the answer, and is shuffled by a seed (the same seed, the same
//! sheet).

use super::{Answer, Kind};

/// The misconceptions behind a numeric question, as offsets from the right answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TickContext {
    pub kind: Kind,
    /// `hz`: one rt_timer scan period.
    pub hz: i64,
    /// The callwheel's size: one lap of the ring.
    pub callwheelsize: i64,
    /// The question is about a FreeBSD callout (laps matter), not an OpenBSD timeout.
    pub callout: bool,
}

/// Offsets from the answer that a misconception gives, most telling first.
pub fn tick_offsets(c: TickContext) -> Vec<i64> {
    match c.kind {
        // The strict `<` of the scan: a student who reads `<=` expects the scan one second
        // earlier; one who counts from the add expects a tick off; a second late is the other way.
        Kind::RtExpire => vec![-c.hz, c.hz, -1, 2 * c.hz],
        // "0 is treated as 1" and "it runs at to_time, not one tick later": off by one; a callout
        // found in its bucket a lap early or late: the callwheel's size; a timeout at the 256
        // boundary: one wheel-0 turn.
        _ if c.callout => vec![-1, 1, -c.callwheelsize, c.callwheelsize, 2],
        _ => vec![-1, 1, -256, 256, 2],
    }
}

/// The answer and up to three distinct distractors from `offsets`, none before `now` (no
/// timer fires in the past).
pub fn tick_choices(answer: i64, now: i64, offsets: &[i64]) -> Vec<Answer> {
    let mut out = vec![answer];
    for d in offsets.iter().chain(&[3, 4]) {
        let v = answer.saturating_add(*d);
        if out.len() < 4 && !out.contains(&v) && v > now {
            out.push(v);
        }
    }
    out.into_iter().map(Answer::Int).collect()
}

/// The answer and the other candidates, distinct, at most four in all (the answer always kept).
pub fn text_choices(answer: &str, others: &[String]) -> Vec<Answer> {
    let mut out: Vec<String> = vec![answer.to_string()];
    for o in others {
        if out.len() < 4 && !out.contains(o) {
            out.push(o.clone());
        }
    }
    out.into_iter().map(Answer::Text).collect()
}

/// splitmix64: a tiny deterministic generator, the same on every platform and in wasm.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Fisher-Yates.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// A seed for one question: the sheet's seed mixed with where and what it asks.
pub fn question_seed(seed: u64, stmt: usize, kind: Kind, subject: &str) -> u64 {
    let mut h = seed ^ 0xcbf2_9ce4_8422_2325;
    let mix = |h: &mut u64, b: u8| *h = (*h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    for b in (stmt as u64).to_le_bytes() {
        mix(&mut h, b);
    }
    for b in kind.as_str().bytes().chain(subject.bytes()) {
        mix(&mut h, b);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_choices_are_distinct_and_hold_the_answer() {
        let cases: [(Kind, bool, i64, i64, &[i64]); 5] = [
            (Kind::FireTick, false, 300, 0, &[300, 299, 301, 44]),
            (Kind::FireTick, false, 300, 256, &[300, 299, 301, 556]),
            (Kind::FireTick, true, 100, 90, &[100, 99, 101, 164]),
            (Kind::FireTick, true, 1, 0, &[1, 2, 65, 3]),
            (Kind::RtExpire, false, 6200, 0, &[6200, 6100, 6300, 6199]),
        ];
        for (kind, callout, answer, now, want) in cases {
            let c = TickContext {
                kind,
                hz: 100,
                callwheelsize: 64,
                callout,
            };
            let got: Vec<i64> = tick_choices(answer, now, &tick_offsets(c))
                .into_iter()
                .map(|a| match a {
                    Answer::Int(n) => n,
                    Answer::Text(_) => unreachable!(),
                })
                .collect();
            assert_eq!(got, want, "{kind:?} {answer}");
        }
    }

    #[test]
    fn text_choices_drop_repeats_of_the_answer() {
        let got = text_choices(
            "a",
            &[
                "b".into(),
                "a".into(),
                "b".into(),
                "c".into(),
                "d".into(),
                "e".into(),
            ],
        );
        let want: Vec<Answer> = ["a", "b", "c", "d"]
            .map(|s| Answer::Text(s.into()))
            .to_vec();
        assert_eq!(got, want);
    }

    #[test]
    fn the_same_seed_shuffles_the_same_way() {
        let mut a = vec![1, 2, 3, 4, 5];
        let mut b = a.clone();
        Rng::new(7).shuffle(&mut a);
        Rng::new(7).shuffle(&mut b);
        assert_eq!(a, b);
        assert_ne!(
            question_seed(1, 0, Kind::Bucket, "t"),
            question_seed(2, 0, Kind::Bucket, "t")
        );
    }
}
