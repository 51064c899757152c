//! The FreeBSD callwheel: `callwheelsize` buckets in a ring, one wedge per occupied bucket
//! (so a large wheel stays cheap to draw), the scan cursor at `softticks`, the entries with
//! their `c_time` (those of a later lap are marked: softclock skips them), and `callfree`.
//!
//! At scale: a wheel of more than [`SECTORS`] buckets is drawn as [`SECTORS`] wedges, each
//! the sum of its buckets (one element per wedge, never per callout), and the table lists the
//! next [`TABLE_BUCKETS`] occupied buckets from the scan cursor, [`TABLE_ENTRIES`] entries each.
//! The wedges and the table are drawn from a [`Picture`] and kept ([`Kept`]); while playing
//! it is rebuilt once per [`REFRESH_MS`](super::hooks::REFRESH_MS), in a render of its own
//! between two play advances and not in the timer table's ([`use_refresh`]): scanning 16,384
//! buckets and laying out a table that changes twenty times a second, unreadably, would cost
//! most of a frame. The cursor and `softticks` follow every tick.

use std::f64::consts::PI;
use std::fmt::Write;

use yew::prelude::*;

use super::frozen::Kept;
use super::hooks::use_refresh;
use super::markup::muted;
use super::shared::Shared;
use super::svg::{annulus, esc, f2, polar};
use crate::kernel::Kernel;

#[derive(Properties, PartialEq)]
pub struct CallwheelProps {
    pub state: Shared,
}

/// Most wedges drawn.
const SECTORS: u32 = 256;
/// Buckets listed in the table, and entries per bucket.
/// (Eight: a bucket of eight entries is taller than a third of the scroll box, and laying out
/// 32 of them took most of a frame each time the table changed while playing.)
const TABLE_BUCKETS: usize = 8;
const TABLE_ENTRIES: usize = 8;

/// The wedge of bucket `b` on a ring of `size` buckets.
fn wedge(b: u32, size: u32) -> String {
    let step = 2.0 * PI / size as f64;
    // Very large wheels would give invisible slivers: never draw a wedge under ~1 degree.
    let width = step.max(0.018);
    let a0 = b as f64 * step - PI / 2.0;
    let a1 = a0 + width;
    annulus(96, 66, a0, a1)
}

/// What the wedges and the table show: it changes only as callouts move.
struct Picture {
    size: u32,
    /// Buckets per wedge.
    per: u32,
    occupied: usize,
    /// Each drawn wedge: its number, callouts in it, holds the selected one.
    wedges: Vec<(u32, u32, bool)>,
    /// The next occupied buckets from the cursor: bucket, its first entries, how many in all.
    table: Vec<(u32, Vec<Entry>, u32)>,
}

/// One entry of the table.
struct Entry {
    label: String,
    c_time: i32,
    /// How many laps of the wheel ahead it is due (0: this lap; more: softclock skips it
    /// this time round).
    lap: i64,
    sel: bool,
}

