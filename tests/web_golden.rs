//! In the browser (wasm32), every preset produces exactly the trace it produces natively: the
//! digests of the golden traces in `tests/golden/` must match.
#![cfg(target_arch = "wasm32")]

#[path = "common/golden.rs"]
mod golden;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_preset_runs_in_the_browser_exactly_as_natively() {
    assert_eq!(golden::digests(), include_str!("golden/digests.txt"));
}
