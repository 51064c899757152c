//! The parameters of an embedded widget, read from a URL query (`?embed=1&preset=...`, an
//! iframe) or from the `data-` attributes of a `<div data-hardclock="...">` (inline), into one
//! [`EmbedConfig`]; and the commands a host page sends by `postMessage` ([`Command`]).
//!
//! Course notes are written by hand, copied between pages and edited by LMS editors, so every
//! value is checked. A value that is unknown or malformed never blanks the widget: it falls back
//! to its default and adds a sentence to [`EmbedConfig::problems`] that names the parameter as
//! the author wrote it (`view=` in a query, `data-view` on an element) and the values it
//! accepts; the widget shows those sentences above itself. Plain Rust, tested natively, and it
//! never panics on hostile input (tests/embed_params.rs has a property test).

use super::hash;
use super::listing;
use super::state::SPEEDS;
pub use super::view::View;
use crate::script::limits::{MAX_SCRIPT_BYTES, MAX_TICKS_PER_RUN};
use crate::script::presets;
use crate::script::suggest::edit_distance;

/// Most start steps (`step=`): a widget must open at once, and a lesson that needs more steps
/// than this wants `t=` (a jump by ticks) instead.
pub const MAX_START_STEPS: u64 = 10_000;
/// Most steps one `postMessage` command may take.
pub const MAX_MESSAGE_STEPS: u64 = 10_000;
/// Longest query or attribute value we look at (a maximal scenario, every byte escaped).
pub const MAX_PARAM_LEN: usize = hash::MAX_HASH_LEN;
/// Longest widget id.
const MAX_ID_LEN: usize = 64;
/// Most origins in an allow-list.
const MAX_ORIGINS: usize = 16;

/// The colour theme. `Auto` follows the reader's system (`prefers-color-scheme`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// What the widget runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Source {
    /// Nothing asked: the default preset.
    #[default]
    Default,
    /// A preset by name (known to exist: an unknown name is a problem and gives `Default`).
    Preset(String),
    /// A scenario written into the page or the URL (compile errors show in the widget, with
    /// line and column, like in the app).
    Scenario(String),
}

/// Which host pages may command the widget by `postMessage`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The origin of the widget's own URL (`location.origin`): the course page when the
    /// widget is inline, or a page on the same site framing it.
    SameSite,
    /// Any sender (`*`).
    Any,
    /// Exactly this serialized origin, `https://notes.example.edu`, or `null` for a sender
    /// with an opaque origin (a sandboxed page; any sandboxed page has it, so allow it only
    /// when the course site itself is served sandboxed).
    Exact(String),
}

/// An embedded widget's whole configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedConfig {
    pub source: Source,
    /// `None`: the view that fits the scenario ([`super::embed::default_view`]).
    pub view: Option<View>,
    /// Start at the latest moment with this many hardclocks since boot (`t=`, as in links).
    pub ticks: Option<u64>,
    /// Then take this many steps (`step=`): statements, then hardclocks once the script ended.
    pub steps: u64,
    /// Start playing (off unless asked).
    pub autoplay: bool,
    /// Predict mode (`mode=predict`): ask before each step that settles a question.
    pub predict: bool,
    /// Play speed in ticks per second, one of [`SPEEDS`].
    pub speed: Option<u32>,
    pub theme: Theme,
    /// A fixed height as a CSS length we wrote ourselves (`420px`, `30em`, `80vh`); the
    /// views scroll inside it. `None`: as tall as the content.
    pub height: Option<String>,
    /// Senders whose `postMessage` commands are obeyed; the state is posted to them too.
    pub origins: Vec<Origin>,
    /// The widget's name in messages (`id` of the element, `data-id`, or `id=`).
    pub id: Option<String>,
    /// One friendly sentence per unknown or malformed parameter.
    pub problems: Vec<String>,
}

impl Default for EmbedConfig {
    fn default() -> Self {
        EmbedConfig {
            source: Source::Default,
            view: None,
            ticks: None,
            steps: 0,
            autoplay: false,
            predict: false,
            speed: None,
            theme: Theme::Auto,
            height: None,
            origins: vec![Origin::SameSite],
            id: None,
            problems: Vec::new(),
        }
    }
}

