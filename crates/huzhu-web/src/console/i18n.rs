//! Chinese first, English second: the console's language, and dates and amounts as each
//! language writes them (`2022年3月2日`, `¥12,345.67`).
//!
//! Text is written where it is shown, both languages side by side (`c.t("会员", "Members")`),
//! so a page cannot lose its translation and a reader of the template sees both.

use axum::http::header::COOKIE;
use axum::http::HeaderMap;
use chrono::{Datelike, NaiveDate};

/// The cookie holding the chosen language.
pub const LANG_COOKIE: &str = "huzhu_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The `lang` attribute of the page.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(raw: &str) -> Option<Lang> {
        match raw {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a request asks for: the cookie, else Chinese.
    pub fn of(headers: &HeaderMap) -> Lang {
        cookie(headers, LANG_COOKIE)
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default()
    }

    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// `2022年3月2日`, or `2 Mar 2022`.
    pub fn date(self, d: NaiveDate) -> String {
        match self {
            Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            Lang::En => d.format("%-d %b %Y").to_string(),
        }
    }

    /// `2022年3月`, or `Mar 2022`, of a `YYYY-MM` month.
    pub fn month(self, ym: &str) -> String {
        let parsed = ym
            .split_once('-')
            .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)));
        match (self, parsed) {
            (Lang::Zh, Some((y, m))) => format!("{y}年{m}月"),
            (Lang::En, Some((y, m))) => NaiveDate::from_ymd_opt(y, m, 1)
                .map(|d| d.format("%b %Y").to_string())
                .unwrap_or_else(|| ym.to_string()),
            (_, None) => ym.to_string(),
        }
    }
}

/// `¥12,345.67` of an amount in fen; negative amounts as `-¥12.00`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let (whole, cents) = (abs / 100, abs % 100);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}¥{grouped}.{cents:02}")
}

/// `12,345` — a count with thousands separators.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The value of a cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, v)| *n == name && !v.is_empty())
        .map(|(_, v)| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_as_yuan_with_thousands_separators() {
        assert_eq!(yuan(1_234_567), "¥12,345.67");
        assert_eq!(yuan(5), "¥0.05");
        assert_eq!(yuan(100_000_000), "¥1,000,000.00");
        assert_eq!(yuan(-1200), "-¥12.00");
        assert_eq!(count(3_000_000), "3,000,000");
        assert_eq!(count(999), "999");
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let d = NaiveDate::from_ymd_opt(2022, 3, 2).unwrap_or_default();
        assert_eq!(Lang::Zh.date(d), "2022年3月2日");
        assert_eq!(Lang::En.date(d), "2 Mar 2022");
        assert_eq!(Lang::Zh.month("2022-11"), "2022年11月");
        assert_eq!(Lang::En.month("2022-11"), "Nov 2022");
    }
}