fn picture(k: &Kernel, selected: &str) -> Picture {
    let co = &k.co;
    let size = co.callwheelsize().max(1);
    let occupied = (0..size).filter(|&b| co.bucket_len(b) > 0).count();
    let is_sel = |name: &str, id| {
        !selected.is_empty() && (selected == name || selected == format!("callout #{id}"))
    };
    let sel_bucket = (!selected.is_empty())
        .then(|| {
            co.callout(selected).or_else(|| {
                selected
                    .strip_prefix("callout #")
                    .and_then(|n| n.parse().ok())
                    .and_then(|id| co.pooled(id))
            })
        })
        .flatten()
        .filter(|c| c.flags & crate::kernel::freebsd::CALLOUT_PENDING != 0)
        .map(|c| c.bucket);
    // One wedge per bucket up to SECTORS buckets, else per run of size / SECTORS buckets.
    let per = (size / SECTORS).max(1);
    let wedges = (0..size / per)
        .filter_map(|w| {
            let first = w * per;
            let n: u32 = (first..first + per).map(|b| co.bucket_len(b)).sum();
            (n > 0).then(|| (w, n, sel_bucket.is_some_and(|b| b / per == w)))
        })
        .collect();
    let cursor = (co.softticks() as u32) & (size - 1);
    let ticks = k.clock.ticks as i64;
    let table = (0..size)
        .map(|i| (cursor + i) & (size - 1))
        .filter(|&b| co.bucket_len(b) > 0)
        .take(TABLE_BUCKETS)
        .map(|b| {
            let cs = co.bucket(b);
            let n = cs.len() as u32;
            let entries = cs
                .iter()
                .take(TABLE_ENTRIES)
                .map(|c| Entry {
                    label: if c.name.is_empty() {
                        format!("#{}", c.id)
                    } else {
                        c.name.clone()
                    },
                    c_time: c.c_time,
                    lap: (c.c_time as i64 - ticks).max(0) / size as i64,
                    sel: is_sel(&c.name, c.id),
                })
                .collect();
            (b, entries, n)
        })
        .collect();
    Picture {
        size,
        per,
        occupied,
        wedges,
        table,
    }
}

/// The occupied wedges.
fn wedges(pic: &Picture) -> Html {
    let (size, per) = (pic.size, pic.per);
    html! {
        <g class="hc-cw-wedges">
            { for pic.wedges.iter().map(|&(w, n, sel)| {
                let first = w * per;
                let title = if per == 1 {
                    format!("bucket {first}: {n} callouts")
                } else {
                    format!("buckets {first}–{}: {n} callouts", first + per - 1)
                };
                html! {
                    // Keyed: only occupied wedges are drawn, and one appearing would otherwise
                    // shift every later wedge's attributes one element along.
                    <path key={w} class={classes!("hc-bucket", "occ", sel.then_some("sel"))} d={wedge(w, size / per)}
                        data-cw-bucket={first.to_string()} data-cw-buckets={per.to_string()} data-count={n.to_string()}>
                        <title>{ title }</title>
                    </path>
                }
            }) }
        </g>
    }
}