/// Where the parameters came from: it decides how a message names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `?view=wheel`: named `view=`.
    Query,
    /// `data-view="wheel"`: named `data-view`.
    Attributes,
}

/// The parameters, by their query names (the attribute is `data-` + the name, except the
/// preset, which is the value of `data-hardclock` itself).
const KEYS: [&str; 12] = [
    "preset", "scenario", "view", "t", "step", "autoplay", "speed", "theme", "height", "origin",
    "id", "mode",
];

impl Syntax {
    /// How a message names the parameter `key`.
    fn name(self, key: &str) -> String {
        match (self, key) {
            (Syntax::Query, k) => k.to_string(),
            (Syntax::Attributes, "preset") => "data-hardclock".into(),
            (Syntax::Attributes, k) => format!("data-{k}"),
        }
    }

    fn list(self) -> String {
        let names: Vec<String> = KEYS.iter().map(|k| self.name(k)).collect();
        names.join(", ")
    }
}

/// Reads a URL query (`?embed=1&preset=pmtu-expiry&view=rttimer`; the `?` is optional).
/// `p` and `s` are accepted for `preset` and `scenario`, as in the app's links; `embed` is
/// the switch that asked for the widget and is otherwise ignored.
pub fn from_query(query: &str) -> EmbedConfig {
    let q = query.strip_prefix('?').unwrap_or(query);
    let mut pairs = Vec::new();
    let mut problems = Vec::new();
    if q.len() > MAX_PARAM_LEN {
        problems.push(format!(
            "The widget's address is too long ({} characters; at most {MAX_PARAM_LEN}), so its parameters were ignored.",
            q.len()
        ));
    } else {
        for part in q.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let key = query_decode(k).unwrap_or_else(|| k.to_string());
            match query_decode(v) {
                Some(v) => pairs.push((key, v)),
                None => problems.push(format!(
                    "The value of {} has a broken %-escape or is not UTF-8 text, so it was ignored.",
                    shorten(&key)
                )),
            }
        }
    }
    let pairs = pairs
        .into_iter()
        .filter(|(k, _)| k != "embed")
        .map(|(k, v)| {
            let k = match k.as_str() {
                "p" => "preset".to_string(),
                "s" => "scenario".to_string(),
                _ => k,
            };
            (k, v)
        })
        .collect();
    from_pairs(pairs, Syntax::Query, problems)
}

/// Reads the attributes of a `<div data-hardclock="...">` (names as the DOM gives them,
/// `data-view`; attributes that do not start with `data-` are the page's own and skipped).
/// `data-hardclock` names a preset; empty, it means the scenario is inline: `data-scenario`,
/// else `text` (the element's text, which also shows the scenario to a reader without
/// JavaScript). The element's `id` names the widget in messages unless `data-id` does.
pub fn from_attributes(attrs: &[(String, String)], text: &str) -> EmbedConfig {
    let mut pairs = Vec::new();
    let mut problems = Vec::new();
    let mut element_id = None;
    let mut has_scenario = false;
    let mut preset_empty = false;
    for (name, value) in attrs {
        let name = name.to_ascii_lowercase();
        if name == "id" {
            element_id = Some(value.clone());
            continue;
        }
        let Some(key) = name.strip_prefix("data-") else {
            continue;
        };
        let key = match key {
            "hardclock" => {
                if value.trim().is_empty() {
                    preset_empty = true;
                    continue;
                }
                "preset".to_string()
            }
            "preset" => {
                problems.push(
                    "data-preset is not a parameter: name the preset in data-hardclock=\"NAME\"."
                        .to_string(),
                );
                continue;
            }
            k => k.to_string(),
        };
        has_scenario |= key == "scenario";
        pairs.push((key, value.clone()));
    }
    if preset_empty && !has_scenario {
        let t = text.trim();
        if t.is_empty() {
            problems.push(
                "data-hardclock is empty and the element holds no scenario, so the default preset is shown: name a preset (data-hardclock=\"NAME\") or write the scenario inside the element."
                    .to_string(),
            );
        } else {
            pairs.push(("scenario".into(), t.to_string()));
        }
    }
    // The element's own id names the widget only if it is a valid widget id: the author chose
    // it for the page, so a spelling we do not take is no problem to report.
    if !pairs.iter().any(|(k, _)| k == "id") {
        if let Some(id) = element_id.filter(|i| valid_id(i)) {
            pairs.push(("id".into(), id));
        }
    }
    from_pairs(pairs, Syntax::Attributes, problems)
}

