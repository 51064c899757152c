//! The radix tree of each FIB as a nested HTML list (internal nodes with the bit they test and
//! their `radix_mask` list, leaves with their dupedkey chain), and the latest lookup's path:
//! the destination last looked up is looked up again in the tree as it is now (so the marks
//! never point at nodes a later change has moved), the nodes visited are marked and every step,
//! backtracking included, is listed.

use std::collections::{HashMap, HashSet};

use yew::prelude::*;

use super::app::Shared;
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

/// One line per step of `rn_match`, in the kernel's words.
pub fn step_text(s: &WalkStep) -> String {
    match s {
        WalkStep::Test { bit, right, .. } => format!(
            "test bit {bit} of the key: {}, go {}",
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
fn last_lookup(s: &Shared) -> Option<(String, Option<String>, LookupWalk)> {
    s.machine.log.iter().rev().find_map(|e| match &e.kind {
        EventKind::Route(RouteEvent::Lookup {
            caller,
            found,
            walk,
        }) => Some((caller.clone(), found.clone(), walk.clone())),
        _ => None,
    })
}

fn node_html(
    id: NodeId,
    nodes: &HashMap<NodeId, &NodeView>,
    path: &HashSet<NodeId>,
    depth: u32,
) -> Html {
    let on = path.contains(&id);
    let Some(n) = nodes.get(&id) else {
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
            <li class={classes!("hc-rn-node", on.then_some("on-path"))} data-testid="rn-internal" data-bit={bit.to_string()}>
                <span class="hc-rn-label">{ format!("bit {bit}") }
                    if on { <span class="hc-path-mark">{ " ◀ lookup" }</span> }
                </span>
                if !masks.is_empty() {
                    <span class="hc-rn-masks">{ " masks: " }
                        { masks.iter().map(|m| format!("/{}{}", m.mask_len, if m.normal { "" } else { " (non-normal)" }))
                            .collect::<Vec<_>>().join(", ") }
                    </span>
                }
                if depth < 40 {
                    <ul>
                        { node_html(*left, nodes, path, depth + 1) }
                        { node_html(*right, nodes, path, depth + 1) }
                    </ul>
                }
            </li>
        },
        NodeView::Leaf { chain, .. } => html! {
            <li class={classes!("hc-rn-leaf", on.then_some("on-path"))} data-testid="rn-leaf">
                { chain.iter().map(leaf_text).collect::<Vec<_>>().join(" → ") }
                if on { <span class="hc-path-mark">{ " ◀ lookup" }</span> }
            </li>
        },
    }
}

#[function_component(Radix)]
pub fn radix(props: &RadixProps) -> Html {
    let s = &props.state;
    let k = s.kernel();
    let asked = last_lookup(s);
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
    html! {
        <section class="hc-panel hc-radix" aria-labelledby="hc-radix-h" data-testid="radix">
            <h2 id="hc-radix-h">{ "Radix tree" }</h2>
            if trees.is_empty() {
                <p class="hc-muted">{ "Every tree holds only its end markers: add a route to see one grow." }</p>
            }
            { for trees.into_iter().map(|(fib, view)| {
                let nodes: HashMap<NodeId, &NodeView> = view.iter().map(|n| match n {
                    NodeView::Internal { id, .. } | NodeView::Leaf { id, .. } => (*id, n),
                }).collect();
                let path: HashSet<NodeId> = last.as_ref()
                    .filter(|(_, _, w)| w.fib == fib)
                    .map(|(_, _, w)| w.steps.iter().flat_map(step_nodes).collect())
                    .unwrap_or_default();
                let top = view.first().map(|n| match n {
                    NodeView::Internal { id, .. } | NodeView::Leaf { id, .. } => *id,
                });
                html! {
                    <div class="hc-scroll">
                        <h3>{ format!("FIB {fib}") }</h3>
                        <ul class="hc-rn-tree" data-fib={fib.to_string()}>
                            { top.map_or(html! {}, |t| node_html(t, &nodes, &path, 0)) }
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
                <ol class="hc-walk" data-testid="lookup-steps">
                    { for walk.steps.iter().map(|st| {
                        let back = matches!(st, WalkStep::Up { .. } | WalkStep::MaskTest { .. } | WalkStep::MaskedSearch { .. });
                        html! { <li class={classes!(back.then_some("back"))}>{ step_text(st) }</li> }
                    }) }
                </ol>
            } else {
                <p class="hc-muted">{ "No lookup yet: rtalloc1(10.1.2.3, 0, 0) looks one up." }</p>
            }
        </section>
    }
}