/// The next occupied buckets the scan reaches, from the cursor on.
fn bucket_table(pic: &Picture) -> Html {
    if pic.table.is_empty() {
        return html! { { muted("Every bucket is empty.") } };
    }
    // Markup text: the rows have no controls, and `html!` code per element costs the bundle.
    // (Rows are rewritten in place anyway: by the next refresh the cursor has passed them.)
    let mut o = String::from(
        r#"<table><thead><tr><th scope="col">bucket</th><th scope="col">callouts (c_time)</th></tr></thead><tbody>"#,
    );
    for (b, cs, n) in &pic.table {
        let _ = write!(o, "<tr><td>{b}</td><td>");
        for c in cs {
            // A space after each entry: the line breaks there first.
            let _ = write!(
                o,
                r#"<span class="hc-entry{}{}"{}>{} ({})"#,
                if c.lap > 0 { " lap" } else { "" },
                if c.sel { " sel" } else { "" },
                if c.sel { r#" aria-current="true""# } else { "" },
                esc(&c.label),
                c.c_time
            );
            if c.lap > 0 {
                let _ = write!(o, "<em> lap +{}: skipped this time round</em>", c.lap);
            }
            o.push_str("</span> ");
        }
        if *n as usize > cs.len() {
            let _ = write!(o, r#"<span class="hc-muted">… {n} in all</span>"#);
        }
        o.push_str("</td></tr>");
    }
    o.push_str("</tbody></table>");
    html! {
        <>
            // A tall table scrolls inside the panel.
            <div class="hc-scroll hc-cw-scroll" tabindex="0" aria-label="Next occupied buckets (scrolls)">
                { Html::from_html_unchecked(o.into()) }
            </div>
            if pic.occupied > pic.table.len() {
                <p class="hc-muted">{ format!("The next {} of {} occupied buckets from the cursor.", pic.table.len(), pic.occupied) }</p>
            }
        </>
    }
}

#[function_component(Callwheel)]
pub fn callwheel(props: &CallwheelProps) -> Html {
    let state = props.state.get();
    let k = state.kernel();
    let co = &k.co;
    // The wedges and the table as last built (for which selection), and the occupied count.
    let kept = use_mut_ref(|| (Kept::default(), Kept::default(), 0));
    let period = use_refresh(state.playing && co.allocated, 125);
    if !co.allocated {
        return html! {
            <section class="hc-panel hc-callwheel" aria-labelledby="hc-cw-h">
                <h2 id="hc-cw-h">{ "FreeBSD callwheel" }</h2>
                { muted("Not allocated yet: the first callout_init, callout_reset or timeout() call sizes it from ncallout.") }
            </section>
        };
    }
    let (wedges_view, table_view, occupied) = {
        let mut kept = kept.borrow_mut();
        let (kw, kt, occupied) = &mut *kept;
        let sel = &state.selected;
        if !kw.fresh(state.playing, period, sel) || !kt.fresh(state.playing, period, sel) {
            let pic = picture(k, sel.as_deref().unwrap_or(""));
            kw.set(period, sel.clone(), wedges(&pic));
            kt.set(period, sel.clone(), bucket_table(&pic));
            *occupied = pic.occupied;
        }
        (kw.view(), kt.view(), *occupied)
    };
    let free = co.free_list();
    let hs = k.co.handles(&state.machine.interp.vars);
    let size = co.callwheelsize().max(1);
    let cursor = (co.softticks() as u32) & (size - 1);
    let a = (cursor as f64 + 0.5) * 2.0 * PI / size as f64 - PI / 2.0;
    let (cx0, cy0) = polar(60.0, a);
    let (cx1, cy1) = polar(102.0, a);
    html! {
        <section class="hc-panel hc-callwheel" aria-labelledby="hc-cw-h">
            <h2 id="hc-cw-h">{ format!("FreeBSD callwheel ({size} buckets)") }</h2>
            <div class="hc-wheel-body">
                <svg viewBox="-108 -108 216 216" role="img" class="hc-cw-svg"
                    aria-label={format!("Callwheel of {size} buckets; {occupied} occupied; softticks {}", co.softticks())}>
                    <circle class="hc-cw-ring" r="81" cx="0" cy="0" />
                    { wedges_view }
                    <line class="hc-cursor" x1={f2(cx0).to_string()} y1={f2(cy0).to_string()} x2={f2(cx1).to_string()} y2={f2(cy1).to_string()} />
                    <text class="hc-center" x="0" y="-3">{ "softticks" }</text>
                    <text class="hc-center hc-center-n" x="0" y="8">{ co.softticks() }</text>
                </svg>
                <div class="hc-wheel-side">
                    <p>{ "scan cursor: bucket " }<code data-testid="softticks">{ cursor }</code>{ format!(" (softticks {} & {})", co.softticks(), size - 1) }</p>
                    if size / SECTORS > 1 {
                        <p class="hc-muted">{ format!("Each wedge sums {} buckets.", size / SECTORS) }</p>
                    }
                    { table_view }
                    <p>{ format!("callfree: {} free", free.len()) }
                        if !free.is_empty() {
                            { " (head first: " }<code>{ free.iter().take(12).map(|i| i.to_string()).collect::<Vec<_>>().join(", ") }{ if free.len() > 12 { ", …" } else { "" } }</code>{ ")" }
                        }
                    </p>
                    if !hs.is_empty() {
                        <p>{ "handles: " }
                            { hs.iter().take(12).map(|(n, slot)| match slot { Some(s) => format!("{n} → callout #{s}"), None => format!("{n} → NULL") }).collect::<Vec<_>>().join(", ") }
                            { if hs.len() > 12 { format!(", … ({} handles)", hs.len()) } else { String::new() } }
                        </p>
                    }
                </div>
            </div>
        </section>
    }
}
