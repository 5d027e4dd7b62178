//! A synthetic corpus for benchmarks and load tests: `cargo xtask gen-corpus N DIR`.
//!
//! [`generate_corpus`] writes N articles that look like the real ones: about 70 %
//! Markdown with YAML front matter (headings, lists, code, links, images, tables),
//! 25 % plain-text news in the format of `articles/000_f2e18ad958418c56.txt`, and
//! 5 % Chinese or Japanese. Lengths are log-normal (200 to 5,000 words, a few longer),
//! and words are drawn with Zipf-like frequencies from common English words, news
//! vocabulary, some accented words and a few thousand made-up words, so term
//! statistics resemble real text. Files go into one folder per year.
//!
//! Output depends only on `count` and `seed` (own PRNG, no `rand`), so benchmarks are repeatable.
//! Standard library only: the xtask crate has no dependencies.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// Writes `count` articles generated from `seed` into `dir` (created if needed).
pub fn generate_corpus(count: usize, seed: u64, dir: &Path) -> io::Result<()> {
    let vocabulary = Vocabulary::new();
    let mut rng = Rng::new(seed);
    for index in 0..count {
        let article = generate_article(index, &vocabulary, &mut rng);
        let folder = dir.join(article.year.to_string());
        fs::create_dir_all(&folder)?;
        fs::write(folder.join(&article.file_name), article.text)?;
    }
    Ok(())
}

/// splitmix64: tiny, fast and good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `low..=high`.
    fn range(&mut self, low: usize, high: usize) -> usize {
        low + (self.next_u64() % (high - low + 1) as u64) as usize
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        let picked: &&'static str = self.pick(items);
        picked
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// A rank in `0..n` with probability about proportional to 1 / (rank + 1) (Zipf, exponent 1).
    fn zipf(&mut self, n: usize) -> usize {
        let rank = (n as f64).powf(self.unit()) as usize;
        rank.saturating_sub(1).min(n - 1)
    }
}

#[rustfmt::skip]
const COMMON: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "was", "with", "on",
    "be", "by", "he", "at", "this", "are", "from", "or", "have", "an", "they", "which", "one",
    "you", "were", "her", "all", "she", "there", "would", "their", "we", "him", "been", "has",
    "when", "who", "will", "more", "no", "if", "out", "so", "said", "what", "up", "its", "about",
    "into", "than", "them", "can", "only", "other", "new", "some", "could", "time", "these", "two",
    "may", "then", "do", "first", "any", "my", "now", "such", "like", "our", "over", "man", "me",
    "even", "most", "made", "after", "also", "did", "many", "before", "must", "through", "back",
    "years", "where", "much", "your", "way", "well", "down", "should", "because", "each", "just",
    "those", "people", "how", "too", "little", "state", "good", "very", "make", "world", "still",
    "own", "see", "men", "work", "long", "get", "here", "between", "both", "life", "being",
    "under", "never", "day", "same", "another", "know", "while", "last", "might", "us", "great",
    "old", "year", "off", "come", "since", "against", "go", "came", "right", "used", "take",
    "three", "don't", "it's", "isn't", "we're", "can't", "week", "month", "city", "country",
    "government", "public", "report", "plan", "group", "number", "system", "company", "market",
    "data", "water", "energy", "school", "health", "police", "court", "law", "policy", "power",
    "war", "peace", "trade", "price", "money", "service", "support", "program", "research",
    "university", "study", "science", "team", "season", "game", "player", "coach", "film", "music",
    "book", "art", "history", "family",
];

#[rustfmt::skip]
const NEWS: &[&str] = &[
    "minister", "president", "election", "parliament", "economy", "inflation", "strategic",
    "partnership", "cooperation", "relations", "sanctions", "negotiations", "agreement",
    "security", "climate", "emissions", "renewable", "infrastructure", "investment", "budget",
    "spokesperson", "officials", "diplomatic", "summit", "conference", "regional", "border",
    "refugees", "humanitarian", "crisis", "conflict", "ceasefire", "protest", "opposition",
    "coalition", "referendum", "constitution", "tribunal", "investigation", "corruption",
    "technology", "software", "semiconductor", "artificial", "intelligence", "startup", "vaccine",
    "pandemic", "hospital", "researchers", "scientists", "telescope", "satellite", "launch",
    "mission", "orbit", "drought", "flooding", "wildfire", "harvest", "exports", "imports",
    "tariffs", "currency", "unemployment", "pensions", "housing", "transport", "railway",
    "airport", "pipeline", "shipping", "tourism", "festival", "exhibition", "championship",
    "tournament", "olympic", "stadium", "striker", "goalkeeper", "transfer", "COVID-19", "e-mail",
    "well-known", "long-term", "state-owned", "so-called", "high-speed",
];

