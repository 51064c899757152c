//! The radix tree of each FIB as a nested HTML list (internal nodes with the bit they test and
//! their `radix_mask` list, leaves with their dupedkey chain), and the latest lookup's path:
//! the destination last looked up is looked up again in the tree as it is now (so the marks
//! never point at nodes a later change has moved), the nodes visited are marked and every step,
//! backtracking included, is listed. The walk can be gone through one step at a time (prev /
//! next, or a step's own button): the node of that step is marked "● step N" in the tree.

use std::fmt::Write;

use yew::prelude::*;

use super::markup::muted;
use super::shared::Shared;
use super::state::State;
use super::svg::esc;
use crate::kernel::route::radix::NodeId;
use crate::kernel::route::radix_view::{LeafView, NodeView};
use crate::kernel::route::{LookupWalk, RouteEvent, WalkStep};
use crate::kernel::value::fmt_addr;
use crate::kernel::EventKind;

#[derive(Properties, PartialEq)]
pub struct RadixProps {
    pub state: Shared,
}

fn prefix(key: u32, mask: Option<u8>) -> String {
    match mask {
        Some(m) => format!("{}/{m}", fmt_addr(key)),
        None => fmt_addr(key),
    }
}

fn leaf_text(l: &LeafView) -> String {
    let mut t = prefix(l.key, l.mask);
    if l.root {
        t.push_str(" (end marker)");
    }
    if l.mask.is_some() && !l.normal {
        t.push_str(" (non-normal)");
    }
    t
}

/// "bit 12 of the key"; past the address, radix.c tests `sin_zero`, which is 0 in every real
/// key and 1 only in the right end marker: that node splits 255.255.255.255 off the marker.
fn bit_name(bit: u8) -> String {
    if i32::from(bit) >= crate::kernel::route::radix::SIN_ZERO_BIT {
        format!("bit {bit} (sin_zero: 0 in every real key, 1 in the end marker)")
    } else {
        format!("bit {bit} of the key")
    }
}

/// One line per step of `rn_match`, in the kernel's words.
pub fn step_text(s: &WalkStep) -> String {
    match s {
        WalkStep::Test { bit, right, .. } => format!(
            "test {}: {}, go {}",
            bit_name(*bit),
            u8::from(*right),
            if *right { "right" } else { "left" }
        ),
        WalkStep::Compare {
            key,
            mask,
            bytes,
            diff_bit,
            ..
        } => match diff_bit {
            None => format!(
                "leaf {}: the key matches over {bytes} bytes",
                prefix(*key, *mask)
            ),
            Some(b) => format!("leaf {}: first differing bit {b}", prefix(*key, *mask)),
        },
        WalkStep::RootMarker { .. } => {
            "an end marker matched: its dupedkey (the default route, if any) is the answer".into()
        }
        WalkStep::Duped {
            key, mask, matched, ..
        } => format!(
            "dupedkey {}: {}",
            prefix(*key, *mask),
            if *matched {
                "covers the key"
            } else {
                "does not cover it"
            }
        ),
        WalkStep::Up { bit, .. } => format!("backtrack: up to the node testing bit {bit}"),
        WalkStep::MaskTest {
            mask_len, matched, ..
        } => format!(
            "radix_mask /{mask_len}: {}",
            if *matched {
                "covers the differing bit, match"
            } else {
                "too long, no match"
            }
        ),
        WalkStep::MaskedSearch {
            mask_len, matched, ..
        } => format!(
            "non-normal mask /{mask_len}: masked search down from here {}",
            if *matched {
                "finds a covering route"
            } else {
                "finds nothing"
            }
        ),
    }
}

/// The nodes a step touched (a masked search also reaches a leaf).
fn step_nodes(s: &WalkStep) -> Vec<NodeId> {
    match s {
        WalkStep::MaskedSearch { node, reached, .. } => vec![*node, *reached],
        WalkStep::Test { node, .. }
        | WalkStep::Compare { node, .. }
        | WalkStep::RootMarker { node }
        | WalkStep::Duped { node, .. }
        | WalkStep::Up { node, .. }
        | WalkStep::MaskTest { node, .. } => vec![*node],
    }
}

