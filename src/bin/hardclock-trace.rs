//! `hardclock-trace FILE|- [--format json|text]`: runs a scenario natively and prints its trace.
//! `hardclock-trace compare ...`: the scheme lab (see [`hardclock::lab::cli`]).
//! `hardclock-trace quiz SCENARIO ...`: a question sheet (see [`hardclock::quiz::cli`]).
//! `hardclock-trace import-routes FILE|- [--fib N]`: a real routing table (`netstat -rn`,
//! `route -n`, `ip route`) as `route_add` statements (see [`hardclock::import::routes`]).
//!
//! Exit status: 0 the scenario ran to the end, 1 the simulated machine panicked, 2 the scenario
//! has an error (or the command line is wrong, or the file cannot be read).

use std::io::{self, Read, Write};
use std::process::ExitCode;

use hardclock::script::limits::MAX_SCRIPT_BYTES;
use hardclock::script::trace::Format;
use hardclock::script::{run, Outcome};

const USAGE: &str = "usage: hardclock-trace FILE|- [--format json|text|csv]\n\
    \x20      hardclock-trace compare --workload NAME --timers N --ticks T [...] (the scheme lab; compare --help)\n\
    \x20      hardclock-trace quiz SCENARIO [--count N] [--seed S] [--format text|json] (quiz --help)\n\
    \x20      hardclock-trace import-routes FILE|- [--fib N] (netstat -rn, route -n or ip route to route_add statements)\n\
    Runs a hardclock scenario (.hc) and prints what the simulated kernel did.\n\
    FILE is the scenario, or - to read it from standard input.\n\
    --format json (the default) prints one JSON object per line; text prints readable lines;\n\
    csv prints tick,kind,line,text rows.";

const IMPORT_USAGE: &str = "usage: hardclock-trace import-routes FILE|- [--fib N]\n\
    Reads a routing table as netstat -rn (FreeBSD, NetBSD, OpenBSD, macOS), Linux route -n or\n\
    ip route prints it, and prints the route_add statements that build it in fib N (default 0).\n\
    Lines that give no route are listed on standard error with line, column and why (and as\n\
    comments in the statements). Exit status 0, or 2 for a wrong command line or input.";

struct Options {
    path: String,
    format: Format,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut path = None;
    let mut format = Format::Json;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = if a == "--format" {
            i += 1;
            Some(
                args.get(i)
                    .ok_or("--format needs a value: json, text or csv")?
                    .as_str(),
            )
        } else {
            a.strip_prefix("--format=")
        };
        match (a, value) {
            (_, Some(f)) => {
                format = Format::parse(f)
                    .ok_or_else(|| format!("unknown format '{f}': use json, text or csv"))?
            }
            ("-h" | "--help", _) => return Err(String::new()),
            (f, _) if f.starts_with('-') && f != "-" => {
                return Err(format!("unknown option '{f}'"))
            }
            (f, _) if path.is_none() => path = Some(f.to_string()),
            (f, _) => {
                return Err(format!(
                    "only one scenario may be given, got another: '{f}'"
                ))
            }
        }
        i += 1;
    }
    let path = path.ok_or("no scenario given")?;
    Ok(Options { path, format })
}

/// Reads the scenario, at most one byte past the longest a scenario may be: enough for the
/// lexer to say where the limit is crossed, and `hardclock-trace /dev/zero` stops at once
/// instead of filling memory.
fn read_source(path: &str) -> io::Result<String> {
    let limit = MAX_SCRIPT_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    if path == "-" {
        io::stdin().lock().take(limit).read_to_end(&mut bytes)?;
    } else {
        std::fs::File::open(path)?
            .take(limit)
            .read_to_end(&mut bytes)?;
    }
    let cut = bytes.len() as u64 == limit;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        // The cut may split a character: keep the text before it (it is past the limit anyway).
        Err(e) if cut && e.utf8_error().error_len().is_none() => {
            let n = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(n);
            Ok(String::from_utf8(bytes).expect("valid up to the cut"))
        }
        Err(_) => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the scenario is not UTF-8 text",
        )),
    }
}

