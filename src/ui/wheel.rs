//! The OpenBSD 4x256 wheel as SVG: wheel 0 is the outer ring, wheel 3 the inner one. One
//! element per bucket (never per timeout), filled when occupied; each ring's current position
//! (`wheel_position(ticks, w)`, the bucket hardclock splices next) is outlined and pointed at
//! by a triangle; buckets spliced this tick are dashed. The todo list sits beside it, and a
//! table gives the same facts for screen readers.
//!
//! At scale (10,000 timeouts at 1,000 ticks/s) a frame has a few milliseconds, so:
//! * each ring is its own component whose props are its 256 counts, so a ring that did not
//!   change is not rendered again (wheels 2 and 3 almost never change);
//! * a dense ring shows its occupancy as four shades (1, 2-9, 10-99, 100+ timeouts) and one
//!   total instead of a count on every bucket, which would be unreadable anyway;
//! * the table lists at most [`TABLE_BUCKETS`] buckets and [`TABLE_NAMES`] names per bucket.
//!
//! A cascade is drawn as what it is: for each timeout that the latest tick's cascade moved, a
//! dot travels from its higher-wheel bucket through `timeout_todo` (the centre) to the lower
//! bucket softclock put it into, over an arrow that stays (the arrows alone carry the facts
//! under `prefers-reduced-motion`, where the dots are not drawn). While playing faster than
//! [`MOTION_SPEED`] ticks/s there is no motion either: a cascade comes round before its dots
//! arrive, a spliced bucket changes before it has pulsed once, and an animation that runs
//! on every frame would cost every frame its style, layout and paint.

use std::f64::consts::PI;
use std::fmt::Write;
use std::sync::OnceLock;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::frozen::Kept;
use super::hooks::use_refresh;
use super::shared::Shared;
use super::state::{Action, CascadeMove, LAST_CAP};
use super::svg::{annulus, esc, f1, f2, polar};
use crate::kernel::openbsd::{wheel_position, Place, WHEELCOUNT, WHEELSIZE};

#[derive(Properties, PartialEq)]
pub struct WheelProps {
    pub state: Shared,
    pub on_action: Callback<Action>,
}

/// Outer and inner radius of each ring, wheel 0 first.
const RINGS: [(f64, f64); WHEELCOUNT] = [(100.0, 80.0), (75.0, 57.0), (52.0, 37.0), (32.0, 20.0)];

/// A ring with more occupied buckets than this shows shades and a total, not a count per bucket.
const LABELLED_BUCKETS: usize = 48;
/// Buckets listed in the table, and names per bucket.
pub const TABLE_BUCKETS: usize = 64;
pub const TABLE_NAMES: usize = 8;
/// Cascade moves drawn as moving dots and arrows (the side panel counts them all).
const DRAWN_MOVES: usize = 24;
/// The fastest play speed (ticks/s) at which dots travel and spliced buckets pulse.
const MOTION_SPEED: u32 = 10;
/// Where `timeout_todo` sits in the picture: the path of a moving entry passes through here.
const TODO_AT: (f64, f64) = (0.0, 17.5);

/// Angle of the start of bucket `b` (0 at twelve o'clock, clockwise).
fn angle(b: f64) -> f64 {
    b / WHEELSIZE as f64 * 2.0 * PI - PI / 2.0
}

/// The middle of bucket `b` of wheel `w`.
fn centre(w: usize, b: usize) -> (f64, f64) {
    let (ro, ri) = RINGS[w];
    polar((ro + ri) / 2.0, angle(b as f64 + 0.5))
}

/// An annular sector from bucket `b` to `b + 1` between radii `ro` and `ri`.
fn sector(ro: f64, ri: f64, b: usize, n: usize) -> String {
    let a0 = b as f64 / n as f64 * 2.0 * PI - PI / 2.0;
    let a1 = (b + 1) as f64 / n as f64 * 2.0 * PI - PI / 2.0;
    annulus(ro as u32, ri as u32, a0, a1)
}

/// The 1024 bucket outlines and the numbers 0..256 as text, computed once (so a render
/// copies no strings for them).
struct Statics {
    paths: Vec<String>,
    numbers: Vec<String>,
}