/// The newest lookup in the event log: who asked, what it found, and its walk.
fn last_lookup(s: &State) -> Option<(String, Option<String>, LookupWalk)> {
    s.visible_log().iter().rev().find_map(|e| match &*e.kind {
        EventKind::Route(RouteEvent::Lookup {
            caller,
            found,
            walk,
        }) => Some((caller.clone(), found.clone(), walk.clone())),
        _ => None,
    })
}

/// Where the lookup marks go: the nodes on its path, and the node of the step in focus.
struct Marks {
    /// A walk is a few dozen steps at most: a list is enough (and no hash table in the wasm).
    path: Vec<NodeId>,
    at: Option<(NodeId, usize)>,
}

/// Leaves drawn at most (a bigger tree is read as text).
const DRAWN_LEAVES: usize = 40;
/// A tree with more leaves than this (an imported table) has its text written only while
/// "Tree as text" is open, and then at most [`TEXT_NODES`] nodes of it plus the lookup's path:
/// every step re-renders the view, and the text of 10,000 routes is megabytes of markup.
const TEXT_LEAVES: usize = 256;
const TEXT_NODES: usize = 1000;
/// Units between two leaves, and between two levels.
const DX: u32 = 132;
const DY: u32 = 64;
/// Height of one entry of a dupedkey chain under its leaf.
const CHAIN: u32 = 15;

/// Where each node is drawn: `pos[id]` for every node and chain entry (a chain entry at its
/// place under the head), by an in-order walk: leaves left to right, a node above the middle
/// of its children.
struct Layout {
    pos: Vec<Option<(u32, u32)>>,
    leaves: u32,
    depth: u32,
}

fn layout_at(id: NodeId, nodes: &[Option<&NodeView>], depth: u32, out: &mut Layout) -> u32 {
    out.depth = out.depth.max(depth);
    let y = depth * DY + 24;
    let x = match nodes.get(id).copied().flatten() {
        Some(NodeView::Internal { left, right, .. }) if depth < 40 => {
            let a = layout_at(*left, nodes, depth + 1, out);
            let b = layout_at(*right, nodes, depth + 1, out);
            (a + b) / 2
        }
        Some(NodeView::Leaf { chain, .. }) => {
            let x = out.leaves * DX + DX / 2;
            out.leaves += 1;
            for (i, l) in chain.iter().enumerate() {
                if let Some(p) = out.pos.get_mut(l.id) {
                    *p = Some((x, y + 14 + i as u32 * CHAIN));
                }
            }
            x
        }
        _ => return out.leaves * DX,
    };
    if let Some(p) = out.pos.get_mut(id) {
        *p = Some((x, y));
    }
    x
}

