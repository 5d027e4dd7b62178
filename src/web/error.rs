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
/// anything else as JSON (`42`, `{"code":7}`), or a fixed text when it has no JSON form.
/// The conversion runs in JavaScript rather than through `{:?}`, whose `JsValue`
/// formatting would ship wasm-bindgen's `debugString` helper in the glue.
pub fn message_of(thrown: &JsValue) -> String {
    if let Some(error) = thrown.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    if let Some(text) = thrown.as_string() {
        return text;
    }
    // Fails for cycles and BigInts, and gives `undefined` for undefined, functions and symbols.
    js_sys::JSON::stringify(thrown)
        .ok()
        .and_then(|json| json.as_string())
        .unwrap_or_else(|| "an unknown error (the thrown value has no text)".into())
}
