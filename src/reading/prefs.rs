//! Reader preferences: theme, text size, line width, line spacing and body font.
//!
//! They are stored in `localStorage` under [`STORAGE_KEY`] as `key=value` pairs joined
//! by `;` (`theme=dark;size=4;width=wide;leading=loose;font=sans`), and shown on the page
//! as `data-*` attributes of `<html>` ([`Prefs::html_attributes`]) that the stylesheet reads.
//! `www/prefs.js` applies the stored string before the first paint with the same rules
//! (known keys, values of lower-case letters and digits), so the page never flashes
//! the wrong theme; the stylesheet ignores values it does not know.
//! Parsing accepts anything: an unknown key or a bad value keeps that field's default.

/// The `localStorage` key of the preferences; `www/prefs.js` reads the same key.
pub const STORAGE_KEY: &str = "folio.prefs";

/// Text size steps: 0 is the smallest, [`MAX_FONT_SIZE`] the largest.
pub const MAX_FONT_SIZE: u8 = 6;
/// The step the page starts at: the stylesheet's default size.
pub const DEFAULT_FONT_SIZE: u8 = 2;

/// Colour theme. `Auto` follows the system's `prefers-color-scheme`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
    Sepia,
}

/// How many characters a line of the article holds, roughly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Width {
    Narrow,
    #[default]
    Normal,
    Wide,
}

/// Line spacing of the article's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Leading {
    Tight,
    #[default]
    Normal,
    Loose,
}

/// Body font family: both are system fonts, nothing is downloaded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Font {
    #[default]
    Serif,
    Sans,
}

/// A choice of one of a few named values, written as lower-case words.
pub trait Choice: Copy + Sized + 'static {
    /// Every value, in the order the controls show them (and the theme cycles).
    const ALL: &'static [Self];
    /// The word stored and written into the `data-*` attribute.
    fn name(self) -> &'static str;
    /// What the controls panel calls it.
    fn label(self) -> &'static str;
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|choice| choice.name() == name)
    }
}

impl Choice for Theme {
    const ALL: &'static [Theme] = &[Theme::Auto, Theme::Light, Theme::Dark, Theme::Sepia];
    fn name(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Sepia => "sepia",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Theme::Auto => "Auto",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
            Theme::Sepia => "Sepia",
        }
    }
}

impl Choice for Width {
    const ALL: &'static [Width] = &[Width::Narrow, Width::Normal, Width::Wide];
    fn name(self) -> &'static str {
        match self {
            Width::Narrow => "narrow",
            Width::Normal => "normal",
            Width::Wide => "wide",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Width::Narrow => "Narrow",
            Width::Normal => "Normal",
            Width::Wide => "Wide",
        }
    }
}

impl Choice for Leading {
    const ALL: &'static [Leading] = &[Leading::Tight, Leading::Normal, Leading::Loose];
    fn name(self) -> &'static str {
        match self {
            Leading::Tight => "tight",
            Leading::Normal => "normal",
            Leading::Loose => "loose",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Leading::Tight => "Tight",
            Leading::Normal => "Normal",
            Leading::Loose => "Loose",
        }
    }
}

impl Choice for Font {
    const ALL: &'static [Font] = &[Font::Serif, Font::Sans];
    fn name(self) -> &'static str {
        match self {
            Font::Serif => "serif",
            Font::Sans => "sans",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Font::Serif => "Serif",
            Font::Sans => "Sans-serif",
        }
    }
}

/// Every reader preference. The default is what a first visit sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefs {
    pub theme: Theme,
    /// 0..=[`MAX_FONT_SIZE`].
    pub font_size: u8,
    pub width: Width,
    pub leading: Leading,
    pub font: Font,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            theme: Theme::Auto,
            font_size: DEFAULT_FONT_SIZE,
            width: Width::Normal,
            leading: Leading::Normal,
            font: Font::Serif,
        }
    }
}

/// The stored keys, which are also the names of the controls' form fields.
pub const FIELDS: [&str; 5] = ["theme", "size", "width", "leading", "font"];

impl Prefs {
    /// Preferences from their stored form; whatever is missing or not understood keeps its default.
    pub fn parse(stored: &str) -> Prefs {
        let mut prefs = Prefs::default();
        for pair in stored.split(';') {
            if let Some((key, value)) = pair.split_once('=') {
                prefs.set(key.trim(), value.trim());
            }
        }
        prefs
    }

