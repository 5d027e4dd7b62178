//! The keyboard map: which key does what, as data.
//!
//! The web layer turns a `keydown` into a [`KeyPress`], asks [`action_for`], and
//! carries the [`Action`] out; the help overlay lists [`SHORTCUTS`], so what it says
//! and what the keys do cannot drift apart.
//! A shortcut never fires with Ctrl, Alt or Meta held (those belong to the browser and
//! to screen readers), nor while the reader is typing in a form field.
//! Shift is allowed, since `?` needs it on most layouts.

/// What a shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Focus the next article of the list.
    NextItem,
    /// Focus the previous article of the list.
    PreviousItem,
    /// Open the focused article of the list.
    Open,
    /// Go to the previous article (in list order).
    PreviousArticle,
    /// Go to the next article (in list order).
    NextArticle,
    /// Focus the search box, when there is one.
    FocusSearch,
    /// Light → dark → sepia → auto → light…
    CycleTheme,
    /// Close the open panel (reading settings, contents, help).
    ClosePanels,
    /// Show the list of shortcuts.
    ShowHelp,
}

/// Which view has the page: some keys mean something only in one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Library,
    Article,
    /// Not found, error.
    Other,
}

/// A key as `KeyboardEvent` reports it, with what the page knows about the focus.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyPress<'a> {
    /// `KeyboardEvent.key`: `"j"`, `"ArrowLeft"`, `"?"`, `"Escape"`…
    pub key: &'a str,
    pub ctrl: bool,
    pub alt: bool,
    pub meta: bool,
    /// Focus is in an input, textarea, select or contenteditable element.
    pub typing: bool,
}

/// Where a shortcut works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    Library,
    Article,
}

impl Scope {
    fn includes(self, context: Context) -> bool {
        match self {
            Scope::Everywhere => true,
            Scope::Library => context == Context::Library,
            Scope::Article => context == Context::Article,
        }
    }

    /// How the help overlay names it.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Everywhere => "Anywhere",
            Scope::Library => "Article list",
            Scope::Article => "Article",
        }
    }
}

/// One line of the keyboard map.
#[derive(Clone, Copy, Debug)]
pub struct Shortcut {
    /// `KeyboardEvent.key` values that trigger it.
    pub keys: &'static [&'static str],
    /// How the help overlay shows the keys.
    pub shown_as: &'static [&'static str],
    pub scope: Scope,
    pub action: Action,
    pub description: &'static str,
}

/// Every shortcut, in the order the help overlay lists them.
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut {
        keys: &["j", "ArrowDown"],
        shown_as: &["j", "↓"],
        scope: Scope::Library,
        action: Action::NextItem,
        description: "Next article in the list",
    },
    Shortcut {
        keys: &["k", "ArrowUp"],
        shown_as: &["k", "↑"],
        scope: Scope::Library,
        action: Action::PreviousItem,
        description: "Previous article in the list",
    },
    Shortcut {
        keys: &["Enter"],
        shown_as: &["Enter"],
        scope: Scope::Library,
        action: Action::Open,
        description: "Open the selected article",
    },
    Shortcut {
        keys: &["ArrowLeft"],
        shown_as: &["←"],
        scope: Scope::Article,
        action: Action::PreviousArticle,
        description: "Previous article",
    },
    Shortcut {
        keys: &["ArrowRight"],
        shown_as: &["→"],
        scope: Scope::Article,
        action: Action::NextArticle,
        description: "Next article",
    },
    Shortcut {
        keys: &["/"],
        shown_as: &["/"],
        scope: Scope::Everywhere,
        action: Action::FocusSearch,
        description: "Search",
    },
    Shortcut {
        keys: &["t"],
        shown_as: &["t"],
        scope: Scope::Everywhere,
        action: Action::CycleTheme,
        description: "Change theme (auto, light, dark, sepia)",
    },
    Shortcut {
        keys: &["Escape"],
        shown_as: &["Esc"],
        scope: Scope::Everywhere,
        action: Action::ClosePanels,
        description: "Close panels and this help",
    },
    Shortcut {
        keys: &["?"],
        shown_as: &["?"],
        scope: Scope::Everywhere,
        action: Action::ShowHelp,
        description: "Show keyboard shortcuts",
    },
];

