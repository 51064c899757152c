//! The widget's `postMessage` link with the host page.
//!
//! In: `{hardclock: "step" | "hardclock" | "back" | "reset" | "goto" | "load" | "play" |
//! "pause" | "speed" | "ping", id?, n?, t?, step?, preset?, scenario?, speed?}`. A message
//! with an `id` is for the widget of that id only; one without is for every widget of the
//! window. It is obeyed only if its sender's origin is on the widget's allow-list
//! ([`EmbedConfig::allows`]); one from any other origin gets no answer at all. A malformed
//! one from an allowed origin is answered, to its sender only, with
//! `{hardclock: "error", id, message}`.
//!
//! Out: `{hardclock: "state", id, tick, elapsed, steps, playing, height}` whenever the moment
//! or the widget's height changes, and in predict mode `{hardclock: "answer", id, kind,
//! correct}` for each answer (an LMS may record it; the widget stores nothing): to the parent window when the widget is framed (to each
//! allowed origin; never to "*" unless the allow-list says so), else to its own window, where
//! the course page's script can listen.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, MessageEvent, ResizeObserver};
use yew::prelude::*;

use super::embed::{command_action, WidgetAction};
use super::embed_params::{command, EmbedConfig, MessageFields};
use super::shared::Shared;

/// The origin of the widget's own URL. A sandboxed document's `window.origin` is "null",
/// but `location.origin` is still its URL's, which is what "self" in an allow-list means.
fn own_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_else(|| "null".into())
}

/// `target.postMessage(msg, origin)`, looked up on the object itself: the parent of a frame
/// may be cross-origin, where only the window's own `postMessage` may be called.
fn post_to(target: &JsValue, msg: &JsValue, origin: &str) {
    if let Ok(f) = Reflect::get(target, &"postMessage".into()) {
        if let Some(f) = f.dyn_ref::<Function>() {
            let _ = f.call2(target, msg, &JsValue::from_str(origin));
        }
    }
}

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// A field that must be a number if it is there at all.
fn field_f64(data: &JsValue, k: &str) -> Result<Option<f64>, String> {
    field(data, k, "a number", JsValue::as_f64)
}

/// A field that must be a string if it is there at all.
fn field_text(data: &JsValue, k: &str) -> Result<Option<String>, String> {
    field(data, k, "a string", JsValue::as_string)
}

/// Field `k` read by `read`; absent (undefined or null) is `None`, another type an error.
fn field<T>(
    data: &JsValue,
    k: &str,
    kind: &str,
    read: fn(&JsValue) -> Option<T>,
) -> Result<Option<T>, String> {
    let v = Reflect::get(data, &k.into()).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    read(&v)
        .map(Some)
        .ok_or_else(|| format!("{k} must be {kind}, not {}.", type_name(&v)))
}

fn field_str(data: &JsValue, k: &str) -> Option<String> {
    Reflect::get(data, &k.into()).ok()?.as_string()
}

fn type_name(v: &JsValue) -> String {
    v.js_typeof().as_string().unwrap_or_else(|| "that".into())
}

/// Where the widget's own messages go.
struct Poster {
    cfg: Rc<EmbedConfig>,
    framed: bool,
    root: NodeRef,
}

impl Poster {
    fn id(&self) -> JsValue {
        self.cfg
            .id
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::NULL)
    }

    fn height(&self) -> f64 {
        self.root
            .cast::<Element>()
            .map(|e| e.get_bounding_client_rect().height().ceil())
            .unwrap_or(0.0)
    }

    fn post(&self, msg: &JsValue) {
        let Some(w) = web_sys::window() else { return };
        if self.framed {
            let Ok(Some(parent)) = w.parent() else { return };
            for t in self.cfg.post_targets(&own_origin()) {
                post_to(&parent, msg, &t);
            }
        } else {
            // The course page itself: only this window receives it.
            post_to(&w, msg, "*");
        }
    }

    fn state(&self, s: &Shared, height: f64) {
        let s = s.get();
        let k = s.kernel();
        self.post(&object(&[
            ("hardclock", "state".into()),
            ("id", self.id()),
            ("tick", k.clock.ticks.into()),
            ("elapsed", (k.clock.elapsed as f64).into()),
            ("steps", (s.steps as f64).into()),
            ("playing", s.playing.into()),
            ("height", height.into()),
        ]));
    }
}

