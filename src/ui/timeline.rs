//! The timeline under the picture: the scenario's whole run as a track, with a marker for each
//! cascade, handler run, rt_timer expiry, route change and panic ([`super::lesson::Timeline`]),
//! and the machine's moment on it. Clicking or dragging the track jumps there (an exact jump,
//! back or forth: [`Action::JumpToTick`]); a press near a marker lands on the marker's tick.
//! It is an ARIA slider: arrows move one tick, Page Up / Page Down to the previous / next
//! marker, Home / End to the start / end of the run. Hovering a marker names its event (its
//! SVG `<title>`); each kind has its own row, so colour is not the only cue.
//!
//! The markers change only with the scenario (and the track's length): they are built once and
//! kept ([`Frozen`]), so a play advance redraws the cursor alone.

use std::rc::Rc;

use std::fmt::Write;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::frozen::Frozen;
use super::lesson::{mentions, MarkKind, Timeline as Run};
use super::shared::Shared;
use super::state::Action;
use super::svg::esc;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub state: Shared,
    pub on_action: Callback<Action>,
}

/// The track's width in SVG units (it is stretched to the panel's width).
const W: u64 = 1000;
/// A press this close to a marker (in SVG units) lands on the marker.
const SNAP: u64 = 12;
const KINDS: [MarkKind; 5] = [
    MarkKind::Cascade,
    MarkKind::Fire,
    MarkKind::Expiry,
    MarkKind::Route,
    MarkKind::Panic,
];

/// The x of `at` hardclocks on a track of `end`.
fn x_of(at: u64, end: u64) -> u64 {
    at.min(end) * W / end.max(1)
}

/// The markers, one row per kind (only the kinds the run has), as SVG text: a run has up to
/// [`super::lesson::PREVIEW_MARKS`] of them, and `html!` code per marker costs the bundle.
fn marks(run: &Run, end: u64, sel: &str) -> Html {
    let rows: Vec<MarkKind> = KINDS
        .into_iter()
        .filter(|&k| run.marks.iter().any(|m| m.kind == k))
        .collect();
    let h = 24 / rows.len().max(1) as u64;
    let mut last = (u64::MAX, None);
    let mut o = String::new();
    for m in &run.marks {
        let x = x_of(m.at, end);
        // One marker per kind and unit of the track: a thousand scans in one pixel are one.
        if last == (x, Some(m.kind)) {
            continue;
        }
        last = (x, Some(m.kind));
        let row = rows.iter().position(|&k| k == m.kind).unwrap_or(0) as u64;
        // The selected timer's own events stand out (outlined, and taller).
        let on = mentions(&m.what, sel);
        let _ = write!(
            o,
            r#"<rect class="hc-tl-mark {0}{7}" x="{1}" y="{2}" width="5" height="{3}" data-testid="tl-mark" data-kind="{0}" data-at="{4}" data-tick="{5}"><title>tick {5}: {6}</title></rect>"#,
            m.kind.name(),
            x.saturating_sub(2),
            row * h + 1,
            h.saturating_sub(1).max(1),
            m.at,
            m.tick,
            esc(&m.what),
            if on { " sel" } else { "" }
        );
    }
    Html::from_html_unchecked(o.into())
}

/// The track's length: the run's, or past it a power of two beyond now (the track grows in
/// few steps while playing on, so the markers are seldom laid out again).
fn track_end(run: &Run, now: u64) -> u64 {
    if now <= run.end {
        run.end.max(1)
    } else {
        (now + 1).next_power_of_two()
    }
}

