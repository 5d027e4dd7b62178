//! The markup of the reader's own controls: the reading-settings panel, the keyboard
//! help overlay and the offer to continue reading.
//!
//! None of it carries article text, only fixed words and numbers, so these strings
//! may be set as `innerHTML`. The settings are plain form controls (radio buttons
//! grouped in fieldsets, two buttons for the size), so they work with a keyboard, a
//! screen reader and touch without any script of their own; the web layer listens for
//! `change` and `click` on the panel and writes the preferences.
//! `suffix` makes the ids unique when a page holds several viewers.

use super::keys::SHORTCUTS;
use super::prefs::{Choice, Prefs, Theme, MAX_FONT_SIZE};
use crate::render::escape::push_escaped;

/// The settings button and its panel (closed).
pub fn settings_html(prefs: &Prefs, suffix: u32) -> String {
    let mut out = String::with_capacity(2048);
    out.push_str(
        "<button type=\"button\" class=\"reader-toggle\" aria-expanded=\"false\" aria-controls=\"folio-settings-",
    );
    push_number(&mut out, suffix);
    out.push_str(
        "\"><span aria-hidden=\"true\" class=\"reader-toggle-mark\">Aa</span> Reading settings</button>\
         <form class=\"reader-panel\" hidden id=\"folio-settings-",
    );
    push_number(&mut out, suffix);
    out.push_str("\" aria-label=\"Reading settings\">");
    push_radio_group(&mut out, "Theme", "theme", prefs.theme);
    out.push_str(
        "<fieldset class=\"reader-size\"><legend>Text size</legend>\
         <button type=\"button\" data-size-step=\"-1\"><span aria-hidden=\"true\">A−</span><span class=\"visually-hidden\">Smaller text</span></button>\
         <output class=\"reader-size-value\" aria-live=\"polite\">",
    );
    out.push_str(&size_words(prefs.font_size));
    out.push_str(
        "</output><button type=\"button\" data-size-step=\"1\"><span aria-hidden=\"true\">A+</span><span class=\"visually-hidden\">Larger text</span></button></fieldset>",
    );
    push_radio_group(&mut out, "Line width", "width", prefs.width);
    push_radio_group(&mut out, "Line spacing", "leading", prefs.leading);
    push_radio_group(&mut out, "Font", "font", prefs.font);
    out.push_str(
        "<p class=\"reader-help\"><button type=\"button\" class=\"reader-help-button\">Keyboard shortcuts</button> \
         <kbd>?</kbd></p></form>",
    );
    out
}

/// What the size control says: `3 of 7`.
pub fn size_words(font_size: u8) -> String {
    let mut out = String::with_capacity(8);
    push_number(&mut out, u32::from(font_size.min(MAX_FONT_SIZE)) + 1);
    out.push_str(" of ");
    push_number(&mut out, u32::from(MAX_FONT_SIZE) + 1);
    out
}

/// Appends `number` in decimal digits.
/// Written out rather than through `to_string` or `format!`: the reader's HTML is built
/// on every article open, and `core::fmt` costs wasm size at each call site.
pub fn push_number(out: &mut String, number: u32) {
    // The largest power of ten not above `number` (1 for 0 to 9).
    let mut divisor = 1u32;
    while number / divisor >= 10 {
        divisor *= 10;
    }
    while divisor > 0 {
        // A digit is below 10, so the cast cannot truncate.
        let digit = (number / divisor % 10) as u8;
        out.push(char::from(b'0' + digit));
        divisor /= 10;
    }
}

fn push_radio_group<C: Choice + PartialEq>(out: &mut String, legend: &str, name: &str, current: C) {
    out.push_str("<fieldset class=\"reader-choice\"><legend>");
    out.push_str(legend);
    out.push_str("</legend>");
    for &choice in C::ALL {
        out.push_str("<label><input type=\"radio\" name=\"");
        out.push_str(name);
        out.push_str("\" value=\"");
        out.push_str(choice.name());
        out.push('"');
        if choice == current {
            out.push_str(" checked");
        }
        out.push('>');
        out.push_str(choice.label());
        out.push_str("</label>");
    }
    out.push_str("</fieldset>");
}