/// What `press` does in `context`, if anything.
pub fn action_for(press: &KeyPress, context: Context) -> Option<Action> {
    if press.ctrl || press.alt || press.meta {
        return None;
    }
    // Escape still closes panels from a form field inside them (the settings panel's
    // radio buttons); every other key belongs to the field.
    if press.typing && press.key != "Escape" {
        return None;
    }
    SHORTCUTS
        .iter()
        .find(|shortcut| shortcut.scope.includes(context) && shortcut.keys.contains(&press.key))
        .map(|shortcut| shortcut.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(key: &str) -> KeyPress<'_> {
        KeyPress {
            key,
            ..KeyPress::default()
        }
    }

    #[test]
    fn keys_map_to_actions_by_view() {
        use Action::*;
        use Context::*;
        let cases = [
            ("j", Library, Some(NextItem)),
            ("ArrowDown", Library, Some(NextItem)),
            ("k", Library, Some(PreviousItem)),
            ("ArrowUp", Library, Some(PreviousItem)),
            ("Enter", Library, Some(Open)),
            ("ArrowLeft", Article, Some(PreviousArticle)),
            ("ArrowRight", Article, Some(NextArticle)),
            ("/", Library, Some(FocusSearch)),
            ("/", Article, Some(FocusSearch)),
            ("t", Article, Some(CycleTheme)),
            ("t", Other, Some(CycleTheme)),
            ("Escape", Article, Some(ClosePanels)),
            ("?", Library, Some(ShowHelp)),
            // Arrows scroll an article and Enter follows links there: left alone.
            ("ArrowDown", Article, None),
            ("j", Article, None),
            ("Enter", Article, None),
            ("ArrowLeft", Library, None),
            ("T", Library, None),
            ("J", Library, None),
            ("x", Library, None),
            ("", Library, None),
        ];
        for (key, context, expected) in cases {
            assert_eq!(
                action_for(&press(key), context),
                expected,
                "{key} in {context:?}"
            );
        }
    }

    #[test]
    fn modifiers_are_never_taken() {
        for shortcut in SHORTCUTS {
            for key in shortcut.keys {
                for (ctrl, alt, meta) in [
                    (true, false, false),
                    (false, true, false),
                    (false, false, true),
                ] {
                    let press = KeyPress {
                        key,
                        ctrl,
                        alt,
                        meta,
                        typing: false,
                    };
                    for context in [Context::Library, Context::Article, Context::Other] {
                        assert_eq!(
                            action_for(&press, context),
                            None,
                            "{key} {ctrl} {alt} {meta}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn typing_keeps_every_key_but_escape() {
        for shortcut in SHORTCUTS {
            for key in shortcut.keys {
                let press = KeyPress {
                    key,
                    typing: true,
                    ..KeyPress::default()
                };
                let expected = (*key == "Escape").then_some(Action::ClosePanels);
                assert_eq!(action_for(&press, Context::Library), expected, "{key}");
            }
        }
    }

    #[test]
    fn every_action_is_listed_once_and_every_key_is_shown() {
        let actions: Vec<Action> = SHORTCUTS.iter().map(|s| s.action).collect();
        for (i, action) in actions.iter().enumerate() {
            assert!(!actions[i + 1..].contains(action), "{action:?} twice");
        }
        for shortcut in SHORTCUTS {
            assert_eq!(shortcut.keys.len(), shortcut.shown_as.len());
            assert!(!shortcut.description.is_empty());
        }
        // No key means two things in one view.
        for context in [Context::Library, Context::Article, Context::Other] {
            let mut seen: Vec<&str> = Vec::new();
            for shortcut in SHORTCUTS.iter().filter(|s| s.scope.includes(context)) {
                for key in shortcut.keys {
                    assert!(!seen.contains(key), "{key} twice in {context:?}");
                    seen.push(key);
                }
            }
        }
    }
}