/// `hardclock-trace compare ...`: exit status 0, or 2 for a wrong command line or input.
fn compare(args: &[String]) -> ExitCode {
    use hardclock::lab::cli;
    let opts = match cli::parse(args) {
        Ok(o) => o,
        Err(why) if why.is_empty() => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(why) => {
            eprintln!("hardclock-trace compare: {why}\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let src = match &opts.scenario {
        Some(path) => match read_source(path) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("hardclock-trace compare: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let lines = cli::workload(&opts, src.as_deref()).and_then(|w| cli::compare(&opts, w));
    let lines = match lines {
        Ok(l) => l,
        Err(why) => {
            eprintln!("hardclock-trace compare: {why}");
            return ExitCode::from(2);
        }
    };
    print_lines(&lines);
    ExitCode::SUCCESS
}

/// `hardclock-trace quiz ...`: exit status 0, or 2 for a wrong command line, an unreadable file
/// or a scenario error (printed with its line and column).
fn quiz(args: &[String]) -> ExitCode {
    use hardclock::quiz::cli;
    let opts = match cli::parse(args) {
        Ok(o) => o,
        Err(why) if why.is_empty() => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(why) => {
            eprintln!("hardclock-trace quiz: {why}\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let src = match cli::preset_source(&opts.scenario) {
        Some(s) => s.to_string(),
        None => match read_source(&opts.scenario) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("hardclock-trace quiz: cannot read {}: {e}", opts.scenario);
                return ExitCode::from(2);
            }
        },
    };
    let lines = match cli::run(&opts, &opts.scenario, &src) {
        Ok(l) => l,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    print_lines(&lines);
    ExitCode::SUCCESS
}

/// `hardclock-trace import-routes FILE|- [--fib N]`.
fn import_routes(args: &[String]) -> ExitCode {
    use hardclock::import::routes::{import, MAX_IMPORT_BYTES};
    let mut path = None;
    let mut fib = 0u32;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = if a == "--fib" {
            i += 1;
            Some(args.get(i).map_or("", String::as_str))
        } else {
            a.strip_prefix("--fib=")
        };
        let bad = match (a, value) {
            (_, Some(v)) => match v.parse::<u32>() {
                Ok(n) if n < 16 => {
                    fib = n;
                    None
                }
                _ => Some(format!("--fib needs a FIB number from 0 to 15, got '{v}'")),
            },
            ("-h" | "--help", _) => {
                println!("{IMPORT_USAGE}");
                return ExitCode::SUCCESS;
            }
            (f, _) if f.starts_with('-') && f != "-" => Some(format!("unknown option '{f}'")),
            (f, _) if path.is_none() => {
                path = Some(f.to_string());
                None
            }
            (f, _) => Some(format!("only one table may be given, got another: '{f}'")),
        };
        if let Some(why) = bad {
            eprintln!("hardclock-trace import-routes: {why}\n{IMPORT_USAGE}");
            return ExitCode::from(2);
        }
        i += 1;
    }
    let Some(path) = path else {
        eprintln!("hardclock-trace import-routes: no table given\n{IMPORT_USAGE}");
        return ExitCode::from(2);
    };
    let text = match read_source(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hardclock-trace import-routes: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    const { assert!(MAX_IMPORT_BYTES <= MAX_SCRIPT_BYTES) };
    let im = match import(&text, fib) {
        Ok(im) => im,
        Err(e) => {
            eprintln!("hardclock-trace import-routes: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    for u in &im.unused {
        eprintln!(
            "{path}: line {}, column {}: not used: {}\n  | {}",
            u.line, u.col, u.why, u.echo
        );
    }
    print!("{}", im.statements());
    ExitCode::SUCCESS
}

/// Prints `lines` to standard output, one per line. A closed pipe (`| head`) is not an error
/// worth a message: printing just stops.
fn print_lines(lines: &[String]) {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for l in lines {
        if writeln!(out, "{l}").is_err() {
            break;
        }
    }
    let _ = out.flush();
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("compare") => return compare(&args[1..]),
        Some("import-routes") => return import_routes(&args[1..]),
        Some("quiz") => return quiz(&args[1..]),
        _ => {}
    }
    let opts = match parse_args(&args) {
        Ok(o) => o,
        Err(why) => {
            if why.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("hardclock-trace: {why}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let src = match read_source(&opts.path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hardclock-trace: cannot read {}: {e}", opts.path);
            return ExitCode::from(2);
        }
    };
    let r = run(&src);
    let lines = opts.format.lines(&r.kernel, &r.outcome);
    print_lines(&lines);
    // The JSON trace carries the error as data; people reading the terminal get it spelled out.
    if let (Outcome::Error(e), Format::Json) = (&r.outcome, opts.format) {
        eprintln!("{e}");
    }
    ExitCode::from(r.outcome.exit_code())
}