/// Posts `{hardclock: "answer", id, kind, correct}` where the state goes (the same targets,
/// so the same origin allow-list).
pub fn post_answer(cfg: &Rc<EmbedConfig>, framed: bool, kind: &str, correct: bool) {
    let p = Poster {
        cfg: cfg.clone(),
        framed,
        root: NodeRef::default(),
    };
    p.post(&object(&[
        ("hardclock", "answer".into()),
        ("id", p.id()),
        ("kind", kind.into()),
        ("correct", correct.into()),
    ]));
}

/// Listens for the host page's commands and posts the widget's state and height.
#[hook]
pub fn use_host_link(
    root: &NodeRef,
    cfg: &Rc<EmbedConfig>,
    state: &Shared,
    dispatch: &Callback<WidgetAction>,
    framed: bool,
) {
    let poster = use_memo((), {
        let (cfg, root) = (cfg.clone(), root.clone());
        move |_| Poster { cfg, framed, root }
    });
    // The listener is registered once; it answers `ping` with the latest state.
    let latest = use_mut_ref(|| state.clone());
    let last_height = use_mut_ref(|| -1.0f64);
    // Listening comes first (effects run in order): the first state message tells the host
    // page that commands are heard from now on; one sent before it may be lost.
    {
        let (poster, latest, last_height) = (poster.clone(), latest.clone(), last_height.clone());
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let on_message = {
                let (poster, latest) = (poster.clone(), latest.clone());
                Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
                    handle(&e, &poster, &latest, &dispatch)
                })
            };
            let on_resize = {
                let (poster, latest) = (poster.clone(), latest.clone());
                Closure::<dyn Fn()>::new(move || {
                    let h = poster.height();
                    if (h - *last_height.borrow()).abs() >= 1.0 {
                        *last_height.borrow_mut() = h;
                        poster.state(&latest.borrow(), h);
                    }
                })
            };
            let w = web_sys::window();
            if let Some(w) = &w {
                let _ = w.add_event_listener_with_callback(
                    "message",
                    on_message.as_ref().unchecked_ref(),
                );
            }
            let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, poster.root.cast::<Element>()) {
                o.observe(&el);
            }
            move || {
                if let Some(w) = w {
                    let _ = w.remove_event_listener_with_callback(
                        "message",
                        on_message.as_ref().unchecked_ref(),
                    );
                }
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop((on_message, on_resize));
            }
        });
    }
    {
        let (poster, latest, last_height) = (poster.clone(), latest.clone(), last_height.clone());
        let key = {
            let st = state.get();
            let k = st.kernel();
            (k.clock.ticks, k.clock.elapsed, st.steps, st.playing)
        };
        let s = state.clone();
        use_effect_with(key, move |_| {
            *latest.borrow_mut() = s.clone();
            let h = poster.height();
            *last_height.borrow_mut() = h;
            poster.state(&s, h);
        });
    }
}

fn handle(
    e: &MessageEvent,
    poster: &Poster,
    latest: &RefCell<Shared>,
    dispatch: &Callback<WidgetAction>,
) {
    let data = e.data();
    if !data.is_object() {
        return;
    }
    let Some(kind) = field_str(&data, "hardclock") else {
        return;
    };
    // Our own posts, and other widgets' on this page.
    if kind == "state" || kind == "error" {
        return;
    }
    // A sender that is not allowed gets no answer at all, not even a refusal: a reply would
    // tell a stranger that a widget (of that id) is on the page.
    if !poster.cfg.allows(&e.origin(), &own_origin()) {
        return;
    }
    if let Some(to) = field_str(&data, "id") {
        if poster.cfg.id.as_deref() != Some(to.as_str()) {
            return;
        }
    }
    let reply = |message: String| {
        let Some(src) = e.source() else { return };
        let origin = e.origin();
        let target = if origin == "null" {
            "*"
        } else {
            origin.as_str()
        };
        let msg = object(&[
            ("hardclock", "error".into()),
            ("id", poster.id()),
            ("message", message.into()),
        ]);
        post_to(&src, &msg, target);
    };
    let read = || -> Result<MessageFields, String> {
        Ok(MessageFields {
            kind: kind.clone(),
            n: field_f64(&data, "n")?,
            t: field_f64(&data, "t")?,
            step: field_f64(&data, "step")?,
            speed: field_f64(&data, "speed")?,
            preset: field_text(&data, "preset")?,
            scenario: field_text(&data, "scenario")?,
        })
    };
    let fields = match read() {
        Ok(f) => f,
        Err(why) => return reply(format!("\"{kind}\": {why}")),
    };
    match command(&fields) {
        Ok(c) => match command_action(c) {
            Some(a) => dispatch.emit(a),
            None => poster.state(&latest.borrow(), poster.height()),
        },
        Err(message) => reply(message),
    }
}
