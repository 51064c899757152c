//! Markup the panels share.
//!
//! Why functions and not the markup in each view: `html!` expands every element into its own
//! construction code, so the same `<th>` or muted line written out in six views is six copies
//! of that code in the wasm (about 35 bytes gzipped per element).

use yew::prelude::*;

/// A table's column headings: `<thead>` with one `<th scope="col">` per name, in order.
pub fn head_row(cols: &[&'static str]) -> Html {
    html! {
        <thead><tr>{ for cols.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
    }
}

/// A panel's quiet explanatory line (nothing to show yet, what to type to see something).
pub fn muted(text: &'static str) -> Html {
    html! { <p class="hc-muted">{ text }</p> }
}
