//! `docs/scenario-language.md` cannot fall behind the language: every `scenario` block in it runs
//! through the real parser, checker and runner, every error it shows is the error the runner
//! gives, and its tables of calls and kernel variables are the kernel's own.
//!
//! `HC_BLESS=1 cargo test --release --test scenario_doc` rewrites the call table from the kernel's
//! call table (the rest of the page is written by hand).

use hardclock::kernel::calls::signatures;
use hardclock::kernel::Kernel;
use hardclock::script::{run, Outcome};

const DOC: &str = "docs/scenario-language.md";

fn doc_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DOC)
}

fn doc() -> String {
    std::fs::read_to_string(doc_path()).expect("docs/scenario-language.md")
}

/// A fenced block: its info string (`scenario`, `scenario error`, `text`), body, and the line
/// of the fence, for messages.
struct Block {
    info: String,
    body: String,
    line: usize,
}

fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, l) in doc.lines().enumerate() {
        match (&mut open, l.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    info: info.trim().to_string(),
                    body: String::new(),
                    line: i + 1,
                })
            }
            (Some(_), Some("")) => out.extend(open.take()),
            (Some(b), _) => {
                b.body.push_str(l);
                b.body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "{DOC}: a fenced block is not closed");
    out
}

#[test]
fn every_scenario_block_runs_as_documented() {
    let doc = doc();
    let bs = blocks(&doc);
    let mut ran = 0;
    for (i, b) in bs.iter().enumerate() {
        let Some(kind) = b.info.strip_prefix("scenario") else {
            continue;
        };
        ran += 1;
        let r = run(&b.body);
        let at = format!("{DOC}:{} ({})", b.line, b.info);
        match (kind.trim(), &r.outcome) {
            ("", Outcome::Ok) | ("panic", Outcome::Panicked(_)) => {}
            ("error", Outcome::Error(e)) => {
                // The block after an error example shows the message as the CLI prints it.
                let shown = bs
                    .get(i + 1)
                    .filter(|n| n.info == "text")
                    .unwrap_or_else(|| {
                        panic!("{at}: an error example needs a text block after it")
                    });
                assert_eq!(shown.body.trim_end(), e.to_string(), "{at}");
            }
            (_, other) => panic!("{at}: the block ended with {other:?}"),
        }
    }
    assert!(ran >= 10, "only {ran} scenario blocks in {DOC}");
}

/// The call table, as the page shows it.
fn call_table() -> String {
    let mut s = String::from("| call | returns | page |\n|---|---|---|\n");
    for sig in signatures() {
        // Parameters that may be left out are shown in brackets: `hardclock([int n])`.
        let first_optional = sig.params.len() - sig.optional;
        let params: Vec<String> = sig
            .params
            .iter()
            .enumerate()
            .map(|(i, (decl, _))| match i >= first_optional {
                true => format!("[{decl}]"),
                false => decl.to_string(),
            })
            .collect();
        s.push_str(&format!(
            "| `{}({})` | `{}` | {} |\n",
            sig.name,
            params.join(", "),
            sig.ret,
            sig.page
        ));
    }
    s
}

/// The text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
fn section<'d>(doc: &'d str, name: &str) -> (usize, usize, &'d str) {
    let begin = format!("<!-- {name}:begin -->\n");
    let end = format!("<!-- {name}:end -->");
    let a = doc.find(&begin).expect("begin marker") + begin.len();
    let b = a + doc[a..].find(&end).expect("end marker");
    (a, b, &doc[a..b])
}

#[test]
fn the_call_table_is_the_kernels() {
    let doc = doc();
    let (a, b, shown) = section(&doc, "calls");
    let want = call_table();
    if std::env::var_os("HC_BLESS").is_some() && shown != want {
        let new = format!("{}{want}{}", &doc[..a], &doc[b..]);
        std::fs::write(doc_path(), new).expect("write the doc");
        return;
    }
    assert_eq!(
        shown, want,
        "{DOC} lists other calls than the kernel's call table; run with HC_BLESS=1 to rewrite it"
    );
}

#[test]
fn every_kernel_variable_listed_exists_with_its_default() {
    let doc = doc();
    let (_, _, table) = section(&doc, "vars");
    let k = Kernel::new();
    let mut n = 0;
    for row in table.lines().skip(2) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`');
        let got = k
            .kernel_var(name)
            .unwrap_or_else(|| panic!("{DOC}: {name} is not a kernel variable"));
        assert_eq!(got.to_string(), cells[2], "{DOC}: the default of {name}");
        n += 1;
    }
    assert!(n >= 15, "{n}");
}
