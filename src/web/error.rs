//! The one conversion from a Rust error to what JavaScript receives.
//!
//! Every `Err` that crosses into JavaScript is a real `Error` object (with a stack and
//! a `message`), never a bare string, so callers can `catch (e) { e.message }`.
//! The reverse, [`message_of`], turns whatever JavaScript threw back into text for the error view.

use wasm_bindgen::{JsCast, JsValue};

/// A JavaScript `Error` whose message is `message`.
/// It takes text, not `impl Display`: messages are built with `push_str` or `concat`,
/// so no call site pulls `core::fmt` into the wasm for an error that rarely happens.
pub fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// The message of a thrown JavaScript value: an `Error`'s message, a string as it is,
/// anything else as the browser would print it.
pub fn message_of(thrown: &JsValue) -> String {
    if let Some(error) = thrown.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    thrown.as_string().unwrap_or_else(|| format!("{thrown:?}"))
}