#[function_component(Timeline)]
pub fn timeline(p: &TimelineProps) -> Html {
    let s = p.state.get();
    let run = s.timeline();
    let now = s.kernel().clock.elapsed;
    let end = track_end(run, now);
    // The markers as built last: for which run (by address), track length and selection.
    let kept = use_mut_ref(|| (0usize, 0u64, None, 0u64, Rc::new(Html::default())));
    {
        let mut k = kept.borrow_mut();
        let id = run as *const Run as usize;
        if (k.0, k.1, &k.2) != (id, end, &s.selected) {
            let html = marks(run, end, s.selected.as_deref().unwrap_or(""));
            *k = (id, end, s.selected.clone(), k.3 + 1, Rc::new(html));
        }
    }
    let (version, marks_html) = {
        let k = kept.borrow();
        (k.3, k.4.clone())
    };
    // Where a press at `client_x` lands: the nearest marker within SNAP, else that tick.
    let at_x = {
        let state = p.state.clone();
        move |e: &PointerEvent| -> Option<u64> {
            let el = e.current_target()?.dyn_into::<web_sys::Element>().ok()?;
            let r = el.get_bounding_client_rect();
            let f = ((f64::from(e.client_x()) - r.left()) / r.width().max(1.0)).clamp(0.0, 1.0);
            let s = state.get();
            let run = s.timeline();
            let end = track_end(run, s.kernel().clock.elapsed);
            let x = (f * W as f64) as u64;
            let near = run
                .marks
                .iter()
                .map(|m| (x_of(m.at, end).abs_diff(x), m.at))
                .filter(|&(d, _)| d <= SNAP)
                .min();
            Some(near.map_or((f * end as f64).round() as u64, |(_, at)| at))
        }
    };
    let onpointerdown = {
        let (cb, at_x) = (p.on_action.clone(), at_x.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some(el) = e
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            if let Some(t) = at_x(&e) {
                cb.emit(Action::JumpToTick(t));
            }
        })
    };
    let onpointermove = {
        let cb = p.on_action.clone();
        let state = p.state.clone();
        Callback::from(move |e: PointerEvent| {
            if e.buttons() & 1 == 0 {
                return;
            }
            if let Some(t) = at_x(&e) {
                if t != state.get().kernel().clock.elapsed {
                    cb.emit(Action::JumpToTick(t));
                }
            }
        })
    };
    let onkeydown = {
        let (cb, state) = (p.on_action.clone(), p.state.clone());
        Callback::from(move |e: KeyboardEvent| {
            let s = state.get();
            let run = s.timeline();
            let now = s.kernel().clock.elapsed;
            let end = run.end.max(now);
            let t = match e.key().as_str() {
                "ArrowRight" | "ArrowUp" => now + 1,
                "ArrowLeft" | "ArrowDown" => now.saturating_sub(1),
                "PageDown" => run.next_after(now).map_or(end, |m| m.at),
                "PageUp" => run.last_before(now).map_or(0, |m| m.at),
                "Home" => 0,
                "End" => end,
                _ => return,
            };
            e.prevent_default();
            // The page's own keys (presenter mode steps on the arrows) are not for the slider.
            e.stop_propagation();
            drop(s);
            cb.emit(Action::JumpToTick(t));
        })
    };
    let x = x_of(now, end);
    let ticks = s.kernel().clock.ticks;
    html! {
        <div class="hc-timeline">
            <div class="hc-tl-track" role="slider" tabindex="0" data-testid="timeline"
                aria-label="Timeline of the whole run (hardclocks since boot)"
                aria-valuemin="0" aria-valuemax={end.to_string()} aria-valuenow={now.to_string()}
                aria-valuetext={format!("tick {ticks}, {now} of {end} hardclocks")}
                {onpointerdown} {onpointermove} {onkeydown}>
                <svg viewBox="0 0 1000 26" preserveAspectRatio="none" aria-hidden="true">
                    <rect class="hc-tl-bg" x="0" y="0" width="1000" height="26" />
                    <rect class="hc-tl-past" x="0" y="0" width={x.to_string()} height="26" />
                    <Frozen {version} html={marks_html} />
                    <rect class="hc-tl-now" x={x.saturating_sub(1).to_string()} y="0" width="3" height="26" />
                </svg>
            </div>
            <p class="hc-tl-legend hc-muted">
                { format!("0 … {end} hardclocks · ") }
                { for KINDS.iter().filter(|&&k| run.marks.iter().any(|m| m.kind == k)).map(|k| html! {
                    <><span class={classes!("hc-tl-key", k.name())}></span>{ format!(" {} ", k.name()) }</>
                }) }
                if run.cut { { "· (the run is too long to mark in full)" } }
            </p>
        </div>
    }
}