    /// The stored form: every field, in [`FIELDS`] order.
    pub fn serialise(&self) -> String {
        let mut out = String::with_capacity(64);
        for (i, (key, value)) in self.pairs().iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(key);
            out.push('=');
            out.push_str(value);
        }
        out
    }

    /// Sets one field from its stored key and value (the controls' form field name and
    /// value). Returns false, changing nothing, when the key or the value is unknown.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        match key {
            "theme" => Theme::from_name(value).map(|v| self.theme = v).is_some(),
            "size" => match value.parse::<u8>() {
                Ok(size) if size <= MAX_FONT_SIZE && value.len() == 1 => {
                    self.font_size = size;
                    true
                }
                _ => false,
            },
            "width" => Width::from_name(value).map(|v| self.width = v).is_some(),
            "leading" => Leading::from_name(value)
                .map(|v| self.leading = v)
                .is_some(),
            "font" => Font::from_name(value).map(|v| self.font = v).is_some(),
            _ => false,
        }
    }

    /// The next theme in [`Theme::ALL`] order, wrapping round: what `t` does.
    pub fn cycle_theme(&mut self) -> Theme {
        let all = Theme::ALL;
        let here = all.iter().position(|&t| t == self.theme).unwrap_or(0);
        self.theme = all.get(here + 1).copied().unwrap_or(Theme::Auto);
        self.theme
    }

    /// Moves the text size by `steps`, staying within 0..=[`MAX_FONT_SIZE`].
    pub fn step_font_size(&mut self, steps: i32) -> u8 {
        let size = (i32::from(self.font_size) + steps).clamp(0, i32::from(MAX_FONT_SIZE));
        self.font_size = u8::try_from(size).unwrap_or(DEFAULT_FONT_SIZE);
        self.font_size
    }

    /// `(stored key, value)` of every field.
    pub fn pairs(&self) -> [(&'static str, &'static str); 5] {
        [
            ("theme", self.theme.name()),
            (
                "size",
                SIZE_NAMES
                    .get(usize::from(self.font_size))
                    .copied()
                    .unwrap_or("2"),
            ),
            ("width", self.width.name()),
            ("leading", self.leading.name()),
            ("font", self.font.name()),
        ]
    }

    /// The attributes of `<html>` that show these preferences: `data-theme`,
    /// `data-size`, `data-width`, `data-leading`, `data-font`.
    pub fn html_attributes(&self) -> [(&'static str, &'static str); 5] {
        let pairs = self.pairs();
        pairs.map(|(key, value)| (attribute_name(key), value))
    }
}

const SIZE_NAMES: [&str; 7] = ["0", "1", "2", "3", "4", "5", "6"];

/// `data-<key>` for a stored key.
fn attribute_name(key: &str) -> &'static str {
    match key {
        "theme" => "data-theme",
        "size" => "data-size",
        "width" => "data-width",
        "leading" => "data-leading",
        _ => "data-font",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_preferences_round_trip() {
        let prefs = Prefs {
            theme: Theme::Sepia,
            font_size: 5,
            width: Width::Wide,
            leading: Leading::Loose,
            font: Font::Sans,
        };
        let stored = prefs.serialise();
        assert_eq!(
            stored,
            "theme=sepia;size=5;width=wide;leading=loose;font=sans"
        );
        assert_eq!(Prefs::parse(&stored), prefs);
        assert_eq!(
            Prefs::parse(&Prefs::default().serialise()),
            Prefs::default()
        );
    }

    #[test]
    fn anything_not_understood_keeps_the_default() {
        let cases = [
            ("", Prefs::default()),
            ("garbage", Prefs::default()),
            ("theme=purple;size=99;width=;font=comic", Prefs::default()),
            ("size=-1;size=7;size=02;size=+3", Prefs::default()),
            ("theme=DARK", Prefs::default()),
            ("theme=dark\" onload=x", Prefs::default()),
            ("{\"theme\":\"dark\"}", Prefs::default()),
        ];
        for (stored, expected) in cases {
            assert_eq!(Prefs::parse(stored), expected, "{stored:?}");
        }
        let partial = Prefs::parse(" theme = dark ;; nonsense=1;size=0;width=huge");
        assert_eq!(partial.theme, Theme::Dark);
        assert_eq!(partial.font_size, 0);
        assert_eq!(partial.width, Width::Normal);
    }

    #[test]
    fn the_theme_cycles_through_every_theme() {
        let mut prefs = Prefs::default();
        let seen: Vec<Theme> = (0..5).map(|_| prefs.cycle_theme()).collect();
        assert_eq!(
            seen,
            [
                Theme::Light,
                Theme::Dark,
                Theme::Sepia,
                Theme::Auto,
                Theme::Light
            ]
        );
    }

    #[test]
    fn text_size_stays_within_its_steps() {
        let mut prefs = Prefs::default();
        assert_eq!(prefs.step_font_size(1), 3);
        assert_eq!(prefs.step_font_size(100), MAX_FONT_SIZE);
        assert_eq!(prefs.step_font_size(-1), MAX_FONT_SIZE - 1);
        assert_eq!(prefs.step_font_size(i32::MIN), 0);
        assert_eq!(prefs.step_font_size(-1), 0);
        assert!(usize::from(MAX_FONT_SIZE) + 1 >= 5, "at least five steps");
    }

    #[test]
    fn attributes_use_only_safe_words() {
        let mut prefs = Prefs::default();
        prefs.set("theme", "dark");
        let attributes = prefs.html_attributes();
        assert_eq!(attributes[0], ("data-theme", "dark"));
        assert_eq!(attributes[1], ("data-size", "2"));
        for size in 0..=MAX_FONT_SIZE {
            prefs.font_size = size;
            for (name, value) in prefs.html_attributes() {
                assert!(name.starts_with("data-"));
                // The rule www/prefs.js applies to stored values.
                assert!(value
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
            }
        }
    }

    #[test]
    fn setting_a_field_reports_whether_it_was_understood() {
        let mut prefs = Prefs::default();
        assert!(prefs.set("font", "sans"));
        assert!(!prefs.set("font", "papyrus"));
        assert!(!prefs.set("colour", "red"));
        assert_eq!(prefs.font, Font::Sans);
        for key in FIELDS {
            assert!(prefs.pairs().iter().any(|(k, _)| *k == key));
        }
    }
}