/// The keyboard help overlay: a `<dialog>` listing every shortcut of [`SHORTCUTS`].
pub fn help_html(suffix: u32) -> String {
    let mut out = String::with_capacity(2048);
    out.push_str("<dialog class=\"help-dialog\" aria-labelledby=\"folio-help-title-");
    push_number(&mut out, suffix);
    out.push_str("\"><h2 id=\"folio-help-title-");
    push_number(&mut out, suffix);
    out.push_str(
        "\">Keyboard shortcuts</h2><table class=\"help-table\"><thead><tr>\
         <th scope=\"col\">Keys</th><th scope=\"col\">Does</th><th scope=\"col\">Where</th>\
         </tr></thead><tbody>",
    );
    for shortcut in SHORTCUTS {
        out.push_str("<tr><td>");
        for (i, key) in shortcut.shown_as.iter().enumerate() {
            if i > 0 {
                out.push_str(" or ");
            }
            out.push_str("<kbd>");
            push_escaped(&mut out, key);
            out.push_str("</kbd>");
        }
        out.push_str("</td><td>");
        push_escaped(&mut out, shortcut.description);
        out.push_str("</td><td>");
        out.push_str(shortcut.scope.label());
        out.push_str("</td></tr>");
    }
    out.push_str(
        "</tbody></table><p class=\"help-note\">Shortcuts do nothing while you type in a field, \
         or with Ctrl, Alt or ⌘ held.</p>\
         <p class=\"help-actions\"><button type=\"button\" class=\"help-close\">Close</button></p></dialog>",
    );
    out
}

/// The offer to continue an article where the reader left off.
pub fn resume_html(percent: u32) -> String {
    let mut out = String::with_capacity(160);
    out.push_str(
        "<p class=\"resume\"><button type=\"button\" class=\"resume-button\">Continue where you left off \
         <span class=\"resume-percent\">(",
    );
    push_number(&mut out, percent);
    out.push_str("%)</span></button></p>");
    out
}

/// What the page announces (politely) when the theme changes.
pub fn theme_announcement(theme: Theme) -> String {
    match theme {
        Theme::Auto => "Theme: auto (follows your system)".to_string(),
        // The name is the label in lower case, without a Unicode case table.
        other => {
            let mut announcement = String::from("Theme: ");
            announcement.push_str(other.name());
            announcement
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reading::prefs::FIELDS;

    #[test]
    fn numbers_are_written_in_decimal() {
        for number in [0, 7, 10, 42, 100, 999, 1_000_000, u32::MAX] {
            let mut out = String::from("n=");
            push_number(&mut out, number);
            assert_eq!(out, format!("n={number}"));
        }
    }

    #[test]
    fn the_panel_shows_every_field_with_the_current_choice_checked() {
        let prefs = Prefs::parse("theme=sepia;size=4;width=wide;leading=tight;font=sans");
        let html = settings_html(&prefs, 7);
        for (key, value) in prefs.pairs() {
            if key == "size" {
                continue;
            }
            let checked = format!("name=\"{key}\" value=\"{value}\" checked>");
            assert!(html.contains(&checked), "{checked} in {html}");
        }
        for key in FIELDS.iter().filter(|&&k| k != "size") {
            assert!(html.contains(&format!("name=\"{key}\"")), "{key}");
        }
        assert_eq!(html.matches(" checked").count(), 4);
        assert!(html.contains("5 of 7"));
        assert!(html.contains("aria-controls=\"folio-settings-7\""));
        assert!(html.contains("id=\"folio-settings-7\""));
    }

    #[test]
    fn the_help_lists_every_shortcut() {
        let html = help_html(1);
        for shortcut in SHORTCUTS {
            assert!(
                html.contains(shortcut.description),
                "{}",
                shortcut.description
            );
            for key in shortcut.shown_as {
                assert!(html.contains(&format!("<kbd>{key}</kbd>")), "{key}");
            }
        }
        assert!(!html.contains("<h1"), "one h1 per view: the help has an h2");
    }

    #[test]
    fn words_for_sizes_and_themes() {
        assert_eq!(size_words(0), "1 of 7");
        assert_eq!(size_words(200), "7 of 7");
        assert_eq!(theme_announcement(Theme::Dark), "Theme: dark");
        assert!(resume_html(42).contains("(42%)"));
    }
}