/// The checks shared by both syntaxes, on decoded `(key, value)` pairs; `problems` are those
/// the caller found decoding them, which come first.
/// (A `Vec`, not an iterator: one copy of this in the wasm for both callers.)
fn from_pairs(pairs: Vec<(String, String)>, syn: Syntax, problems: Vec<String>) -> EmbedConfig {
    let mut c = EmbedConfig {
        problems,
        ..EmbedConfig::default()
    };
    let mut seen: Vec<String> = Vec::new();
    let mut origins: Option<Vec<Origin>> = None;
    let mut preset: Option<String> = None;
    let mut scenario: Option<String> = None;
    for (key, value) in pairs {
        let name = syn.name(&key);
        if value.len() > MAX_PARAM_LEN {
            c.problems.push(format!(
                "{} is too long ({} characters; at most {MAX_PARAM_LEN}), so it was ignored.",
                shorten(&name),
                value.len()
            ));
            continue;
        }
        if KEYS.contains(&key.as_str()) && key != "origin" {
            if seen.contains(&key) {
                c.problems.push(format!(
                    "{name} is given more than once; the last one is used."
                ));
            }
            seen.push(key.clone());
        }
        let v = value.trim();
        match key.as_str() {
            "preset" => preset = Some(v.to_string()),
            "scenario" => scenario = Some(value.clone()),
            "view" => match View::parse(v) {
                Some(view) => c.view = Some(view),
                None => c.problems.push(format!(
                    "{name}=\"{}\" is not a view; the views are {}.",
                    shorten(v),
                    or_list(&View::ALL.map(View::name))
                )),
            },
            "t" => match v.parse::<u64>() {
                Ok(t) if t <= MAX_TICKS_PER_RUN => c.ticks = Some(t),
                Ok(_) => c.problems.push(format!(
                    "{name}=\"{}\" is past the end of a run: a run has at most {MAX_TICKS_PER_RUN} ticks.",
                    shorten(v)
                )),
                Err(_) => c.problems.push(format!(
                    "{name}=\"{}\" is not a tick: give the number of hardclocks since boot, a whole number such as 256.",
                    shorten(v)
                )),
            },
            "step" => match v.parse::<u64>() {
                Ok(n) if n <= MAX_START_STEPS => c.steps = n,
                _ => c.problems.push(format!(
                    "{name}=\"{}\" is not a number of steps: give a whole number from 0 to {MAX_START_STEPS} (or start by ticks with {}).",
                    shorten(v),
                    syn.name("t")
                )),
            },
            "autoplay" => match boolean(v) {
                Some(b) => c.autoplay = b,
                None => c.problems.push(format!(
                    "{name}=\"{}\" is neither on nor off: use 1 or 0 (also true/false, yes/no, on/off).",
                    shorten(v)
                )),
            },
            "mode" => match v.to_ascii_lowercase().as_str() {
                "watch" | "" => c.predict = false,
                "predict" => c.predict = true,
                _ => c.problems.push(format!(
                    "{name}=\"{}\" is not a mode; the modes are watch (the default) or predict.",
                    shorten(v)
                )),
            },
            "speed" => match v.parse::<u32>() {
                Ok(s) if SPEEDS.contains(&s) => c.speed = Some(s),
                _ => c.problems.push(format!(
                    "{name}=\"{}\" is not a play speed; the speeds are {} ticks per second.",
                    shorten(v),
                    or_list(&SPEEDS.map(|s| s.to_string()))
                )),
            },
            "theme" => match v.to_ascii_lowercase().as_str() {
                "auto" | "" => c.theme = Theme::Auto,
                "light" => c.theme = Theme::Light,
                "dark" => c.theme = Theme::Dark,
                _ => c.problems.push(format!(
                    "{name}=\"{}\" is not a theme; the themes are auto (the reader's system setting), light or dark.",
                    shorten(v)
                )),
            },
            "height" => match height(v) {
                Some(h) => c.height = Some(h),
                None => c.problems.push(format!(
                    "{name}=\"{}\" is not a height: give pixels (420 or 420px, 120 to 4000), em or rem (8 to 250) or vh (10 to 100).",
                    shorten(v)
                )),
            },
            "origin" => {
                let list = origins.get_or_insert_with(Vec::new);
                for o in v.split([',', ' ']).filter(|o| !o.is_empty()) {
                    match origin(o) {
                        Some(_) if list.len() >= MAX_ORIGINS => {
                            c.problems.push(format!(
                                "{name} lists more than {MAX_ORIGINS} origins; the rest were ignored."
                            ));
                            break;
                        }
                        Some(parsed) => list.push(parsed),
                        None => c.problems.push(format!(
                            "{name}=\"{}\" is not an origin: give scheme://host[:port] (such as https://notes.example.edu, no path), self, null or *, separated by commas.",
                            shorten(o)
                        )),
                    }
                }
            }
            "id" => {
                if valid_id(v) {
                    c.id = Some(v.to_string());
                } else {
                    c.problems.push(format!(
                        "{name}=\"{}\" is not a widget id: use up to {MAX_ID_LEN} letters, digits, '-', '_', '.' or ':'.",
                        shorten(v)
                    ));
                }
            }
            other => {
                let hint = KEYS
                    .iter()
                    .map(|k| (distance(other, k), k))
                    .min()
                    .filter(|(d, _)| *d <= 2)
                    .map(|(_, k)| format!(" Did you mean {}?", syn.name(k)))
                    .unwrap_or_default();
                let shown = syn.name(&shorten(other));
                c.problems.push(format!(
                    "{shown} is not a parameter of the widget, so it was ignored.{hint} The parameters are {}.",
                    syn.list()
                ));
            }
        }
    }
    if let Some(list) = origins {
        c.origins = list;
    }
    match (preset, scenario) {
        (Some(_), Some(s)) => {
            c.problems.push(format!(
                "Give either {} or {}, not both; the scenario is used.",
                syn.name("preset"),
                syn.name("scenario")
            ));
            c.source = scenario_source(s, syn, &mut c.problems);
        }
        (Some(p), None) => c.source = preset_source(&p, syn, &mut c.problems),
        (None, Some(s)) => c.source = scenario_source(s, syn, &mut c.problems),
        (None, None) => {}
    }
    // A hostile list of attributes can make thousands of problems: the reader gets a few.
    listing::cap(&mut c.problems);
    c
}