fn statics() -> &'static Statics {
    static S: OnceLock<Statics> = OnceLock::new();
    S.get_or_init(|| Statics {
        paths: (0..WHEELCOUNT)
            .flat_map(|w| (0..WHEELSIZE).map(move |b| sector(RINGS[w].0, RINGS[w].1, b, WHEELSIZE)))
            .collect(),
        numbers: (0..WHEELSIZE).map(|n| n.to_string()).collect(),
    })
}

fn path_of(w: usize, b: usize) -> &'static str {
    &statics().paths[w * WHEELSIZE + b]
}

fn number(n: usize) -> AttrValue {
    match statics().numbers.get(n) {
        Some(s) => AttrValue::Static(s),
        None => AttrValue::from(n.to_string()),
    }
}

/// The shade of a bucket holding `n` timeouts: 0 empty, then 1, 2-9, 10-99, 100+.
fn shade(n: u32) -> usize {
    match n {
        0 => 0,
        1 => 1,
        2..=9 => 2,
        10..=99 => 3,
        _ => 4,
    }
}

/// Every class combination a bucket can have, as static text: shade x current x hot x sel.
fn bucket_class(n: u32, cur: bool, hot: bool, sel: bool) -> &'static str {
    static C: OnceLock<Vec<String>> = OnceLock::new();
    let table = C.get_or_init(|| {
        let mut v = Vec::with_capacity(40);
        for sh in 0..5 {
            for flags in 0..8 {
                let mut c = String::from("hc-bucket");
                if sh > 0 {
                    c.push_str(&format!(" occ d{sh}"));
                }
                for (bit, name) in [(1, " cur"), (2, " hot"), (4, " sel")] {
                    if flags & bit != 0 {
                        c.push_str(name);
                    }
                }
                v.push(c);
            }
        }
        v
    });
    let flags = cur as usize | (hot as usize) << 1 | (sel as usize) << 2;
    &table[shade(n) * 8 + flags]
}

#[derive(Properties, PartialEq)]
struct RingProps {
    wheel: usize,
    /// Timeouts in each of the 256 buckets.
    counts: Vec<u32>,
    pos: usize,
    /// Buckets of this ring spliced during the latest tick.
    hot: Vec<usize>,
    /// The bucket of the selected timeout, if it is on this ring.
    sel: Option<usize>,
}

/// The picture's coordinates, the same for every layer.
const VIEW_BOX: &str = "-108 -108 216 216";

/// One ring: 256 sectors, and a count on each occupied one unless the ring is dense. Each ring
/// is its own `<svg>` layer, stacked over the others (CSS `.hc-wheel-layer`): the browser
/// repaints only a layer whose elements changed, so a ring that did not change costs the frame
/// nothing, and an SVG root that is not a flex item is its own layout boundary. In one
/// `<svg>`, the hands moving on every advance repainted all 1,024 buckets.
#[function_component(Ring)]
fn ring(p: &RingProps) -> Html {
    let w = p.wheel;
    let occupied = p.counts.iter().filter(|&&n| n > 0).count();
    let labelled = occupied <= LABELLED_BUCKETS;
    let wheel = number(w);
    let buckets = p.counts.iter().enumerate().map(|(b, &n)| {
        let class = bucket_class(n, b == p.pos, p.hot.contains(&b), p.sel == Some(b));
        html! {
            <path d={path_of(w, b)} {class} data-wheel={wheel.clone()} data-bucket={number(b)}
                data-count={number(n as usize)} />
        }
    });
    let labels = p
        .counts
        .iter()
        .enumerate()
        .filter(|&(_, &n)| labelled && n > 0)
        .map(|(b, &n)| {
            let (x, y) = centre(w, b);
            // Four digits would spill over the neighbouring buckets.
            let label = if n >= 1000 { format!("{}k", f1(n as f64 / 1000.0)) } else { n.to_string() };
            html! { <text key={b} class="hc-count" x={f1(x).to_string()} y={f1(y).to_string()}>{ label }</text> }
        });
    html! {
        <svg class="hc-wheel-layer" viewBox={VIEW_BOX} aria-hidden="true">
            <g class="hc-ring" data-ring={wheel.clone()} data-dense={(!labelled).to_string()}>
                { for buckets }
                // Their own group: Yew matches a list from its end, so labels coming and going
                // in the same list would move every bucket's attributes one element along.
                <g class="hc-counts">{ for labels }</g>
            </g>
        </svg>
    }
}

