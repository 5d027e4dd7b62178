//! Small helpers over web-sys: the window and document, and event listeners that are owned.
//!
//! [`EventListener`] follows the pattern of gloo-events and the todomvc example: the
//! closure lives in the value that registered it, and dropping the value removes the
//! listener, so nothing leaks and no callback outlives the state it points to.

use crate::web::error::js_error;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AddEventListenerOptions, Document, Event, EventTarget, Window};

pub fn window() -> Result<Window, JsValue> {
    web_sys::window().ok_or_else(|| js_error("Folio needs a browser window"))
}

pub fn document() -> Result<Document, JsValue> {
    window()?
        .document()
        .ok_or_else(|| js_error("Folio needs a document"))
}

/// `parts` joined with `separator`. The web layer's strings are joined here rather than by
/// `[…].concat()` and `.join()`, whose generic copy costs about 1 KB of the shipped wasm.
pub fn join(parts: &[&str], separator: &str) -> String {
    let mut out = String::new();
    for (number, part) in parts.iter().enumerate() {
        if number > 0 {
            out.push_str(separator);
        }
        out.push_str(part);
    }
    out
}

/// A listener registered on a target, removed again when this value is dropped.
pub struct EventListener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl EventListener {
    /// Registers `callback` for events of `kind` on `target`.
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        callback: impl FnMut(Event) + 'static,
    ) -> Result<EventListener, JsValue> {
        EventListener::register(target, kind, Closure::new(callback), false)
    }

    /// Registers `callback` as a passive listener: it promises never to call
    /// `preventDefault`, so the browser need not wait for it before scrolling.
    pub fn new_passive(
        target: &EventTarget,
        kind: &'static str,
        callback: impl FnMut(Event) + 'static,
    ) -> Result<EventListener, JsValue> {
        EventListener::register(target, kind, Closure::new(callback), true)
    }

    /// The part that does not depend on the callback's type, out of line so that the wasm
    /// carries it once and not once per listener's closure.
    #[inline(never)]
    fn register(
        target: &EventTarget,
        kind: &'static str,
        callback: Closure<dyn FnMut(Event)>,
        passive: bool,
    ) -> Result<EventListener, JsValue> {
        let function = callback.as_ref().unchecked_ref();
        if passive {
            let options = AddEventListenerOptions::new();
            options.set_passive(true);
            target.add_event_listener_with_callback_and_add_event_listener_options(
                kind, function, &options,
            )?;
        } else {
            target.add_event_listener_with_callback(kind, function)?;
        }
        Ok(EventListener {
            target: target.clone(),
            kind,
            callback,
        })
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        // Removal fails only if the target is gone, and then nothing can call us anyway.
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}

/// Work waiting to run in the task right after the next frame: first for the animation
/// frame, then, set from that frame, for a timer, whose task comes once the frame is
/// painted. A callback that reads the layout there does not force it ahead of the frame's.
#[derive(Clone, Copy)]
pub enum AfterPaint {
    /// For the animation frame with this handle.
    Frame(i32),
    /// For the timer with this handle, set by that frame.
    Task(i32),
}

impl AfterPaint {
    /// Schedules `callback` for the next frame or, with `frame_done` (called from that
    /// frame), for the task right after it.
    pub fn schedule(
        window: &Window,
        callback: &js_sys::Function,
        frame_done: bool,
    ) -> Result<Self, JsValue> {
        if frame_done {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(callback, 0)
                .map(AfterPaint::Task)
        } else {
            window
                .request_animation_frame(callback)
                .map(AfterPaint::Frame)
        }
    }

    /// Cancels the wait, whichever step it is at.
    pub fn cancel(self, window: &Window) {
        match self {
            AfterPaint::Frame(frame) => {
                let _ = window.cancel_animation_frame(frame);
            }
            AfterPaint::Task(timer) => window.clear_timeout_with_handle(timer),
        }
    }
}