/// The tree drawn: internal nodes as circles with the bit they test and the masks hung on them,
/// edges labelled 0 and 1, leaves with key/mask and their dupedkey chain under them. The
/// lookup's path is outlined, and the step in focus carries a ring that moves to the next
/// node as the walk goes down, to the leaf, and back up through the backtracking. Written as
/// SVG text (every element as `html!` would cost the bundle kilobytes); the ring is a real
/// element, so that it glides (a CSS transition) instead of being drawn anew.
fn drawn_tree(top: NodeId, nodes: &[Option<&NodeView>], marks: &Marks) -> Html {
    let mut lay = Layout {
        pos: vec![None; nodes.len()],
        leaves: 0,
        depth: 0,
    };
    layout_at(top, nodes, 0, &mut lay);
    let longest = nodes
        .iter()
        .flatten()
        .map(|n| match n {
            NodeView::Leaf { chain, .. } => chain.len() as u32,
            _ => 0,
        })
        .max()
        .unwrap_or(1);
    let (w, h) = (lay.leaves * DX, lay.depth * DY + 40 + longest * CHAIN);
    let at = |id: NodeId| lay.pos.get(id).copied().flatten();
    let on = |id: &NodeId| {
        if marks.path.contains(id) {
            " on-path"
        } else {
            ""
        }
    };
    let (mut edges, mut shapes) = (String::new(), String::new());
    for n in nodes.iter().flatten() {
        match n {
            NodeView::Internal {
                id,
                bit,
                left,
                right,
                masks,
            } => {
                let Some((x, y)) = at(*id) else { continue };
                for (child, b, dx) in [(*left, 0, -8), (*right, 1, 8)] {
                    if let Some((cx, cy)) = at(child) {
                        let _ = write!(
                            edges,
                            r#"<g class="hc-rd-edge{}"><line x1="{x}" y1="{y}" x2="{cx}" y2="{}"/><text x="{}" y="{}">{b}</text></g>"#,
                            if on(id).is_empty() { "" } else { on(&child) },
                            cy - 10,
                            i64::from((x + cx) / 2) + dx,
                            (y + cy) / 2
                        );
                    }
                }
                let _ = write!(
                    shapes,
                    r#"<g class="hc-rd-node{}" data-testid="rd-internal" data-node="{id}"><title>internal node: tests bit {bit}</title><circle cx="{x}" cy="{y}" r="14"/><text x="{x}" y="{}">b{bit}</text><text class="hc-rd-mask" x="{x}" y="{}">"#,
                    on(id),
                    y + 4,
                    y + 27
                );
                for m in masks {
                    let _ = write!(shapes, "/{} ", m.mask_len);
                }
                shapes.push_str("</text></g>");
            }
            NodeView::Leaf { chain, .. } => {
                for (i, l) in chain.iter().enumerate() {
                    let Some((x, y)) = at(l.id) else { continue };
                    let _ = write!(
                        shapes,
                        r#"<g class="hc-rd-leaf{}{}" data-testid="rd-leaf" data-node="{}"><title>{}{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="3"/><text x="{x}" y="{}">{}</text></g>"#,
                        on(&l.id),
                        if i > 0 { " duped" } else { "" },
                        l.id,
                        if i == 0 { "leaf: " } else { "dupedkey: " },
                        esc(&leaf_text(l)),
                        x - DX / 2 + 4,
                        y - 12,
                        DX - 8,
                        CHAIN - 1,
                        y - 1,
                        if l.root {
                            format!("{} end", fmt_addr(l.key))
                        } else {
                            prefix(l.key, l.mask)
                        }
                    );
                }
            }
        }
    }
    edges.push_str(&shapes);
    let cursor = marks.at.and_then(|(n, i)| at(n).map(|p| (n, p, i)));
    html! {
        <svg class="hc-rd" viewBox={format!("0 0 {w} {h}")} role="img" data-testid="radix-drawn"
            aria-label="The radix tree drawn; the tree as text below says the same">
            <g>{ Html::from_html_unchecked(edges.into()) }</g>
            if let Some((n, (x, y), i)) = cursor {
                <circle class="hc-rd-at" data-testid="rd-at" data-node={n.to_string()}
                    data-step={(i + 1).to_string()} cx={x.to_string()} cy={y.to_string()} r="20" />
            }
        </svg>
    }
}

