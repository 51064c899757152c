//! A question sheet for a whole scenario: every moment's questions, the authored checkpoints
//! first, then a seeded sample of the rest, in the order the scenario reaches them.

use super::checkpoints::checkpoints;
use super::distractors::Rng;
use super::generate::{questions_at, Horizon};
use super::{Question, KINDS};
use crate::script::{Scenario, ScriptError};

/// Why no sheet could be made.
pub type SheetError = ScriptError;

/// Every question the kernel can settle at each moment of `sc` (before each statement and
/// after the last).
pub fn all_questions(sc: &Scenario, seed: u64) -> Vec<Question> {
    let (mut k, mut it) = sc.boot();
    let mut out: Vec<Question> = Vec::new();
    for i in 0..=sc.stmts.len() {
        out.extend(questions_at(sc, &k, &it, i, Horizon::SHEET, seed));
        if i == sc.stmts.len() || sc.step(&mut k, &mut it, i).is_err() || k.halted() {
            break;
        }
        // The moment's clone need not copy the log.
        k.trace.events.clear();
    }
    out
}

/// `count` questions for `sc`: those its `# ask:` checkpoints name, then others drawn with
/// `seed`; ordered by where they are asked. The same scenario and seed give the same sheet.
pub fn sheet(sc: &Scenario, count: usize, seed: u64) -> Result<Vec<Question>, SheetError> {
    let cps = checkpoints(sc)?;
    let mut pool = all_questions(sc, seed);
    let mut chosen: Vec<Question> = Vec::new();
    for cp in &cps {
        let hit = pool.iter().position(|q| {
            q.stmt == cp.stmt
                && q.kind == cp.kind
                && cp.subject.as_ref().is_none_or(|s| *s == q.subject)
        });
        if let (Some(i), true) = (hit, chosen.len() < count) {
            chosen.push(pool.remove(i));
        }
    }
    // Drawn from the rest: one question per kind and subject (the first moment that asks it).
    let mut rest: Vec<Question> = Vec::new();
    for q in pool {
        let same = |o: &Question| o.kind == q.kind && o.subject == q.subject;
        if !rest.iter().any(same) && !chosen.iter().any(same) {
            rest.push(q);
        }
    }
    let mut pool = rest;
    let mut rng = Rng::new(seed);
    while chosen.len() < count && !pool.is_empty() {
        let i = rng.below(pool.len());
        chosen.push(pool.remove(i));
    }
    let order = |q: &Question| (q.stmt, KINDS.iter().position(|k| *k == q.kind));
    chosen.sort_by_key(order);
    Ok(chosen)
}

/// The sheet as text for a handout: the questions, then the answer key.
pub fn text(title: &str, qs: &[Question]) -> Vec<String> {
    let letter = |i: usize| (b'a' + i as u8) as char;
    let mut out = vec![format!("Quiz: {title}"), String::new()];
    for (n, q) in qs.iter().enumerate() {
        let at = if q.line > 0 {
            format!("line {}", q.line)
        } else {
            "after the script".to_string()
        };
        out.push(format!(
            "{}. [{}, {at}] {}",
            n + 1,
            q.kind.as_str(),
            q.question
        ));
        for (i, c) in q.choices.iter().enumerate() {
            out.push(format!("   {}) {c}", letter(i)));
        }
        out.push(String::new());
    }
    out.push("Answer key".to_string());
    for (n, q) in qs.iter().enumerate() {
        let i = q.choices.iter().position(|c| *c == q.answer).unwrap_or(0);
        out.push(format!(
            "{}. {}) {}. {}",
            n + 1,
            letter(i),
            q.answer,
            q.explanation
        ));
    }
    out
}