struct CascadeProps {
    /// The tick of the cascade (a new one restarts the animation).
    tick: i32,
    moves: Vec<CascadeMove>,
    /// Draw the travelling dots (see [`MOTION_SPEED`]).
    motion: bool,
}

/// The latest tick's cascade: an arrow per move (higher bucket, todo, lower bucket) and,
/// unless motion is reduced (CSS), a dot that travels along it. (Plain functions, not
/// components, where memoising would not pay: each component costs bundle size.)
fn cascade_layer(p: &CascadeProps) -> Html {
    if p.moves.is_empty() {
        return html! {};
    }
    let (tx, ty) = TODO_AT;
    let drawn = p.moves.iter().take(DRAWN_MOVES).enumerate().map(|(i, m)| {
        let (x0, y0) = centre(m.from.0, m.from.1);
        let (x1, y1) = centre(m.to.0, m.to.1);
        let (x0, y0, x1, y1, tx, ty) = (f1(x0), f1(y0), f1(x1), f1(y1), f1(tx), f1(ty));
        let d = format!("M{x0} {y0}L{tx} {ty}L{x1} {y1}");
        // Each dot starts a little after the one before: the todo list is a queue. The
        // properties reach the dot through the CSSOM ([`apply_motion_styles`]): a course page's
        // strict CSP blocks `style` attributes.
        let motion = format!(
            "--x0:{x0}px;--y0:{y0}px;--xt:{tx}px;--yt:{ty}px;--x1:{x1}px;--y1:{y1}px;animation-delay:{}ms",
            i * 60
        );
        html! {
            <g class="hc-move" data-name={m.name.clone()}
                data-from={format!("{}:{}", m.from.0, m.from.1)} data-to={format!("{}:{}", m.to.0, m.to.1)}>
                <path class="hc-move-arrow" d={d} marker-end="url(#hc-arrowhead)" />
                if p.motion {
                    <circle class="hc-mover" r="2.2" cx="0" cy="0" data-motion={motion.clone()} />
                    // The chip's name travels with it.
                    <text class="hc-mover-name" x="3" y="-2" data-motion={motion}>{ m.name.clone() }</text>
                }
            </g>
        }
    });
    html! {
        <g class="hc-cascade" key={p.tick.to_string()} data-testid="cascade" data-moves={p.moves.len().to_string()}>
            <rect class="hc-todo-box" x={f1(tx - 9.0).to_string()} y={f1(ty - 3.5).to_string()} width="18" height="7" rx="1.5" />
            <text class="hc-todo-label" x={f1(tx).to_string()} y={f1(ty + 0.3).to_string()}>{ "todo" }</text>
            { for drawn }
        </g>
    }
}

/// Entries of `timeout_todo` listed (a cascade can put thousands there).
const TODO_SHOWN: usize = 40;

struct SideProps {
    ticks: i32,
    /// The first [`TODO_SHOWN`] entries of `timeout_todo`, and how many it has.
    todo: Vec<String>,
    todo_len: usize,
    spliced: Vec<(usize, usize)>,
    moves: Vec<CascadeMove>,
    /// Per ring: timeouts and occupied buckets.
    totals: Vec<(usize, usize)>,
    on_action: Callback<Action>,
}

struct TableProps {
    /// Up to [`TABLE_BUCKETS`] occupied buckets: wheel, bucket, count, first names.
    table: Vec<(usize, usize, usize, Vec<String>)>,
    occupied: usize,
}