/// The tree as a nested list, written as markup text into `o` (it has no controls, and
/// `html!` code per element costs the bundle). `nodes[id]` is the tree's node `id` (ids are
/// arena indices).
/// `budget`: nodes still to list; once it is spent, only the lookup's path is followed (a node
/// off the path has no path node under it) and `skipped` counts what was left out.
fn node_text(
    o: &mut String,
    id: NodeId,
    nodes: &[Option<&NodeView>],
    marks: &Marks,
    depth: u32,
    budget: &mut (usize, usize),
) {
    let on = marks.path.contains(&id);
    if budget.0 == 0 && !on {
        budget.1 += 1;
        return;
    }
    budget.0 = budget.0.saturating_sub(1);
    let at = marks.at.filter(|&(n, _)| n == id).map(|(_, i)| i);
    let Some(Some(n)) = nodes.get(id) else {
        return;
    };
    let class = |o: &mut String, base: &str| {
        let _ = write!(
            o,
            r#"<li class="{base}{}{}""#,
            if on { " on-path" } else { "" },
            if at.is_some() { " at-step" } else { "" }
        );
    };
    // The marks after a node's text: on the path, and the step in focus.
    let mark = |o: &mut String| {
        if on {
            o.push_str(r#"<span class="hc-path-mark"> ◀ lookup</span>"#);
        }
        if let Some(i) = at {
            let _ = write!(
                o,
                r#"<span class="hc-step-mark" data-testid="walk-at"> ● step {}</span>"#,
                i + 1
            );
        }
    };
    match n {
        NodeView::Internal {
            bit,
            left,
            right,
            masks,
            ..
        } => {
            class(o, "hc-rn-node");
            let _ = write!(
                o,
                r#" data-testid="rn-internal" data-bit="{bit}"><span class="hc-rn-label">bit {bit}{}"#,
                if i32::from(*bit) >= crate::kernel::route::radix::SIN_ZERO_BIT {
                    " (sin_zero)"
                } else {
                    ""
                }
            );
            mark(o);
            o.push_str("</span>");
            if !masks.is_empty() {
                o.push_str(r#"<span class="hc-rn-masks"> masks: "#);
                for (i, m) in masks.iter().enumerate() {
                    let _ = write!(
                        o,
                        "{}/{}{}",
                        if i > 0 { ", " } else { "" },
                        m.mask_len,
                        if m.normal { "" } else { " (non-normal)" }
                    );
                }
                o.push_str("</span>");
            }
            if depth < 40 {
                o.push_str("<ul>");
                node_text(o, *left, nodes, marks, depth + 1, budget);
                node_text(o, *right, nodes, marks, depth + 1, budget);
                o.push_str("</ul>");
            }
            o.push_str("</li>");
        }
        NodeView::Leaf { chain, .. } => {
            class(o, "hc-rn-leaf");
            o.push_str(r#" data-testid="rn-leaf">"#);
            let text = chain.iter().map(leaf_text).collect::<Vec<_>>().join(" → ");
            o.push_str(&esc(&text));
            mark(o);
            o.push_str("</li>");
        }
    }
}

#[function_component(Radix)]
pub fn radix(props: &RadixProps) -> Html {
    let s = props.state.get();
    let k = s.kernel();
    // The step in focus, remembered with the moment it belongs to (a new step forgets it).
    let focus = use_state(|| (u64::MAX, None::<usize>));
    // Whether "Tree as text" is open (a big tree's text is written only then).
    let text_open = use_state(|| false);
    let on_toggle = {
        let text_open = text_open.clone();
        Callback::from(move |e: Event| {
            text_open.set(
                e.target_unchecked_into::<web_sys::Element>()
                    .has_attribute("open"),
            )
        })
    };
    let asked = last_lookup(&s);
    // The same destination through the tree as it is now.
    let last = asked.as_ref().map(|(caller, found, w)| {
        let (_, now) = k.rt.lookup(w.dst, w.fib);
        (caller.clone(), found.clone(), now)
    });
    // A tree with no route in it holds only its top node and the two end markers.
    let has_route = |v: &[NodeView]| {
        v.iter().any(|n| matches!(n, NodeView::Leaf { chain, .. } if chain.iter().any(|l| l.route.is_some())))
    };
    let trees: Vec<(u32, Vec<NodeView>)> = (0..k.rt.numfibs)
        .filter_map(|f| k.rt.tree(f).map(|t| (f, t.view())))
        .filter(|(_, v)| has_route(v))
        .collect();
    let n_steps = last.as_ref().map_or(0, |(_, _, w)| w.steps.len());
    let at = if focus.0 == s.steps { focus.1 } else { None }.filter(|&i| i < n_steps);
    let go = |i: Option<usize>| {
        let (focus, moment) = (focus.clone(), s.steps);
        Callback::from(move |_: MouseEvent| focus.set((moment, i)))
    };
    let prev = go(match at {
        Some(0) | None => None,
        Some(i) => Some(i - 1),
    });
    let next = go(match at {
        None => Some(0),
        Some(i) => Some((i + 1).min(n_steps.saturating_sub(1))),
    });
    html! {
        <section class="hc-panel hc-radix" aria-labelledby="hc-radix-h" data-testid="radix">
            <h2 id="hc-radix-h">{ "Radix tree" }</h2>
            if let Some((_, _, walk)) = &last {
                <div class="hc-row" role="group" aria-label="Go through the lookup">
                    <button type="button" id="hc-walk-prev" onclick={prev} disabled={at.is_none()}>{ "◀ prev step" }</button>
                    <button type="button" id="hc-walk-next" onclick={next}
                        disabled={n_steps == 0 || at == Some(n_steps - 1)}>{ "next step ▶" }</button>
                    <span class="hc-muted" aria-live="polite">{ format!("lookup of {}: ", fmt_addr(walk.dst)) }{ match at {
                        Some(i) => format!("step {} of {n_steps}", i + 1),
                        None => format!("{n_steps} steps; the whole path is marked"),
                    } }</span>
                </div>
            } else {
                { muted("No lookup yet: rtalloc1(10.1.2.3, 0, 0) looks one up.") }
            }
            if trees.is_empty() {
                { muted("Every tree holds only its end markers: add a route to see one grow.") }
            }
            { for trees.into_iter().map(|(fib, view)| {
                let id_of = |n: &NodeView| match n {
                    NodeView::Internal { id, .. } | NodeView::Leaf { id, .. } => *id,
                };
                let mut nodes: Vec<Option<&NodeView>> = vec![None; view.iter().map(|n| id_of(n) + 1).max().unwrap_or(0)];
                for n in &view {
                    nodes[id_of(n)] = Some(n);
                }
                let walk = last.as_ref().map(|(_, _, w)| w).filter(|w| w.fib == fib);
                let marks = Marks {
                    path: walk.map(|w| w.steps.iter().flat_map(step_nodes).collect()).unwrap_or_default(),
                    at: walk.zip(at).and_then(|(w, i)| w.steps.get(i).map(|st| (step_nodes(st)[0], i))),
                };
                let top = view.first().map(id_of);
                let leaves = view.iter().filter(|n| matches!(n, NodeView::Leaf { .. })).count();
                let big = leaves > TEXT_LEAVES;
                let mut budget = (if big { TEXT_NODES } else { usize::MAX }, 0);
                let text = top.filter(|_| !big || *text_open).map(|t| {
                    let mut o = String::new();
                    node_text(&mut o, t, &nodes, &marks, 0, &mut budget);
                    o
                });
                html! {
                    <div class="hc-scroll">
                        <h3>{ format!("FIB {fib}") }</h3>
                        if leaves > DRAWN_LEAVES {
                            { muted("This tree has too many leaves to draw: read it as text below.") }
                        } else {
                            { top.map_or(html! {}, |t| drawn_tree(t, &nodes, &marks)) }
                        }
                        <details class="hc-table-alt" ontoggle={on_toggle.clone()}>
                            <summary>{ "Tree as text" }</summary>
                            if budget.1 > 0 {
                                <p class="hc-muted">{ format!("The first {TEXT_NODES} nodes and the lookup's path; {} more are not listed.", budget.1) }</p>
                            }
                            <ul class="hc-rn-tree" data-fib={fib.to_string()}>
                                { text.map_or(html! {}, |o| Html::from_html_unchecked(o.into())) }
                            </ul>
                        </details>
                    </div>
                }
            }) }
            if let Some((caller, found, walk)) = &last {
                <p data-testid="lookup-summary">
                    <code>{ format!("{caller}({})", fmt_addr(walk.dst)) }</code>
                    { format!(" in FIB {} found {}. ", walk.fib, found.clone().unwrap_or_else(|| "no route".into())) }
                    { "The same lookup in the tree as it is now: " }
                    <strong>{ walk.route.and_then(|r| k.rt.entry(r)).map_or("no route".to_string(), |e| e.name()) }</strong>
                    { format!(" — {}.", walk.summary()) }
                </p>
                <ol class="hc-walk" data-testid="lookup-steps">
                    { for walk.steps.iter().enumerate().map(|(i, st)| {
                        let back = matches!(st, WalkStep::Up { .. } | WalkStep::MaskTest { .. } | WalkStep::MaskedSearch { .. });
                        let cur = at == Some(i);
                        html! {
                            <li class={classes!(back.then_some("back"), cur.then_some("cur"))} aria-current={cur.then_some("step")}>
                                <button type="button" class="hc-link" onclick={go((!cur).then_some(i))}>{ step_text(st) }</button>
                                if back { <span class="hc-muted">{ " (backtracking)" }</span> }
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}
