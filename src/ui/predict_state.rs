//! Predict mode's own state: the score and the latest marked answer. Plain Rust; the question
//! itself is not state, it is a function of the moment ([`crate::quiz::ask_at`]). Nothing is
//! stored anywhere: a reload starts a new score.

use std::rc::Rc;

use crate::quiz::Question;

/// An answer, marked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marked {
    pub question: Rc<Question>,
    /// What the student chose or typed.
    pub given: String,
    pub correct: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Predict {
    pub asked: u32,
    pub right: u32,
    pub last: Option<Marked>,
}

impl Predict {
    /// Marks `given` against the kernel's answer and counts it; true if right.
    pub fn answer(&mut self, question: Rc<Question>, given: &str) -> bool {
        let correct = question.answer.matches(given);
        self.asked += 1;
        self.right += correct as u32;
        self.last = Some(Marked {
            question,
            given: given.trim().to_string(),
            correct,
        });
        correct
    }

    /// "2 / 3 right", for the score line.
    pub fn score(&self) -> String {
        format!("{} / {} right", self.right, self.asked)
    }

    /// The verdict and the explanation of the latest answer.
    pub fn verdict(&self) -> Option<String> {
        let m = self.last.as_ref()?;
        let q = &m.question;
        Some(if m.correct {
            format!("Right: {}. {}", q.answer, q.explanation)
        } else {
            format!(
                "Not {}: the kernel says {}. {}",
                m.given, q.answer, q.explanation
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::{Answer, Kind};

    fn q(answer: Answer) -> Rc<Question> {
        Rc::new(Question {
            kind: Kind::FireTick,
            subject: "t".into(),
            at_tick: 0,
            stmt: 0,
            line: 1,
            question: "When?".into(),
            choices: vec![answer.clone()],
            answer,
            explanation: "Because.".into(),
        })
    }

    #[test]
    fn answers_are_marked_and_scored() {
        let mut p = Predict::default();
        let cases = [
            (
                Answer::Int(300),
                "299",
                false,
                "Not 299: the kernel says 300. Because.",
                "0 / 1 right",
            ),
            (
                Answer::Int(300),
                " 300 ",
                true,
                "Right: 300. Because.",
                "1 / 2 right",
            ),
            (
                Answer::Text("timeout_todo".into()),
                "timeout_todo",
                true,
                "Right: timeout_todo. Because.",
                "2 / 3 right",
            ),
        ];
        for (answer, given, correct, verdict, score) in cases {
            assert_eq!(p.answer(q(answer), given), correct);
            assert_eq!(p.verdict().as_deref(), Some(verdict));
            assert_eq!(p.score(), score);
        }
    }
}
