//! The timers of the page, as hooks: they only dispatch actions or ask for a render.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use yew::prelude::*;

/// While `playing`, calls `advance` every `ms` milliseconds; the timer only dispatches.
#[hook]
pub fn use_play_timer(playing: bool, ms: u32, advance: Callback<()>) {
    use_effect_with((playing, ms), move |&(playing, ms)| {
        let timer = playing.then(|| Interval::new(ms, move || advance.emit(())));
        move || drop(timer)
    });
}

/// While playing, a table (unreadable when it changes twenty times a second, and costly to lay
/// out) is rebuilt once per period of this many milliseconds.
pub const REFRESH_MS: u32 = 250;

/// While `playing`, a count that grows once per [`REFRESH_MS`], first `offset_ms` after play
/// starts (paused, it stands still and views build on every render). A view rebuilds its table
/// when the count changes, in a render of its own that the count's timer asks for, between
/// two play advances: a frame that showed an advance and laid out a table of 50 rows too was
/// the slowest twentieth of all frames. Offsets of 25, 75 and 125 ms put the three tables
/// into three different gaps of the 50 ms play timer.
#[hook]
pub fn use_refresh(playing: bool, offset_ms: u32) -> i64 {
    let count = use_mut_ref(|| 0i64);
    let redraw = use_force_update();
    {
        let count = count.clone();
        use_effect_with(playing, move |&playing| {
            let every: Rc<RefCell<Option<Interval>>> = Rc::default();
            let first = playing.then(|| {
                let every = every.clone();
                Timeout::new(offset_ms, move || {
                    let tick = move || {
                        *count.borrow_mut() += 1;
                        redraw.force_update();
                    };
                    tick();
                    *every.borrow_mut() = Some(Interval::new(REFRESH_MS, tick));
                })
            });
            move || {
                drop(first);
                every.borrow_mut().take();
            }
        });
    }
    let n = *count.borrow();
    n
}
