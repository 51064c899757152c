//! The radix tree of each FIB as a nested HTML list (internal nodes with the bit they test and
//! their `radix_mask` list, leaves with their dupedkey chain), and the latest lookup's path:
//! the destination last looked up is looked up again in the tree as it is now (so the marks
//! never point at nodes a later change has moved), the nodes visited are marked and every step,
//! backtracking included, is listed. The walk can be gone through one step at a time (prev /
//! next, or a step's own button): the node of that step is marked "● step N" in the tree.

use yew::prelude::*;

use super::app::Shared;
use super::markup::muted;
use super::state::State;
use crate::kernel::route::radix::NodeId;
use crate::kernel::route::radix_view::{LeafView, NodeView};
use crate::kernel::route::{lookup, LookupWalk, RouteEvent, WalkStep};
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
            "test bit {}: {}, go {}",
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

impl Marks {
    fn at_html(&self, id: NodeId) -> Html {
        match self.at {
            Some((n, i)) if n == id => {
                html! { <span class="hc-step-mark" data-testid="walk-at">{ format!(" ● step {}", i + 1) }</span> }
            }
            _ => html! {},
        }
    }
}

/// `nodes[id]` is the tree's node `id` (ids are arena indices).
fn node_html(id: NodeId, nodes: &[Option<&NodeView>], marks: &Marks, depth: u32) -> Html {
    let on = marks.path.contains(&id);
    let at = matches!(marks.at, Some((n, _)) if n == id);
    let Some(Some(n)) = nodes.get(id) else {
        return html! {};
    };
    match n {
        NodeView::Internal {
            bit,
            left,
            right,
            masks,
            ..
        } => html! {
            <li class={classes!("hc-rn-node", on.then_some("on-path"), at.then_some("at-step"))} data-testid="rn-internal" data-bit={bit.to_string()}>
                <span class="hc-rn-label">{ if i32::from(*bit) >= crate::kernel::route::radix::SIN_ZERO_BIT {
                    format!("bit {bit} (sin_zero)")
                } else {
                    format!("bit {bit}")
                } }
                    if on { <span class="hc-path-mark">{ " ◀ lookup" }</span> }
                    { marks.at_html(id) }
                </span>
                if !masks.is_empty() {
                    <span class="hc-rn-masks">{ " masks: " }
                        { masks.iter().map(|m| format!("/{}{}", m.mask_len, if m.normal { "" } else { " (non-normal)" }))
                            .collect::<Vec<_>>().join(", ") }
                    </span>
                }
                if depth < 40 {
                    <ul>
                        { node_html(*left, nodes, marks, depth + 1) }
                        { node_html(*right, nodes, marks, depth + 1) }
                    </ul>
                }
            </li>
        },
        NodeView::Leaf { chain, .. } => html! {
            <li class={classes!("hc-rn-leaf", on.then_some("on-path"), at.then_some("at-step"))} data-testid="rn-leaf">
                { chain.iter().map(leaf_text).collect::<Vec<_>>().join(" → ") }
                if on { <span class="hc-path-mark">{ " ◀ lookup" }</span> }
                { marks.at_html(id) }
            </li>
        },
    }
}

#[function_component(Radix)]
pub fn radix(props: &RadixProps) -> Html {
    let s = props.state.get();
    let k = s.kernel();
    // The step in focus, remembered with the moment it belongs to (a new step forgets it).
    let focus = use_state(|| (u64::MAX, None::<usize>));
    let asked = last_lookup(&s);
    // The same destination through the tree as it is now.
    let last = asked.as_ref().map(|(caller, found, w)| {
        let (_, now) = lookup(k, w.dst, w.fib);
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
                html! {
                    <div class="hc-scroll">
                        <h3>{ format!("FIB {fib}") }</h3>
                        <ul class="hc-rn-tree" data-fib={fib.to_string()}>
                            { top.map_or(html! {}, |t| node_html(t, &nodes, &marks, 0)) }
                        </ul>
                    </div>
                }
            }) }
            <h3>{ "Latest lookup" }</h3>
            if let Some((caller, found, walk)) = last {
                <p data-testid="lookup-summary">
                    <code>{ format!("{caller}({})", fmt_addr(walk.dst)) }</code>
                    { format!(" in FIB {} found {}. ", walk.fib, found.unwrap_or_else(|| "no route".into())) }
                    { "The same lookup in the tree as it is now: " }
                    <strong>{ walk.route.and_then(|r| k.rt.entry(r)).map_or("no route".to_string(), |e| e.name()) }</strong>
                    { format!(" — {}.", walk.summary()) }
                </p>
                <div class="hc-row" role="group" aria-label="Go through the lookup">
                    <button type="button" id="hc-walk-prev" onclick={prev} disabled={at.is_none()}>{ "◀ prev step" }</button>
                    <button type="button" id="hc-walk-next" onclick={next}
                        disabled={n_steps == 0 || at == Some(n_steps - 1)}>{ "next step ▶" }</button>
                    <span class="hc-muted" aria-live="polite">{ match at {
                        Some(i) => format!("step {} of {n_steps}", i + 1),
                        None => format!("{n_steps} steps; the whole path is marked"),
                    } }</span>
                </div>
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
            } else {
                { muted("No lookup yet: rtalloc1(10.1.2.3, 0, 0) looks one up.") }
            }
        </section>
    }
}