#[rustfmt::skip]
const ACCENTED: &[&str] = &[
    "café", "naïve", "résumé", "déjà", "façade", "São", "Zürich", "Málaga", "Kraków", "Łódź",
    "Ærø", "Öresund", "Šibenik", "Curaçao", "Bogotá", "Mérida", "l'été", "d'Artagnan",
    "état-major", "coup d'état", "piñata", "jalapeño", "Straße", "Gödel", "Dvořák", "Tōkyō",
];

#[rustfmt::skip]
const SYLLABLES: &[&str] = &[
    "ka", "to", "ri", "sen", "mor", "vel", "an", "dra", "lin", "quo", "pe", "tas", "bru", "nik",
    "ol", "zar", "fen", "mi", "do", "gal", "tur", "ves", "cor", "ley", "bi", "sha", "pol", "un",
    "ex", "tra", "mon", "ce", "gra", "nu", "ho", "sto", "ber", "lum", "qui", "dex",
];

#[rustfmt::skip]
const PUBLICATIONS: &[&str] = &[
    "RT EN", "Reuters", "The Guardian", "Le Monde", "Xinhua", "NHK World", "Der Spiegel",
    "BBC News", "Al Jazeera", "The Hindu", "El País", "Associated Press", "Nikkei Asia",
    "Deutsche Welle", "The Local", "Ars Technica",
];

#[rustfmt::skip]
const AUTHORS: &[&str] = &[
    "Anna Schmidt", "José Álvarez", "Zoë Müller", "Li Wei", "Sarah O'Connor", "Tom Baker",
    "Priya Natarajan", "Jean-Luc Moreau", "Mei Tanaka", "Kwame Mensah", "Olga Ivanova",
    "Lars Østergaard", "Fatima Zahra", "Carlos Gómez", "Emily Chen", "Noah Fischer",
    "Ingrid Solberg", "Hiroshi Sato", "Amara Okafor", "Lucía Fernández",
];

#[rustfmt::skip]
const TAGS: &[&str] = &[
    "politics", "economy", "science", "technology", "health", "climate", "sport", "culture",
    "travel", "europe", "asia", "africa", "americas", "diplomacy", "energy", "space", "film",
    "music", "books", "food", "education", "security", "trade", "transport", "history", "data",
    "open-source", "rust", "webassembly", "long-read",
];

#[rustfmt::skip]
const CHINESE: &[&str] = &[
    "北京", "中国", "经济", "发展", "合作", "政府", "国际", "关系", "市场", "科技", "文化", "教育", "城市", "人民", "社会", "环境",
    "能源", "公司", "银行", "政策", "会议", "外交部", "战略", "伙伴", "记者", "报道", "表示", "认为", "今年", "世界", "问题",
    "安全", "贸易", "投资", "增长", "数据", "研究", "大学", "医院", "健康", "欢迎", "你", "我们", "他们", "新", "的", "是",
    "在", "和", "了", "有", "这", "将", "对", "与", "上海", "广州", "铁路",
];

#[rustfmt::skip]
const JAPANESE: &[&str] = &[
    "東京", "日本", "政府", "経済", "発表", "会社", "技術", "学校", "世界", "今日", "ニュース", "コンピューター", "データ", "サービス",
    "大学", "研究", "開発", "市場", "は", "が", "を", "に", "の", "で", "と", "します", "しました", "です", "ました", "新しい",
    "大きな", "人々", "大阪", "京都", "電車", "天気", "地震", "選挙", "首相", "会議",
];

#[rustfmt::skip]
const MONTHS: &[&str] = &[
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
];

#[rustfmt::skip]
const WEEKDAYS: &[&str] = &[
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
];

/// The English-like words, most frequent first.
struct Vocabulary {
    words: Vec<String>,
}

