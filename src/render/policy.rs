//! The sanitiser's allow-list: which elements and attributes of an article's raw HTML survive.
//! The walk itself is in `web::sanitize` (it uses the browser's inert parser); the decisions are here.
