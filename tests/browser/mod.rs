//! Helpers the browser test suites share: the window, timers, waiting, a fresh element.
//! Each suite compiles this module on its own and uses a part of it.
#![allow(dead_code)]

use js_sys::Promise;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, Window};

pub fn window() -> Window {
    web_sys::window().expect("a window")
}

pub fn document() -> Document {
    window().document().expect("a document")
}

/// Resolves after `ms` milliseconds of event-loop time.
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    JsFuture::from(promise).await.expect("timer");
}

/// Waits until `condition` holds, for at most two seconds; returns whether it did.
pub async fn wait_until(mut condition: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if condition() {
            return true;
        }
        sleep(10).await;
    }
    condition()
}

/// A fresh element attached to the page.
pub fn fresh_container() -> Element {
    let container = document().create_element("div").expect("div");
    document()
        .body()
        .expect("body")
        .append_child(&container)
        .expect("attach");
    container
}
