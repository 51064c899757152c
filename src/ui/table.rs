//! Markup every table on the page shares.
//!
//! Why a function and not the markup in each view: `html!` expands every element into its own
//! construction code, so seven `<th>`s written out cost seven copies of it in the wasm, and the
//! page has six tables.

use yew::prelude::*;

/// A table's column headings: `<thead>` with one `<th scope="col">` per name, in order.
pub fn head_row(cols: &[&'static str]) -> Html {
    html! {
        <thead><tr>{ for cols.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr></thead>
    }
}