fn side(p: &SideProps) -> Html {
    let onselect = |name: String| {
        p.on_action
            .reform(move |_: MouseEvent| Action::Select(name.clone()))
    };
    html! {
            <div>
                <h3>{ "current position" }</h3>
                <ul class="hc-positions" data-testid="positions">
                    { for (0..WHEELCOUNT).map(|w| html! {
                        <li>{ "▼ wheel " }{ w }{ ": bucket " }<code>{ format!("{:#04x}", wheel_position(p.ticks, w)) }</code>
                            if p.totals[w].0 > 0 {
                                <span class="hc-muted">{ format!(" · {} in {} buckets", p.totals[w].0, p.totals[w].1) }</span>
                            }
                        </li>
                    }) }
                </ul>
                <h3 id="hc-todo-h">{ "timeout_todo" }</h3>
                if p.todo.is_empty() {
                    <p class="hc-muted" data-testid="todo">{ "empty" }</p>
                } else {
                    <ol class="hc-todo" data-testid="todo" aria-labelledby="hc-todo-h">
                        { for p.todo.iter().map(|n| html! {
                            <li><button type="button" class="hc-link" onclick={onselect(n.clone())}>{ n }</button></li>
                        }) }
                    </ol>
                    if p.todo_len > p.todo.len() {
                        <p class="hc-muted">{ format!("… and {} more", p.todo_len - p.todo.len()) }</p>
                    }
                }
                if !p.spliced.is_empty() {
                    <p class="hc-spliced">{ "spliced this tick: " }
                        { p.spliced.iter().map(|(w, b)| format!("wheel {w} bucket {b:#04x}")).collect::<Vec<_>>().join(", ") }
                    </p>
                }
                if !p.moves.is_empty() {
                    <p class="hc-cascade-text" data-testid="cascade-text">
                        { if p.moves.len() < LAST_CAP {
                            format!("cascade: {} moved through timeout_todo: ", p.moves.len())
                        } else {
                            format!("cascade: the latest {} of its moves through timeout_todo: ", p.moves.len())
                        } }
                        { p.moves.iter().take(6).map(|m| format!("{} wheel {} bucket {:#04x} → wheel {} bucket {:#04x}", m.name, m.from.0, m.from.1, m.to.0, m.to.1)).collect::<Vec<_>>().join("; ") }
                        { if p.moves.len() > 6 { "; …" } else { "" } }
                    </p>
                }
                <p class="hc-legend"><span class="hc-swatch occ"></span>{ " occupied (count; dense rings: darker is fuller) " }
                    <span class="hc-swatch cur"></span>{ " current " }
                    <span class="hc-swatch hot"></span>{ " spliced this tick " }
                    <span class="hc-swatch move"></span>{ " moved by a cascade" }</p>
            </div>
    }
}

/// Chips shown in the lens at most.
const CHIPS: usize = 24;

/// The lens: the entries of one bucket as labelled chips (`t300`, `to_time 300`), head first;
/// the selected timer's chip is marked. The bucket is the one clicked, else the selected
/// timer's, else the one the latest cascade moved its first entry into. Clicking a chip
/// selects that timer (the table and the ring mark it too).
fn lens(s: &super::state::State, moves: &[CascadeMove], on_action: &Callback<Action>) -> Html {
    let to = &s.kernel().to;
    let sel_place = s
        .selected
        .as_deref()
        .and_then(|n| to.get(n))
        .map(|v| v.place);
    // After a cascade, where its first chip landed.
    let at = s
        .lens
        .or(match sel_place {
            Some(Place::Wheel { wheel, bucket }) => Some((wheel as usize, bucket as usize)),
            _ => None,
        })
        .or(moves.first().map(|m| m.to));
    let Some((w, b)) = at.filter(|&(w, b)| w < WHEELCOUNT && b < WHEELSIZE) else {
        return html! {
            <p class="hc-lens hc-muted" data-testid="lens">{ "Click a bucket to see its timeouts by name." }</p>
        };
    };
    let names = to.bucket(w, b);
    let chips = names.iter().take(CHIPS).map(|&n| {
        let v = to.get(n);
        let sel = s.selected.as_deref() == Some(n);
        let name = n.to_string();
        html! {
            <li><button type="button" class={classes!("hc-chip", sel.then_some("sel"))} data-testid="chip" data-name={name.clone()}
                aria-pressed={sel.to_string()} onclick={on_action.reform(move |_| Action::Select(name.clone()))}>
                <b>{ n }</b>{ " " }<small>{ format!("to_time {}", v.map_or(0, |v| v.to_time)) }</small>
            </button></li>
        }
    });
    html! {
        <div class="hc-lens" data-testid="lens" data-wheel={w.to_string()} data-bucket={b.to_string()}>
            <h3>{ format!("wheel {w} bucket {b:#04x}: {} timeout{}", names.len(), if names.len() == 1 { "" } else { "s" }) }
                if s.lens.is_some() {
                    <button type="button" class="hc-link" onclick={on_action.reform(|_| Action::Lens(None))}>{ " close" }</button>
                }
            </h3>
            if names.is_empty() {
                <p class="hc-muted">{ "empty" }</p>
            } else {
                <ol class="hc-chips">{ for chips }</ol>
                if names.len() > CHIPS {
                    <p class="hc-muted">{ format!("… and {} more", names.len() - CHIPS) }</p>
                }
            }
        </div>
    }
}

