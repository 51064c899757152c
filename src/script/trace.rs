//! The trace of a run: the kernel's events as JSON lines (the contract `hardclock-trace` keeps
//! for tests and outside tools) or as readable lines for course handouts.
//!
//! One JSON object per line, in the order things happened:
//!
//! * `{"kind":"call","line":L,"tick":T,"call":"timeout_add","ret":1}`, plus `"refcnt":N` and
//!   `"freed":true` for calls on a route; `ret` is an integer, a route's destination, or null.
//!   A call made inside a handler body adds `"in":"HANDLER"`, and `line` is the line of the
//!   statement in the body. A call is written when it returns (a drain that slept, a handler's
//!   `busy(n)` or sleeping `mtx_lock`: at the tick the body resumes).
//! * `{"kind":"fire","tick":T,"via":"timeout","func":"arp_expire","arg":"rt1"}`, plus `"route"`
//!   for rt_timer actions.
//! * `{"kind":"tick","tick":T,"count":N}`: N hardclocks in a row with nothing else happening,
//!   the last one reaching `ticks == T` (one line, not N, so `hardclock(100000)` stays readable).
//! * `{"kind":"cascade","tick":T,"wheel":1,"bucket":3,"count":2}`: hardclock spliced a non-empty
//!   bucket of a higher OpenBSD wheel onto `timeout_todo`.
//! * `{"kind":"route_delete","tick":T,"dst":"10.1.2.3/32","fib":0,"refcnt":N}`: a route left the
//!   table; `refcnt` is what still holds it (0: freed at once, else it waits in rttrash).
//! * `{"kind":"rtm","tick":T,"type":"RTM_MISS","dst":"10.9.9.9","fib":0}`: a routing-socket
//!   message; `dst` is a bare address for RTM_MISS and RTM_REDIRECT and a prefix for route
//!   changes.
//! * `{"kind":"lookup","tick":T,"fib":0,"dst":"10.1.2.4","match":"10.1.0.0/16","bits_tested":3,
//!   "backtracks":1,"masks_tested":1,"dupedkeys":0,"caller":"rtalloc1"}`: every radix lookup
//!   (`rn_match`), `"match":null` on a miss; the counters are the walk's steps, so tools need
//!   not parse the narration. The text trace adds the same counters to the narrated line.
//! * `{"kind":"note","tick":T,"facility":"timeout","event":"rebucketed","text":"..."}`: any other
//!   facility event, named by its variant in snake_case and told by its `narrate()`.
//! * `{"kind":"panic","tick":T,"msg":"..."}` ends the trace of a simulated panic, and
//!   `{"kind":"error","line":L,"col":C,"msg":"..."}` the trace of a scenario error.
//!
//! The JSON is written by hand (the crate has no serde); [`json_string`] does the escaping.

use super::error::ScriptError;
use super::runner::Outcome;
use crate::kernel::event::tick_sentence;
use crate::kernel::openbsd::TimeoutEvent;
use crate::kernel::route::RouteEvent;
use crate::kernel::value::fmt_addr;
use crate::kernel::{Event, EventKind, Kernel, Value};

