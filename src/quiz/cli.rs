//! `hardclock-trace quiz SCENARIO [--count N] [--seed S] [--format text|json]`: a question sheet
//! and its answer key, for handouts and exams. SCENARIO is a file, `-` for standard input, or a
//! preset's name. The reading of the file and the exit codes live in the binary.

use super::sheet::{sheet, text};
use crate::script::{presets, Scenario};

pub const USAGE: &str = "usage: hardclock-trace quiz SCENARIO [--count N] [--seed S] [--format text|json]\n\
    Prints a question sheet about the scenario and its answer key, each answer the simulated\n\
    kernel's own. SCENARIO is a .hc file, - for standard input, or a preset's name.\n\
    --count N   questions (default 10, at most 200); the scenario's '# ask:' checkpoints come first\n\
    --seed S    which questions and the order of the choices (default 0): the same seed, the same sheet\n\
    --format    json (the default: one question per line) or text (questions, then the answer key)";

/// The command line of `quiz`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub scenario: String,
    pub count: usize,
    pub seed: u64,
    pub json: bool,
}

/// Most questions on one sheet.
pub const MAX_COUNT: usize = 200;

/// Parses the arguments after `quiz`. `Err("")` asks for the usage text.
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        scenario: String::new(),
        count: 10,
        seed: 0,
        json: true,
    };
    let mut scenario = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a, None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            if let Some(v) = &inline {
                return Ok(v.clone());
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value: {what}"))
        };
        match flag {
            "-h" | "--help" => return Err(String::new()),
            "--count" => {
                let v = value("a number of questions")?;
                o.count = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_COUNT).contains(n))
                    .ok_or(format!("--count must be 1 to {MAX_COUNT}, got '{v}'"))?;
            }
            "--seed" => {
                let v = value("a number")?;
                o.seed = v.parse().map_err(|_| {
                    format!("--seed must be a number from 0 to {}, got '{v}'", u64::MAX)
                })?;
            }
            "--format" => match value("json or text")?.as_str() {
                "json" => o.json = true,
                "text" => o.json = false,
                other => return Err(format!("unknown format '{other}': use json or text")),
            },
            f if f.starts_with('-') && f != "-" => return Err(format!("unknown option '{f}'")),
            f if scenario.is_none() => scenario = Some(f.to_string()),
            f => {
                return Err(format!(
                    "only one scenario may be given, got another: '{f}'"
                ))
            }
        }
        i += 1;
    }
    o.scenario = scenario.ok_or("no scenario given")?;
    Ok(o)
}

/// A preset's source when `name` is a preset's name and not a file.
pub fn preset_source(name: &str) -> Option<&'static str> {
    if std::path::Path::new(name).exists() {
        return None;
    }
    presets::find(name).map(|p| p.source)
}

/// The sheet's lines, or the scenario's error (with line and column) as the text to print.
pub fn run(o: &Options, title: &str, src: &str) -> Result<Vec<String>, String> {
    let sc = Scenario::compile(src).map_err(|e| e.to_string())?;
    let qs = sheet(&sc, o.count, o.seed).map_err(|e| e.to_string())?;
    Ok(if o.json {
        qs.iter().map(|q| q.json()).collect()
    } else {
        text(title, &qs)
    })
}
