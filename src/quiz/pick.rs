//! Which question predict mode asks before the next step, if any.

use super::checkpoints::Checkpoint;
use super::generate::{questions_at, Horizon};
use super::Question;
use crate::kernel::Kernel;
use crate::script::{Interp, Scenario};

/// The question to ask before the step from this moment (`k` before statement `next`; after the
/// last, the step is one hardclock). A scenario with `# ask:` checkpoints is asked only there,
/// and only what they name; one without is asked wherever the kernel can settle something,
/// a different kind from step to step.
pub fn ask_at(
    sc: &Scenario,
    k: &Kernel,
    it: &Interp,
    next: usize,
    cps: &[Checkpoint],
) -> Option<Question> {
    let here: Vec<&Checkpoint> = cps.iter().filter(|c| c.stmt == next).collect();
    if !cps.is_empty() && here.is_empty() {
        return None;
    }
    let qs = questions_at(sc, k, it, next, Horizon::STEP, 0);
    if qs.is_empty() {
        return None;
    }
    if cps.is_empty() {
        return qs.get(next % qs.len()).cloned();
    }
    here.iter().find_map(|cp| {
        qs.iter()
            .find(|q| q.kind == cp.kind && cp.subject.as_ref().is_none_or(|s| *s == q.subject))
            .cloned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::{checkpoints, Answer, Kind};

    const SRC: &str = "timeout_set(&t300, f, NULL)\ntimeout_add(&t300, 300)\nhardclock(256)\n# ask: fire_tick t300\nhardclock(50)\n";

    #[test]
    fn checkpoints_decide_where_and_what_is_asked() {
        let sc = Scenario::compile(SRC).unwrap();
        let cps = checkpoints(&sc).unwrap();
        let (mut k, mut it) = sc.boot();
        let mut asked = Vec::new();
        for i in 0..sc.stmts.len() {
            if let Some(q) = ask_at(&sc, &k, &it, i, &cps) {
                asked.push((i, q.kind, q.subject, q.answer));
            }
            sc.step(&mut k, &mut it, i).unwrap();
        }
        assert_eq!(
            asked,
            [(3, Kind::FireTick, "t300".into(), Answer::Int(300))]
        );
    }

    #[test]
    fn without_checkpoints_every_settling_step_asks() {
        let sc = Scenario::compile(&SRC.replace("# ask: fire_tick t300\n", "")).unwrap();
        let (mut k, mut it) = sc.boot();
        assert!(
            ask_at(&sc, &k, &it, 0, &[]).is_none(),
            "timeout_set settles nothing"
        );
        sc.step(&mut k, &mut it, 0).unwrap();
        let q = ask_at(&sc, &k, &it, 1, &[]).expect("timeout_add asks");
        assert_eq!(q.stmt, 1);
    }
}