/// How a route appears in a trace: its destination as a prefix (`10.0.0.0/8`, `10.1.2.3/32` for a
/// host route). A route is never forgotten (freed entries stay in the arena), so the arena name
/// (`rt#3`) only shows for an id the table never handed out.
pub fn route_dst(k: &Kernel, id: u32) -> String {
    match k.rt.entry(id) {
        Some(e) => e.cidr(),
        None => Value::Route(id).to_string(),
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A call's return value: integers as numbers, NULL and void as null, routes by destination,
/// anything else (handles, queues, addresses) as its printed form.
fn ret_json(k: &Kernel, ret: &Option<Value>) -> String {
    match ret {
        None | Some(Value::Null) => "null".to_string(),
        Some(Value::Int(n)) => n.to_string(),
        Some(Value::Route(id)) => json_string(&route_dst(k, *id)),
        Some(v) => json_string(&v.to_string()),
    }
}

/// `count` hardclocks that brought `ticks` to `ticks`, as one JSON object.
fn tick_json(ticks: i32, count: u64) -> String {
    format!(r#"{{"kind":"tick","tick":{ticks},"count":{count}}}"#)
}

/// One event as one JSON object. A tick is `{"kind":"tick","tick":T,"count":1}`.
pub fn event_json(k: &Kernel, ev: &Event) -> String {
    let t = ev.tick;
    match &*ev.kind {
        EventKind::Tick { ticks, count } => tick_json(*ticks, *count as u64),
        EventKind::Call {
            line,
            name,
            ret,
            refcnt,
            freed,
            handler,
        } => {
            let mut s = format!(
                r#"{{"kind":"call","line":{line},"tick":{t},"call":{},"ret":{}"#,
                json_string(name),
                ret_json(k, ret)
            );
            if let Some(h) = handler {
                s.push_str(&format!(r#","in":{}"#, json_string(h)));
            }
            if let Some(n) = refcnt {
                s.push_str(&format!(r#","refcnt":{n}"#));
            }
            if *freed {
                s.push_str(r#","freed":true"#);
            }
            s.push('}');
            s
        }
        EventKind::Fire {
            via,
            func,
            arg,
            route,
        } => {
            let mut s = format!(
                r#"{{"kind":"fire","tick":{t},"via":{},"func":{},"arg":{}"#,
                json_string(via.as_str()),
                json_string(func),
                json_string(arg)
            );
            if let Some(r) = route {
                s.push_str(&format!(r#","route":{}"#, json_string(r)));
            }
            s.push('}');
            s
        }
        EventKind::Panic { msg } => {
            format!(
                r#"{{"kind":"panic","tick":{t},"msg":{}}}"#,
                json_string(msg)
            )
        }
        EventKind::Timeout(_)
        | EventKind::Callout(_)
        | EventKind::Route(_)
        | EventKind::RtTimer(_) => facility_json(k, ev).unwrap_or_default(),
    }
}

/// A facility's own event: the contract's kind where it names one (`cascade`, `route_delete`,
/// `rtm`), else a `note` with the event's name and narration. None for the core's events.
pub fn facility_json(k: &Kernel, ev: &Event) -> Option<String> {
    let t = ev.tick;
    let (facility, event) = match &*ev.kind {
        EventKind::Timeout(TimeoutEvent::Cascade {
            wheel,
            bucket,
            count,
        }) => {
            return Some(format!(
                r#"{{"kind":"cascade","tick":{t},"wheel":{wheel},"bucket":{bucket},"count":{count}}}"#
            ))
        }
        EventKind::Route(RouteEvent::Deleted {
            id, fib, refcnt, ..
        }) => {
            return Some(format!(
                r#"{{"kind":"route_delete","tick":{t},"dst":{},"fib":{fib},"refcnt":{refcnt}}}"#,
                json_string(&route_dst(k, *id))
            ))
        }
        EventKind::Route(RouteEvent::Lookup { caller, walk, .. }) => {
            let c = walk.counts();
            let matched = walk
                .route
                .map_or_else(|| "null".to_string(), |id| json_string(&route_dst(k, id)));
            return Some(format!(
                r#"{{"kind":"lookup","tick":{t},"fib":{},"dst":"{}","match":{matched},"bits_tested":{},"backtracks":{},"masks_tested":{},"dupedkeys":{},"caller":{}}}"#,
                walk.fib,
                fmt_addr(walk.dst),
                c.bits_tested,
                c.backtracks,
                c.masks_tested,
                c.dupedkeys,
                json_string(caller)
            ));
        }
        EventKind::Route(RouteEvent::Rtm(m)) => {
            return Some(format!(
                r#"{{"kind":"rtm","tick":{t},"type":"{}","dst":{},"fib":{}}}"#,
                m.kind.as_str(),
                json_string(&m.dst),
                m.fib
            ))
        }
        EventKind::Timeout(e) => ("timeout", variant_name(e)),
        EventKind::Callout(e) => ("callout", variant_name(e)),
        EventKind::Route(e) => ("route", variant_name(e)),
        EventKind::RtTimer(e) => ("rt_timer", variant_name(e)),
        _ => return None,
    };
    Some(format!(
        r#"{{"kind":"note","tick":{t},"facility":"{facility}","event":"{event}","text":{}}}"#,
        json_string(&ev.narrate())
    ))
}

/// The name of an event's variant in snake_case (`MovedEarlier` -> `moved_earlier`), read from
/// its derived `Debug` form so that a facility's new variants are named without touching this
/// file. Only ASCII letters and digits survive, so the result never needs JSON escaping.
fn variant_name(e: &impl std::fmt::Debug) -> String {
    let debug = format!("{e:?}");
    let mut out = String::new();
    for c in debug.chars().take_while(|c| c.is_ascii_alphanumeric()) {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `{"kind":"error","line":L,"col":C,"msg":"..."}`.
pub fn error_json(e: &ScriptError) -> String {
    format!(
        r#"{{"kind":"error","line":{},"col":{},"msg":{}}}"#,
        e.line,
        e.col,
        json_string(&e.msg)
    )
}

/// Groups the events: runs of ticks become one item, everything else stays as it is.
enum Item<'e> {
    Ticks { last: i32, count: u64 },
    Event(&'e Event),
}

fn items(events: &[Event]) -> Vec<Item<'_>> {
    let mut out: Vec<Item> = Vec::new();
    for ev in events {
        match (&*ev.kind, out.last_mut()) {
            (EventKind::Tick { ticks, count: n }, Some(Item::Ticks { last, count })) => {
                *last = *ticks;
                *count += *n as u64;
            }
            (EventKind::Tick { ticks, count }, _) => out.push(Item::Ticks {
                last: *ticks,
                count: *count as u64,
            }),
            _ => out.push(Item::Event(ev)),
        }
    }
    out
}

/// The JSON-lines trace of a run on `k` that ended with `outcome`.
pub fn json_lines(k: &Kernel, outcome: &Outcome) -> Vec<String> {
    let mut out: Vec<String> = items(&k.trace.events)
        .into_iter()
        .map(|it| match it {
            Item::Ticks { last, count } => tick_json(last, count),
            Item::Event(ev) => event_json(k, ev),
        })
        .collect();
    if let Outcome::Error(e) = outcome {
        out.push(error_json(e));
    }
    out
}

/// One item as a readable sentence, without the `[tick T]` in front: the text format's and
/// the CSV's `text`.
fn item_text(k: &Kernel, it: &Item) -> (i32, String) {
    match it {
        Item::Ticks { last, count } => (*last, tick_sentence(*last, *count)),
        Item::Event(ev) => (
            ev.tick,
            match &*ev.kind {
                EventKind::Call {
                    line,
                    name,
                    ret,
                    refcnt,
                    freed,
                    handler,
                } => {
                    // The place says which handler made the call, so the sentence does not.
                    let said = match ret {
                        Some(Value::Route(id)) => {
                            format!("{name}() returned rt#{id} {}.", route_dst(k, *id))
                        }
                        Some(v) => format!("{name}() returned {v}."),
                        None => format!("{name}() called."),
                    };
                    let after = match (refcnt, freed) {
                        (Some(_), true) => " The route is freed.".to_string(),
                        (Some(n), false) => format!(" rt_refcnt is now {n}."),
                        (None, _) => String::new(),
                    };
                    let place = match handler {
                        Some(h) => format!("line {line} (in handler {h})"),
                        None => format!("line {line}"),
                    };
                    format!("{place}: {said}{after}")
                }
                EventKind::Route(RouteEvent::Lookup { walk, .. }) => {
                    let c = walk.counts();
                    format!(
                        "{} [lookup: bits_tested {}, backtracks {}, masks_tested {}, dupedkeys {}]",
                        ev.narrate(),
                        c.bits_tested,
                        c.backtracks,
                        c.masks_tested,
                        c.dupedkeys
                    )
                }
                _ => ev.narrate(),
            },
        ),
    }
}

/// The readable trace: one line per event, `[tick T] line L: what happened.`
pub fn text_lines(k: &Kernel, outcome: &Outcome) -> Vec<String> {
    let mut out: Vec<String> = items(&k.trace.events)
        .iter()
        .map(|it| {
            let (t, text) = item_text(k, it);
            format!("[tick {t}] {text}")
        })
        .collect();
    if let Outcome::Error(e) = outcome {
        out.push(e.to_string());
    }
    out
}

/// A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The header of [`csv_lines`].
pub const CSV_HEADER: &str = "tick,kind,line,text";

/// The trace as CSV for a spreadsheet: `tick,kind,line,text`, one row per line of the JSON
/// trace: `kind` is the JSON line's kind (`call`, `fire`, `tick`, `cascade`, `lookup`, `note`,
/// `panic`, `error`...), `line` the scenario line of a call or an error (else empty), `text` the
/// readable trace's sentence.
pub fn csv_lines(k: &Kernel, outcome: &Outcome) -> Vec<String> {
    let mut out = vec![CSV_HEADER.to_string()];
    for it in items(&k.trace.events) {
        let (t, text) = item_text(k, &it);
        let (kind, line) = match &it {
            Item::Ticks { .. } => ("tick", String::new()),
            Item::Event(ev) => match &*ev.kind {
                EventKind::Call { line, .. } => ("call", line.to_string()),
                EventKind::Fire { .. } => ("fire", String::new()),
                EventKind::Panic { .. } => ("panic", String::new()),
                EventKind::Tick { .. } => ("tick", String::new()),
                _ => (
                    json_kind(&facility_json(k, ev).unwrap_or_default()),
                    String::new(),
                ),
            },
        };
        out.push(format!("{t},{kind},{line},{}", csv_field(&text)));
    }
    if let Outcome::Error(e) = outcome {
        out.push(format!(",error,{},{}", e.line, csv_field(&e.msg)));
    }
    out
}

/// The `kind` of one of this module's JSON lines (they all start `{"kind":"...`).
fn json_kind(line: &str) -> &'static str {
    const KINDS: &[&str] = &["cascade", "route_delete", "lookup", "rtm", "note"];
    KINDS
        .iter()
        .find(|k| line.starts_with(&format!("{{\"kind\":\"{k}\"")))
        .copied()
        .unwrap_or("note")
}

/// The trace formats, by the names `--format` and the app's export take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Text,
    Csv,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Json, Format::Csv, Format::Text];

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Text => "text",
            Format::Csv => "csv",
        }
    }

    /// The file name extension of an exported trace.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "jsonl",
            Format::Text => "txt",
            Format::Csv => "csv",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Json => "application/x-ndjson",
            Format::Text => "text/plain",
            Format::Csv => "text/csv",
        }
    }

    /// The trace of a run on `k` that ended with `outcome`, one line per element.
    pub fn lines(self, k: &Kernel, outcome: &Outcome) -> Vec<String> {
        match self {
            Format::Json => json_lines(k, outcome),
            Format::Text => text_lines(k, outcome),
            Format::Csv => csv_lines(k, outcome),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::Via;

    fn ev(tick: i32, kind: EventKind) -> Event {
        Event {
            tick,
            kind: std::rc::Rc::new(kind),
        }
    }

    #[test]
    fn strings_are_escaped_for_json() {
        for (s, want) in [
            ("plain", r#""plain""#),
            ("a\"b", r#""a\"b""#),
            ("back\\slash", r#""back\\slash""#),
            ("nl\ncr\rtab\t", r#""nl\ncr\rtab\t""#),
            ("\u{1}\u{8}\u{c}\u{1f}\u{7f}", r#""\u0001\b\f\u001f\u007f""#),
            ("é → ∞", "\"é → ∞\""),
        ] {
            assert_eq!(json_string(s), want, "{s:?}");
        }
    }

    #[test]
    fn calls_fires_and_panics_follow_the_contract() {
        let k = Kernel::new();
        let call = |ret, refcnt, freed| {
            event_json(
                &k,
                &ev(
                    42,
                    EventKind::Call {
                        line: 3,
                        name: "timeout_add".into(),
                        ret,
                        refcnt,
                        freed,
                        handler: None,
                    },
                ),
            )
        };
        assert_eq!(
            call(Some(Value::Int(1)), None, false),
            r#"{"kind":"call","line":3,"tick":42,"call":"timeout_add","ret":1}"#
        );
        assert_eq!(
            call(None, None, false),
            r#"{"kind":"call","line":3,"tick":42,"call":"timeout_add","ret":null}"#
        );
        assert_eq!(
            call(Some(Value::Null), Some(0), true),
            r#"{"kind":"call","line":3,"tick":42,"call":"timeout_add","ret":null,"refcnt":0,"freed":true}"#
        );
        assert_eq!(
            call(Some(Value::Route(3)), Some(2), false),
            format!(
                r#"{{"kind":"call","line":3,"tick":42,"call":"timeout_add","ret":{},"refcnt":2}}"#,
                json_string(&route_dst(&k, 3))
            )
        );
        assert_eq!(
            call(Some(Value::Handle(5)), None, false),
            r#"{"kind":"call","line":3,"tick":42,"call":"timeout_add","ret":"handle#5"}"#
        );
        let fire = ev(
            300,
            EventKind::Fire {
                via: Via::RtTimer,
                func: "icmp_mtudisc_timeout".into(),
                arg: "rt#1".into(),
                route: Some("10.9.8.7".into()),
            },
        );
        assert_eq!(
            event_json(&k, &fire),
            r#"{"kind":"fire","tick":300,"via":"rt_timer","func":"icmp_mtudisc_timeout","arg":"rt#1","route":"10.9.8.7"}"#
        );
        let fire = ev(
            7,
            EventKind::Fire {
                via: Via::Timeout,
                func: "arp_expire".into(),
                arg: "rt1".into(),
                route: None,
            },
        );
        assert_eq!(
            event_json(&k, &fire),
            r#"{"kind":"fire","tick":7,"via":"timeout","func":"arp_expire","arg":"rt1"}"#
        );
        let panic = ev(
            9,
            EventKind::Panic {
                msg: "timeout_add: to_ticks (-1) < 0".into(),
            },
        );
        assert_eq!(
            event_json(&k, &panic),
            r#"{"kind":"panic","tick":9,"msg":"timeout_add: to_ticks (-1) < 0"}"#
        );
        assert_eq!(facility_json(&k, &panic), None);
    }

    #[test]
    fn runs_of_ticks_collapse_into_one_line() {
        let mut k = Kernel::new();
        k.run_ticks_kernel_only(3).unwrap();
        k.trace
            .events
            .push(ev(3, EventKind::Panic { msg: "x".into() }));
        k.run_ticks_kernel_only(0).unwrap();
        k.trace
            .events
            .push(ev(4, EventKind::Tick { ticks: 4, count: 1 }));
        assert_eq!(
            json_lines(&k, &Outcome::Ok),
            vec![
                r#"{"kind":"tick","tick":3,"count":3}"#,
                r#"{"kind":"panic","tick":3,"msg":"x"}"#,
                r#"{"kind":"tick","tick":4,"count":1}"#,
            ]
        );
        assert_eq!(
            text_lines(&k, &Outcome::Ok),
            vec![
                "[tick 3] hardclock() ran 3 times: ticks is now 3.",
                "[tick 3] panic: x. The simulated machine has halted.",
                "[tick 4] hardclock(): ticks is now 4.",
            ]
        );
    }

    #[test]
    fn an_error_ends_the_trace() {
        let e = ScriptError {
            line: 2,
            col: 5,
            len: 1,
            msg: "expected ')', found \"x\"".into(),
            source_line: "f(1 x".into(),
            quote_from: 0,
        };
        let k = Kernel::new();
        let o = Outcome::Error(e.clone());
        assert_eq!(
            json_lines(&k, &o),
            vec![r#"{"kind":"error","line":2,"col":5,"msg":"expected ')', found \"x\""}"#]
        );
        assert_eq!(text_lines(&k, &o), vec![e.to_string()]);
    }
}