impl Vocabulary {
    fn new() -> Vocabulary {
        let mut words: Vec<String> = COMMON.iter().map(|w| w.to_string()).collect();
        // News words and made-up words interleave so the tail mixes both.
        let mut rng = Rng::new(0x5EED);
        let mut invented = std::collections::BTreeSet::new();
        while invented.len() < 3_000 {
            let syllables = rng.range(2, 4);
            let word: String = (0..syllables).map(|_| *rng.pick(SYLLABLES)).collect();
            invented.insert(word);
        }
        let mut invented: Vec<String> = invented.into_iter().collect();
        // Shuffle so alphabetical order does not decide frequency.
        for i in (1..invented.len()).rev() {
            let j = rng.range(0, i);
            invented.swap(i, j);
        }
        let mut news = NEWS.iter().chain(ACCENTED.iter());
        for (i, word) in invented.into_iter().enumerate() {
            if i % 12 == 0 {
                if let Some(real) = news.next() {
                    words.push(real.to_string());
                }
            }
            words.push(word);
        }
        words.extend(news.map(|w| w.to_string()));
        Vocabulary { words }
    }

    fn word(&self, rng: &mut Rng) -> &str {
        &self.words[rng.zipf(self.words.len())]
    }

    /// A topical word: skips the most common words.
    fn topic_word(&self, rng: &mut Rng) -> &str {
        let offset = COMMON.len();
        &self.words[offset + rng.zipf(self.words.len() - offset)]
    }
}

struct Generated {
    year: i32,
    file_name: String,
    text: String,
}

#[derive(Clone, Copy)]
struct Date {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
}

impl Date {
    fn random(rng: &mut Rng) -> Date {
        Date {
            year: 2014 + rng.range(0, 11) as i32,
            month: rng.range(1, 12) as u32,
            day: rng.range(1, 28) as u32,
            hour: rng.range(0, 23) as u32,
            minute: rng.range(0, 59) as u32,
        }
    }

    fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// 0 for Monday (days from civil, Howard Hinnant's algorithm).
    fn weekday(&self) -> usize {
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        } as i64;
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        // 1970-01-01 was a Thursday.
        (days + 3).rem_euclid(7) as usize
    }

    /// The dateline in one of the forms scrapers produce.
    fn dateline(&self, rng: &mut Rng) -> String {
        let month = MONTHS[(self.month - 1) as usize];
        let (hour12, meridiem) = match self.hour {
            0 => (12, "am"),
            h if h < 12 => (h, "am"),
            12 => (12, "pm"),
            h => (h - 12, "pm"),
        };
        match rng.range(0, 5) {
            0 => format!(
                "{} {} {} {:02}:{:02} {}",
                self.day,
                month[..3].to_lowercase(),
                self.year,
                hour12,
                self.minute,
                meridiem
            ),
            1 => format!(
                "{} {}, {} {}:{:02} {}",
                month,
                self.day,
                self.year,
                hour12,
                self.minute,
                meridiem.to_uppercase()
            ),
            2 => format!("{} {:02}:{:02}", self.iso(), self.hour, self.minute),
            3 => format!("{:02}.{:02}.{}", self.day, self.month, self.year),
            4 => format!(
                "{} {} {} {}",
                WEEKDAYS[self.weekday()],
                self.day,
                month,
                self.year
            ),
            _ => format!(
                "{}T{:02}:{:02}:00+01:00",
                self.iso(),
                self.hour,
                self.minute
            ),
        }
    }
}

fn generate_article(index: usize, vocabulary: &Vocabulary, rng: &mut Rng) -> Generated {
    let date = Date::random(rng);
    let roll = rng.unit();
    let (file_name, text) = if roll < 0.05 {
        cjk_article(index, date, rng)
    } else if roll < 0.30 {
        news_article(index, date, vocabulary, rng)
    } else {
        markdown_article(index, date, vocabulary, rng)
    };
    Generated {
        year: date.year,
        file_name,
        text,
    }
}