fn preset_source(name: &str, syn: Syntax, problems: &mut Vec<String>) -> Source {
    if presets::find(name).is_some() {
        return Source::Preset(name.to_string());
    }
    let all: Vec<&str> = presets::all().iter().map(|p| p.name).collect();
    let hint = all
        .iter()
        .map(|p| (distance(name, p), *p))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, p)| format!(" Did you mean \"{p}\"?"))
        .unwrap_or_default();
    problems.push(format!(
        "{}=\"{}\" is not a preset, so the default one is shown.{hint} The presets are {}.",
        syn.name("preset"),
        shorten(name),
        all.join(", ")
    ));
    Source::Default
}

fn scenario_source(text: String, syn: Syntax, problems: &mut Vec<String>) -> Source {
    if text.len() > MAX_SCRIPT_BYTES {
        problems.push(format!(
            "{} is longer than a scenario may be ({} bytes; at most {MAX_SCRIPT_BYTES}), so the default preset is shown.",
            syn.name("scenario"),
            text.len()
        ));
        return Source::Default;
    }
    if text.trim().is_empty() {
        problems.push(format!(
            "{} is empty, so the default preset is shown.",
            syn.name("scenario")
        ));
        return Source::Default;
    }
    Source::Scenario(text)
}

fn valid_id(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= MAX_ID_LEN
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// `1/0`, `true/false`, `yes/no`, `on/off`; empty (a bare `autoplay` attribute) is on.
fn boolean(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "on" | "autoplay" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A height as a CSS length written by us (so nothing of the input reaches the style).
/// The number is read and rounded to hundredths in integers: parsing and printing an `f64`
/// would link core's float formatting and parsing into the wasm (about 15 KB) for this alone.
fn height(v: &str) -> Option<String> {
    let v = v.to_ascii_lowercase();
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.len() > 8 {
        return None;
    }
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if frac.contains('.') {
        return None;
    }
    let int: u32 = int.parse().ok()?;
    let (lo, hi, unit) = match unit {
        "" | "px" => (120, 4000, "px"),
        "em" | "rem" => (8, 250, unit),
        "vh" => (10, 100, "vh"),
        _ => return None,
    };
    let beyond_int = frac.bytes().any(|d| d != b'0');
    if int < lo || int > hi || (int == hi && beyond_int) {
        return None;
    }
    // Hundredths, rounded half up on the third decimal.
    let digit = |i: usize| frac.as_bytes().get(i).map_or(0, |d| u32::from(d - b'0'));
    let mut hundredths = int * 100 + digit(0) * 10 + digit(1);
    if digit(2) >= 5 {
        hundredths += 1;
    }
    // `rem` inside a shadow root follows the host page's root font size (mdBook sets 62.5%),
    // so both mean the widget's own `em`.
    let unit = if unit == "rem" { "em" } else { unit };
    let (whole, part) = (hundredths / 100, hundredths % 100);
    Some(match part {
        0 => format!("{whole}{unit}"),
        p if p % 10 == 0 => format!("{whole}.{}{unit}", p / 10),
        p => format!("{whole}.{p:02}{unit}"),
    })
}

/// One entry of an origin allow-list.
fn origin(o: &str) -> Option<Origin> {
    match o {
        "*" => return Some(Origin::Any),
        "self" => return Some(Origin::SameSite),
        "null" => return Some(Origin::Exact("null".into())),
        _ => {}
    }
    let o = o.strip_suffix('/').unwrap_or(o);
    let (scheme, rest) = o.split_once("://")?;
    let scheme_ok = !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        && scheme.as_bytes()[0].is_ascii_alphabetic();
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || rest.starts_with('[') => (h, Some(p)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.[]:".contains(&b));
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    (scheme_ok && host_ok && port_ok && o.len() <= 255)
        .then(|| Origin::Exact(o.to_ascii_lowercase()))
}

impl EmbedConfig {
    /// Whether a message from `sender` (the event's `origin`) may command the widget whose
    /// own URL has origin `own`. A sandboxed page's own `window.origin` is "null", which is
    /// why `own` is the URL's origin (`location.origin`), never the document's.
    pub fn allows(&self, sender: &str, own: &str) -> bool {
        self.origins.iter().any(|o| match o {
            Origin::Any => true,
            Origin::SameSite => sender == own && own != "null",
            Origin::Exact(x) => x == sender,
        })
    }

    /// The `targetOrigin`s the widget posts its state to (`own` as in [`Self::allows`]).
    pub fn post_targets(&self, own: &str) -> Vec<String> {
        if self.origins.contains(&Origin::Any) {
            return vec!["*".into()];
        }
        let mut out: Vec<String> = Vec::new();
        for o in &self.origins {
            let t = match o {
                Origin::SameSite if own != "null" => own.to_string(),
                // A message can be addressed to an opaque origin only with "*".
                Origin::Exact(x) if x == "null" => "*".to_string(),
                Origin::Exact(x) => x.clone(),
                _ => continue,
            };
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }
}

/// What a host page may ask of a widget: `{hardclock: "step"}` and friends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `n` steps (statements, then hardclocks once the script has ended).
    Step(u64),
    /// `n` hardclocks.
    Hardclock(u64),
    /// Undo the latest step.
    Back,
    /// Back to the start of the scenario.
    Reset,
    /// Go to `t` ticks since boot, then take `step` steps (as the start parameters do).
    Goto {
        ticks: Option<u64>,
        steps: u64,
    },
    /// Load a preset or a scenario.
    Load(Source),
    Play,
    Pause,
    /// Set the play speed (one of [`SPEEDS`]).
    Speed(u32),
    /// Post the state now.
    Ping,
}

/// The fields of a message that a command may use (read from the JS object by the glue).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MessageFields {
    /// `hardclock`: the command's name.
    pub kind: String,
    pub n: Option<f64>,
    pub t: Option<f64>,
    pub step: Option<f64>,
    pub speed: Option<f64>,
    pub preset: Option<String>,
    pub scenario: Option<String>,
}

/// A number from a host message as the host wrote it. In the browser it is JavaScript's own
/// `String(x)` (what the host page's developer sees in their console), which also keeps
/// core's `f64` formatting (~11 KB) out of the wasm.
fn number_text(x: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        // Radix 10 never fails.
        js_sys::Number::from(x)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        x.to_string()
    }
}

/// The names of the commands, for messages.
pub const COMMANDS: &str = "step, hardclock, back, reset, goto, load, play, pause, speed and ping";

/// Checks a message's fields into a command; an error is a sentence for the host page's
/// developer (posted back as `{hardclock: "error", message}`).
pub fn command(m: &MessageFields) -> Result<Command, String> {
    let count = |field: &str, v: Option<f64>, max: u64| -> Result<u64, String> {
        match v {
            None => Ok(1),
            Some(x) if x.fract() == 0.0 && x >= 0.0 && x <= max as f64 => Ok(x as u64),
            Some(x) => Err(format!(
                "\"{}\": {field} must be a whole number from 0 to {max}, not {}.",
                m.kind,
                number_text(x)
            )),
        }
    };
    Ok(match m.kind.as_str() {
        "step" => Command::Step(count("n", m.n, MAX_MESSAGE_STEPS)?),
        "hardclock" => Command::Hardclock(count("n", m.n, crate::ui::state::MAX_ACTION_TICKS)?),
        "back" => Command::Back,
        "reset" => Command::Reset,
        "goto" => {
            if m.t.is_none() && m.step.is_none() {
                return Err(
                    "\"goto\" needs t (ticks since boot) or step (a number of steps), or both."
                        .into(),
                );
            }
            let ticks = match m.t {
                None => None,
                Some(_) => Some(count("t", m.t, MAX_TICKS_PER_RUN)?),
            };
            let steps = match m.step {
                None => 0,
                Some(_) => count("step", m.step, MAX_START_STEPS)?,
            };
            Command::Goto { ticks, steps }
        }
        "load" => {
            let mut problems = Vec::new();
            let src = match (&m.preset, &m.scenario) {
                (Some(p), None) => preset_source(p, Syntax::Query, &mut problems),
                (None, Some(s)) => scenario_source(s.clone(), Syntax::Query, &mut problems),
                _ => {
                    return Err(
                        "\"load\" needs exactly one of preset (a preset's name) or scenario (its text)."
                            .into(),
                    )
                }
            };
            if let Some(p) = problems.pop() {
                return Err(format!("\"load\": {p}"));
            }
            Command::Load(src)
        }
        "play" => Command::Play,
        "pause" => Command::Pause,
        "speed" => match m.speed.or(m.n) {
            Some(s) if SPEEDS.iter().any(|&x| x as f64 == s) => Command::Speed(s as u32),
            _ => {
                return Err(format!(
                    "\"speed\" needs speed, one of {} ticks per second.",
                    or_list(&SPEEDS.map(|s| s.to_string()))
                ))
            }
        },
        "ping" => Command::Ping,
        other => {
            return Err(format!(
                "\"{}\" is not a command; the commands are {COMMANDS}.",
                shorten(other)
            ))
        }
    })
}

/// `a, b or c`.
fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(|s| s.as_ref()).collect();
            format!("{} or {}", init.join(", "), last.as_ref())
        }
    }
}

/// Query decoding: `+` is a space, then %-escapes; `None` if broken or not UTF-8.
fn query_decode(s: &str) -> Option<String> {
    let plus = s.replace('+', " ");
    String::from_utf8(hash::decode(&plus)?).ok()
}

fn shorten(s: &str) -> String {
    hash::shorten(s)
}

/// Edit distance (for "did you mean"), on at most 40 characters of each side: an attribute
/// value may be long, and the table costs the product of the two lengths.
fn distance(a: &str, b: &str) -> usize {
    let head = |s: &str| s.chars().take(40).collect::<String>();
    edit_distance(&head(a), &head(b))
}