/// The wheel as a table (for screen readers; closed by default). While playing it is rebuilt
/// once per [`REFRESH_MS`](super::hooks::REFRESH_MS), like the timer table: its rows move with
/// the wheel on every tick.
fn wheel_table(p: &TableProps) -> Html {
    // Markup text: up to 64 rows, no controls, and `html!` code per element costs the bundle.
    let mut o = String::new();
    if p.table.is_empty() {
        o.push_str("<p>Every bucket is empty.</p>");
    } else {
        o.push_str(r#"<table data-testid="wheel-table"><thead><tr><th scope="col">wheel</th><th scope="col">bucket</th><th scope="col">timeouts, head first</th></tr></thead><tbody>"#);
        for (w, b, n, names) in &p.table {
            let _ = write!(
                o,
                "<tr><td>{w}</td><td>{b:#04x}</td><td>{}",
                esc(&names.join(", "))
            );
            if *n > names.len() {
                let _ = write!(o, ", … ({n} in all)");
            }
            o.push_str("</td></tr>");
        }
        o.push_str("</tbody></table>");
        if p.occupied > p.table.len() {
            let _ = write!(
                o,
                r#"<p class="hc-muted">The first {} of {} occupied buckets.</p>"#,
                p.table.len(),
                p.occupied
            );
        }
    }
    html! {
        // The summary is an element of its own: it keeps the focus when the table changes.
        <details class="hc-table-alt"><summary>{ "Wheel as a table" }</summary>{ Html::from_html_unchecked(o.into()) }</details>
    }
}

/// Applies each moving dot's `data-motion` (`--x0:…px;…;animation-delay:…ms`) to its style
/// through the CSSOM (after every render of the wheel): a `style` attribute would be blocked
/// by a strict CSP (course pages, embed.html), the CSSOM never is.
fn apply_motion_styles(root: &NodeRef) {
    let Some(root) = root.cast::<web_sys::Element>() else {
        return;
    };
    let Ok(dots) = root.query_selector_all("[data-motion]") else {
        return;
    };
    for dot in (0..dots.length()).filter_map(|i| dots.item(i)) {
        // `style` is on every element (SVG too); web-sys files it under HTMLElement.
        let dot: web_sys::HtmlElement = dot.unchecked_into();
        let motion = dot.get_attribute("data-motion").unwrap_or_default();
        dot.style().set_css_text(&motion);
    }
}

#[function_component(Wheel)]
pub fn wheel(props: &WheelProps) -> Html {
    let svg = use_node_ref();
    {
        let svg = svg.clone();
        use_effect(move || apply_motion_styles(&svg));
    }
    // The wheel table as last built.
    let kept_table = use_mut_ref(Kept::default);
    let s = props.state.get();
    let k = s.kernel();
    let to = &k.to;
    let ticks = k.clock.ticks;
    let spliced = s.spliced();
    let moves = s.cascade_moves();
    let motion = !s.playing || s.speed <= MOTION_SPEED;
    let selected_place = s
        .selected
        .as_deref()
        .and_then(|n| to.get(n))
        .map(|v| v.place);
    let mut rings = Vec::with_capacity(WHEELCOUNT);
    let mut totals = Vec::with_capacity(WHEELCOUNT);
    let period = use_refresh(s.playing, 75);
    let fresh = kept_table.borrow().fresh(s.playing, period, &None);
    let mut table = Vec::new();
    let mut occupied = 0;
    for w in 0..WHEELCOUNT {
        let counts: Vec<u32> = (0..WHEELSIZE).map(|b| to.bucket_len(w, b) as u32).collect();
        let total: usize = counts.iter().map(|&n| n as usize).sum();
        let used = counts.iter().filter(|&&n| n > 0).count();
        totals.push((total, used));
        occupied += used;
        for (b, &n) in counts.iter().enumerate() {
            if !fresh && n > 0 && table.len() < TABLE_BUCKETS {
                let names = to.bucket(w, b);
                let first = names
                    .iter()
                    .take(TABLE_NAMES)
                    .map(|n| n.to_string())
                    .collect();
                table.push((w, b, n as usize, first));
            }
        }
        let sel = match selected_place {
            Some(Place::Wheel { wheel, bucket }) if wheel as usize == w => Some(bucket as usize),
            _ => None,
        };
        let hot: Vec<usize> = spliced
            .iter()
            .filter(|(sw, _)| *sw == w)
            .map(|(_, b)| *b)
            .collect();
        rings.push(html! {
            <Ring wheel={w} {counts} pos={wheel_position(ticks, w)} {hot} {sel} />
        });
    }
    let table = kept_table.borrow_mut().get(s.playing, period, None, || {
        wheel_table(&TableProps { table, occupied })
    });
    let markers = (0..WHEELCOUNT).map(|w| {
        let pos = wheel_position(ticks, w);
        let a = angle(pos as f64 + 0.5);
        let r = RINGS[w].0;
        let (tx, ty) = polar(r + 0.5, a);
        let (lx, ly) = polar(r + 4.5, a - 0.05);
        let (rx, ry) = polar(r + 4.5, a + 0.05);
        html! {
            <path class="hc-marker" d={format!("M{} {}L{} {}L{} {}Z", f2(tx), f2(ty), f2(lx), f2(ly), f2(rx), f2(ry))}
                data-current={format!("{w}:{pos}")} />
        }
    });
    let all_todo = to.todo();
    let todo_len = all_todo.len();
    let todo: Vec<String> = all_todo
        .iter()
        .take(TODO_SHOWN)
        .map(|n| n.to_string())
        .collect();
    // One listener for the 1,024 buckets: the bucket clicked names itself in its data.
    let onclick = props.on_action.reform(|e: MouseEvent| {
        let bucket = e.target_dyn_into::<web_sys::Element>().and_then(|t| {
            let n = |a: &str| t.get_attribute(a).and_then(|v| v.parse::<usize>().ok());
            Some((n("data-wheel")?, n("data-bucket")?))
        });
        Action::Lens(bucket)
    });
    html! {
        <section class="hc-panel hc-wheel" aria-labelledby="hc-wheel-h">
            <h2 id="hc-wheel-h">{ "OpenBSD timeout wheel (4 × 256 buckets)" }</h2>
            <div class="hc-wheel-body">
                // The rings' layers, then one on top for what moves on every advance (the
                // hands, the tick count, the cascade's arrows), as one picture.
                <div ref={svg} role="img" {onclick} class={classes!("hc-wheel-svg", (!motion).then_some("hc-still"))}
                    aria-label={format!("Timing wheel at ticks {ticks}; occupied buckets: {occupied}")}>
                    { for rings }
                    <svg class="hc-wheel-layer" viewBox={VIEW_BOX} aria-hidden="true">
                        <defs>
                            <marker id="hc-arrowhead" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="4" markerHeight="4" orient="auto-start-reverse">
                                <path d="M0 0L6 3L0 6Z" class="hc-arrowhead" />
                            </marker>
                        </defs>
                        { for markers }
                        <text class="hc-center" x="0" y="-3">{ "ticks" }</text>
                        <text class="hc-center hc-center-n" x="0" y="8">{ ticks }</text>
                        { cascade_layer(&CascadeProps { tick: ticks, moves: moves.clone(), motion }) }
                    </svg>
                </div>
                <div class="hc-wheel-side">
                    { lens(&s, &moves, &props.on_action) }
                    { side(&SideProps { ticks, todo, todo_len, spliced, moves, totals, on_action: props.on_action.clone() }) }
                </div>
            </div>
            { table }
        </section>
    }
}