/// Words in the article body: log-normal around 600, clamped to 200–5,000, 1 % up to three times longer.
fn body_length(rng: &mut Rng) -> usize {
    let words = (6.4 + 0.7 * rng.normal()).exp().clamp(200.0, 5_000.0) as usize;
    if rng.chance(0.01) {
        words * rng.range(2, 3)
    } else {
        words
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn title(vocabulary: &Vocabulary, rng: &mut Rng) -> String {
    let count = rng.range(4, 9);
    let words: Vec<String> = (0..count)
        .map(|i| {
            let word = if i % 2 == 0 {
                vocabulary.topic_word(rng)
            } else {
                vocabulary.word(rng)
            };
            if i == 0 {
                capitalize(word)
            } else {
                word.to_string()
            }
        })
        .collect();
    words.join(" ")
}

/// A sentence of 6–22 words, sometimes with a comma, ending with a full stop.
fn sentence(vocabulary: &Vocabulary, rng: &mut Rng) -> String {
    let count = rng.range(6, 22);
    let mut out = String::new();
    for i in 0..count {
        let word = vocabulary.word(rng);
        if i == 0 {
            out.push_str(&capitalize(word));
        } else {
            out.push(' ');
            out.push_str(word);
            if i + 2 < count && rng.chance(0.06) {
                out.push(',');
            }
        }
    }
    out.push('.');
    out
}

/// Paragraphs totalling about `words` words.
fn paragraphs(words: usize, vocabulary: &Vocabulary, rng: &mut Rng) -> Vec<String> {
    let mut out = Vec::new();
    let mut written = 0;
    while written < words {
        let mut paragraph = String::new();
        for _ in 0..rng.range(2, 6) {
            let s = sentence(vocabulary, rng);
            written += s.split_whitespace().count();
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(&s);
        }
        out.push(paragraph);
    }
    out
}

fn yaml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn front_matter(
    title: &str,
    date: Date,
    lang: Option<&str>,
    vocabulary: &Vocabulary,
    rng: &mut Rng,
) -> String {
    let mut out = String::from("---\n");
    let _ = writeln!(out, "title: {}", yaml_string(title));
    if rng.chance(0.5) {
        let _ = writeln!(out, "date: {}", date.iso());
    } else {
        let _ = writeln!(
            out,
            "date: {}T{:02}:{:02}:00Z",
            date.iso(),
            date.hour,
            date.minute
        );
    }
    match rng.range(0, 3) {
        0 => {}
        1 => {
            let _ = writeln!(out, "author: {}", yaml_string(rng.pick_str(AUTHORS)));
        }
        _ => {
            out.push_str("authors:\n");
            for _ in 0..rng.range(1, 3) {
                let _ = writeln!(out, "  - {}", yaml_string(rng.pick_str(AUTHORS)));
            }
        }
    }
    if rng.chance(0.85) {
        let _ = writeln!(out, "source: {}", yaml_string(rng.pick_str(PUBLICATIONS)));
    }
    let tags: Vec<&str> = (0..rng.range(0, 4)).map(|_| *rng.pick(TAGS)).collect();
    if !tags.is_empty() {
        let _ = writeln!(out, "tags: [{}]", tags.join(", "));
    }
    if rng.chance(0.3) {
        let _ = writeln!(out, "summary: {}", yaml_string(&sentence(vocabulary, rng)));
    }
    if let Some(lang) = lang {
        let _ = writeln!(out, "lang: {lang}");
    }
    if rng.chance(0.01) {
        out.push_str("draft: true\n");
    }
    out.push_str("---\n\n");
    out
}

fn markdown_article(
    index: usize,
    date: Date,
    vocabulary: &Vocabulary,
    rng: &mut Rng,
) -> (String, String) {
    let title = title(vocabulary, rng);
    let mut text = front_matter(&title, date, None, vocabulary, rng);
    let with_headings = rng.chance(0.6);
    for (i, paragraph) in paragraphs(body_length(rng), vocabulary, rng)
        .into_iter()
        .enumerate()
    {
        if with_headings && i > 0 && i % 4 == 0 {
            let level = if rng.chance(0.8) { "##" } else { "###" };
            let _ = writeln!(text, "{level} {}\n", title_case_words(vocabulary, rng));
        }
        let block = rng.unit();
        if block < 0.04 {
            for _ in 0..rng.range(2, 5) {
                let _ = writeln!(text, "- {}", sentence(vocabulary, rng));
            }
            text.push('\n');
        } else if block < 0.06 {
            let _ = writeln!(
                text,
                "```rust\nfn {}() -> u32 {{\n    {}\n}}\n```\n",
                vocabulary.topic_word(rng).replace(['-', '\''], "_"),
                rng.range(1, 999)
            );
        } else if block < 0.08 {
            let _ = writeln!(
                text,
                "| {} | {} |\n|---|---|\n| {} | {} |\n",
                vocabulary.topic_word(rng),
                vocabulary.topic_word(rng),
                rng.range(1, 100),
                rng.range(1, 100)
            );
        } else if block < 0.10 {
            let _ = writeln!(
                text,
                "![{}](https://example.org/images/{index}-{}.jpg)\n",
                sentence(vocabulary, rng).trim_end_matches('.'),
                rng.range(1, 9)
            );
        }
        // Links and emphasis inside the paragraph.
        let mut words: Vec<String> = paragraph.split(' ').map(str::to_string).collect();
        if words.len() > 6 && rng.chance(0.3) {
            let at = rng.range(1, words.len() - 2);
            words[at] = format!("[{}](https://example.org/{index}/{at})", words[at]);
        }
        if words.len() > 6 && rng.chance(0.2) {
            let at = rng.range(1, words.len() - 2);
            words[at] = format!("**{}**", words[at]);
        }
        text.push_str(&words.join(" "));
        text.push_str("\n\n");
    }
    let slug_words: Vec<String> = title
        .split_whitespace()
        .take(4)
        .map(|w| w.to_lowercase().replace(['\'', '’'], ""))
        .collect();
    let file_name = format!("{}-{}-{index:05}.md", date.iso(), slug_words.join("-"));
    (file_name, text)
}

fn title_case_words(vocabulary: &Vocabulary, rng: &mut Rng) -> String {
    let words: Vec<String> = (0..rng.range(2, 5))
        .map(|_| capitalize(vocabulary.topic_word(rng)))
        .collect();
    words.join(" ")
}

fn news_article(
    index: usize,
    date: Date,
    vocabulary: &Vocabulary,
    rng: &mut Rng,
) -> (String, String) {
    let separator = *rng.pick(&[" — ", " — ", " – ", " - ", " | "]);
    let mut text = format!(
        "{}{}{}\n\n{}\n\n",
        title(vocabulary, rng),
        separator,
        rng.pick(PUBLICATIONS),
        date.dateline(rng)
    );
    let body = paragraphs(body_length(rng), vocabulary, rng);
    let quote_at = rng.range(1, body.len().max(2) - 1);
    let read_more_at = rng.range(1, body.len().max(2) - 1);
    for (i, paragraph) in body.iter().enumerate() {
        text.push_str(paragraph);
        text.push_str("\n\n");
        if i == quote_at {
            let _ = write!(text, "“{}”\n\n", sentence(vocabulary, rng));
        }
        if i == read_more_at && rng.chance(0.6) {
            let _ = write!(text, "Read more: {}\n\n", title(vocabulary, rng));
        }
    }
    if rng.chance(0.5) {
        let _ = write!(text, "More on the subject – {}\n\n", title(vocabulary, rng));
    }
    text.push_str("Source link\n");
    let file_name = format!("{index:05}_{:016x}.txt", rng.next_u64());
    (file_name, text)
}

fn cjk_article(index: usize, date: Date, rng: &mut Rng) -> (String, String) {
    let (words, lang, full_stop) = if rng.chance(0.6) {
        (CHINESE, "zh", "。")
    } else {
        (JAPANESE, "ja", "。")
    };
    let cjk_sentence = |rng: &mut Rng| -> String {
        let mut out = String::new();
        for i in 0..rng.range(6, 18) {
            if i > 0 && rng.chance(0.1) {
                out.push('，');
            }
            out.push_str(words[rng.zipf(words.len())]);
        }
        out.push_str(full_stop);
        out
    };
    let title: String = (0..rng.range(3, 6))
        .map(|_| *rng.pick(words))
        .collect::<Vec<_>>()
        .concat();
    let mut text = String::from("---\n");
    let _ = writeln!(text, "title: {}", yaml_string(&title));
    let _ = writeln!(text, "date: {}", date.iso());
    let _ = writeln!(text, "source: {}", yaml_string(rng.pick_str(PUBLICATIONS)));
    let _ = writeln!(text, "tags: [asia, {}]", rng.pick(TAGS));
    let _ = writeln!(text, "lang: {lang}\n---\n");
    // CJK text is counted in characters: about two per English word.
    let characters = body_length(rng) * 2;
    let mut written = 0;
    while written < characters {
        let mut paragraph = String::new();
        for _ in 0..rng.range(2, 5) {
            paragraph.push_str(&cjk_sentence(rng));
        }
        written += paragraph.chars().count();
        text.push_str(&paragraph);
        text.push_str("\n\n");
    }
    (format!("{}-{lang}-{index:05}.md", date.iso()), text)
}
