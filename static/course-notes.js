// The example course page's own script (static/course-notes.html): it drives hardclock
// widgets by postMessage and listens to what they post. Under a strict CSP a page's script
// must be a file like this one, never inline.
"use strict";

// Commands: inline widgets live in this window; a framed one in its iframe's window. The
// frame is sandboxed (an opaque origin), so "*" is the only target origin that reaches it.
function send(target, message) {
  message.id = target;
  var frame = document.getElementById(target);
  if (frame && frame.tagName === "IFRAME") {
    frame.contentWindow.postMessage(message, "*");
  } else {
    window.postMessage(message, location.origin);
  }
}

document.addEventListener("click", function (e) {
  var b = e.target.closest("button[data-command]");
  if (!b) return;
  var m = { hardclock: b.dataset.command };
  if (b.dataset.t) m.t = Number(b.dataset.t);
  if (b.dataset.n) m.n = Number(b.dataset.n);
  send(b.dataset.target, m);
});

// State: {hardclock: "state", id, tick, elapsed, steps, playing, height}. A sandboxed frame's
// messages arrive with origin "null", which any sandboxed page shares: trust them by their
// source window, not their origin.
window.addEventListener("message", function (e) {
  var d = e.data;
  if (!d || d.hardclock !== "state") return;
  var frame = document.getElementById(d.id);
  var fromFrame = frame && frame.tagName === "IFRAME" && e.source === frame.contentWindow;
  var fromPage = e.source === window && e.origin === location.origin;
  if (!fromFrame && !fromPage) return;
  if (fromFrame && d.height > 0) frame.style.height = Math.ceil(d.height) + "px";
  var out = document.querySelector('output[data-state-of="' + d.id + '"]');
  if (out) out.textContent = String(d.tick);
});

// Frames written with data-src load once an inline widget has said its first state (or after
// a few seconds if none does): the inline widgets, first on the page, get the network first.
function loadFrames() {
  document.querySelectorAll("iframe[data-src]").forEach(function (f) {
    f.src = f.dataset.src;
    f.removeAttribute("data-src");
  });
}
window.addEventListener("message", function first(e) {
  var d = e.data;
  if (!d || d.hardclock !== "state" || e.source !== window) return;
  window.removeEventListener("message", first);
  loadFrames();
});
if (document.querySelector("[data-hardclock]")) {
  setTimeout(loadFrames, 8000);
} else {
  loadFrames();
}
