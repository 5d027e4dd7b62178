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

/// A catalog of `count` Markdown articles, slugged `long-000` and on, one a year from 1800
/// (so the library lists `long-<count - 1>` first), each saying "harbour" and its number.
pub fn long_catalog(count: usize) -> std::rc::Rc<folio::catalog::Catalog> {
    use folio::catalog::{Catalog, Source};
    use std::borrow::Cow;
    let sources = (0..count)
        .map(|i| {
            let text = format!(
                "---\ntitle: Harbour log {i:03}\ndate: {}-01-01\ntags: [harbour]\n---\n\nNotes from the harbour, number {i}.\n",
                1800 + i
            );
            Source {
                path: Cow::Owned(format!("articles/long-{i:03}.md")),
                slug: Cow::Owned(format!("long-{i:03}")),
                bytes: Cow::Owned(text.into_bytes()),
            }
        })
        .collect();
    std::rc::Rc::new(Catalog::from_sources(sources))
}
