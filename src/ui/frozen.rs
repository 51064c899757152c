//! A piece of view built once and shown unchanged until its version changes. The tables and
//! pictures that playing rebuilds once per refresh period ([`super::hooks::use_refresh`]) are
//! built only then, and in between Yew neither renders nor compares them. One component serves
//! them all: each component type costs bundle size.

use std::rc::Rc;

use yew::prelude::*;

#[derive(Properties)]
pub struct FrozenProps {
    /// Grows with every rebuild of `html` (equal versions: the same view).
    pub version: u64,
    pub html: Rc<Html>,
}

impl PartialEq for FrozenProps {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

#[function_component(Frozen)]
pub fn frozen(p: &FrozenProps) -> Html {
    (*p.html).clone()
}

/// A view kept for [`Frozen`]: the refresh count it was built at, the selected timer it
/// marks (a view built for another selection is stale at once), its version and the view.
pub struct Kept {
    period: i64,
    of: Option<String>,
    version: u64,
    html: Rc<Html>,
}

impl Default for Kept {
    fn default() -> Kept {
        Kept {
            period: i64::MIN,
            of: None,
            version: 0,
            html: Rc::new(Html::default()),
        }
    }
}

impl Kept {
    /// Whether the kept view still stands: while `playing`, in the same `period`, for the
    /// same `of` (paused, every render builds anew).
    pub fn fresh(&self, playing: bool, period: i64, of: &Option<String>) -> bool {
        playing && period == self.period && *of == self.of
    }

    /// Keeps a new view.
    pub fn set(&mut self, period: i64, of: Option<String>, html: Html) {
        self.period = period;
        self.of = of;
        self.version += 1;
        self.html = Rc::new(html);
    }

    /// The kept view, for the page.
    pub fn view(&self) -> Html {
        html! { <Frozen version={self.version} html={self.html.clone()} /> }
    }

    /// The kept view if [`Kept::fresh`], else a new one from `build`.
    pub fn get(
        &mut self,
        playing: bool,
        period: i64,
        of: Option<String>,
        build: impl FnOnce() -> Html,
    ) -> Html {
        if !self.fresh(playing, period, &of) {
            self.set(period, of, build());
        }
        self.view()
    }
}
