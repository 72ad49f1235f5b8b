//! 身份证号 and other identity documents (SPEC section 3).
//!
//! An [`IdNumber`] that exists is valid: normalised (full-width digits, lower-case x and spaces
//! fixed), check digit verified, birth date a real calendar day not after `today`. Region codes are
//! checked only down to the province, so codes abolished since issue (330185 before Lin'an became
//! 330112) stay valid, as they must: a person keeps their number for life.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// GB 11643 weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by the weighted sum mod 11.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
/// Province-level prefixes of GB/T 2260 (plus 81/82/83 used by HK, Macau and Taiwan residence permits).
const PROVINCES: [u32; 37] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 0, 0,
];

/// The kind of identity document. 证件类型
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// 居民身份证 (and the 18-digit HK/Macau/Taiwan residence permits 81/82/83xxxx, same algorithm).
    Resident,
    /// 港澳居民来往内地通行证: H or M then 8 (or 10) digits.
    HkMacauPermit,
    /// 台湾居民来往大陆通行证: 8 (or 10) digits.
    TaiwanPermit,
    /// 护照: 5 to 17 letters and digits.
    Passport,
}

impl IdKind {
    pub const ALL: [IdKind; 4] = [
        IdKind::Resident,
        IdKind::HkMacauPermit,
        IdKind::TaiwanPermit,
        IdKind::Passport,
    ];

    pub fn code(self) -> &'static str {
        match self {
            IdKind::Resident => "resident",
            IdKind::HkMacauPermit => "hk_macau_permit",
            IdKind::TaiwanPermit => "taiwan_permit",
            IdKind::Passport => "passport",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            IdKind::Resident => "居民身份证",
            IdKind::HkMacauPermit => "港澳居民来往内地通行证",
            IdKind::TaiwanPermit => "台湾居民来往大陆通行证",
            IdKind::Passport => "护照",
        }
    }

    /// Reads a kind from a code or a Chinese label as found in rosters.
    pub fn parse(raw: &str) -> Option<IdKind> {
        let t = raw.trim();
        match t {
            ""
            | "resident"
            | "身份证"
            | "居民身份证"
            | "身份证号"
            | "居住证"
            | "港澳台居民居住证" => Some(IdKind::Resident),
            "hk_macau_permit" | "港澳通行证" | "回乡证" | "港澳居民来往内地通行证" => {
                Some(IdKind::HkMacauPermit)
            }
            "taiwan_permit" | "台胞证" | "台湾居民来往大陆通行证" => {
                Some(IdKind::TaiwanPermit)
            }
            "passport" | "护照" | "外国护照" => Some(IdKind::Passport),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
    /// 男/女, M/F, male/female, 1/2 (GB/T 2261.1).
    pub fn parse(raw: &str) -> Option<Gender> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "男" | "男性" | "m" | "male" | "1" => Some(Gender::Male),
            "女" | "女性" | "f" | "female" | "2" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// Why a string is not a valid identity number. Messages are for union officers: Chinese first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("证件号码为空 (empty ID number)")]
    Empty,
    #[error("15位旧身份证号已停用，请填写18位号码 (15-digit IDs are obsolete: give the 18-digit number)")]
    ObsoleteFifteenDigit,
    #[error("身份证号应为18位，实为{len}位 (a resident ID has 18 characters, found {len})")]
    BadLength { len: usize },
    #[error("第{position}位字符“{found}”无效 (character {position} '{found}' is not allowed)")]
    BadCharacter { position: usize, found: char },
    #[error("地区码{code}无效 (unknown province in region code {code})")]
    BadRegion { code: String },
    #[error("出生日期{digits}不存在 (birth date {digits} is not a calendar date)")]
    ImpossibleBirthDate { digits: String },
    #[error("出生日期{date}晚于今天 (birth date {date} is in the future)")]
    FutureBirthDate { date: NaiveDate },
    #[error(
        "校验位错误：应为{expected}，实为{found} (check digit should be {expected}, found {found})"
    )]
    CheckDigit { expected: char, found: char },
    #[error("{kind}号码格式不正确 (malformed {code})", kind = .kind.label_zh(), code = .kind.code())]
    BadDocument { kind: IdKind },
}

/// A validated identity number in normalised form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct IdNumber {
    kind: IdKind,
    value: String,
}

/// What an 18-digit resident ID says about its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResidentFacts {
    pub region: u32,
    pub birth_date: NaiveDate,
    pub gender: Gender,
}

/// Normalises what people type: full-width digits and letters, ideographic and ordinary spaces,
/// hyphens inside the number, lower-case letters, and the multiplication sign `×` that Chinese
/// input methods offer for the check character X.
pub fn normalise(raw: &str) -> String {
    // Most numbers arrive as typed by a machine: ASCII digits and capitals, nothing to fix.
    if raw
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return raw.to_string();
    }
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{200b}' && *c != '\u{feff}')
        .map(|c| match c {
            '×' => 'X',
            '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
                char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
            }
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl IdNumber {
    /// Parses a number whose kind is told by its shape: 18 characters are a resident ID, H/M and
    /// digits a HK/Macau permit, 8 or 10 digits a Taiwan permit. Passports need [`IdNumber::parse_as`].
    pub fn parse(raw: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let v = normalise(raw);
        let kind = Self::kind_of(&v);
        Self::parse_normalised(kind, v, today)
    }

    /// The kind [`IdNumber::parse`] reads from a normalised number's shape.
    fn kind_of(v: &str) -> IdKind {
        if v.len() == 18 || v.len() == 15 || v.chars().all(|c| c.is_ascii_digit()) {
            if v.len() == 8 || v.len() == 10 {
                IdKind::TaiwanPermit
            } else {
                IdKind::Resident
            }
        } else if v.starts_with('H') || v.starts_with('M') {
            IdKind::HkMacauPermit
        } else {
            IdKind::Resident
        }
    }

    /// Parses a number of a declared kind.
    pub fn parse_as(kind: IdKind, raw: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        Self::parse_normalised(kind, normalise(raw), today)
    }

    fn parse_normalised(
        kind: IdKind,
        value: String,
        today: NaiveDate,
    ) -> Result<IdNumber, IdNumberError> {
        if value.is_empty() {
            return Err(IdNumberError::Empty);
        }
        match kind {
            IdKind::Resident => {
                resident_facts(&value, today)?;
            }
            IdKind::HkMacauPermit => {
                let ok = (value.len() == 9 || value.len() == 11)
                    && (value.starts_with('H') || value.starts_with('M'))
                    && value[1..].chars().all(|c| c.is_ascii_digit());
                if !ok {
                    return Err(IdNumberError::BadDocument { kind });
                }
            }
            IdKind::TaiwanPermit => {
                let ok = (value.len() == 8 || value.len() == 10)
                    && value.chars().all(|c| c.is_ascii_digit());
                if !ok {
                    return Err(IdNumberError::BadDocument { kind });
                }
            }
            IdKind::Passport => {
                let ok = (5..=17).contains(&value.len())
                    && value.chars().all(|c| c.is_ascii_alphanumeric());
                if !ok {
                    return Err(IdNumberError::BadDocument { kind });
                }
            }
        }
        Ok(IdNumber { kind, value })
    }

    /// Rebuilds a number read back from storage, where it was validated on the way in.
    /// Still checks the shape, so a corrupted row cannot pass as valid.
    pub fn from_stored(kind: IdKind, value: &str) -> Result<IdNumber, IdNumberError> {
        // A far-future "today": stored numbers were checked against the date they were entered.
        let today = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
        Self::parse_as(kind, value, today)
    }

    pub fn kind(&self) -> IdKind {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Birth date, gender and region when the document carries them (resident IDs and permits).
    pub fn resident_facts(&self) -> Option<ResidentFacts> {
        match self.kind {
            IdKind::Resident => {
                let far = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
                resident_facts(&self.value, far).ok()
            }
            _ => None,
        }
    }

    /// `3301**********0024`: the first four and last four characters, the rest starred.
    pub fn masked(&self) -> String {
        crate::personal::mask_middle(&self.value, 4, 4)
    }
}

impl fmt::Display for IdNumber {
    /// Displays the masked form: a whole number must be asked for with [`IdNumber::as_str`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

fn resident_facts(v: &str, today: NaiveDate) -> Result<ResidentFacts, IdNumberError> {
    let chars: Vec<char> = v.chars().collect();
    if chars.len() == 15 && chars.iter().all(|c| c.is_ascii_digit()) {
        return Err(IdNumberError::ObsoleteFifteenDigit);
    }
    if chars.len() != 18 {
        return Err(IdNumberError::BadLength { len: chars.len() });
    }
    let mut digits = [0u32; 17];
    for (i, c) in chars.iter().take(17).enumerate() {
        digits[i] = c.to_digit(10).ok_or(IdNumberError::BadCharacter {
            position: i + 1,
            found: *c,
        })?;
    }
    let last = chars[17];
    if !(last.is_ascii_digit() || last == 'X') {
        return Err(IdNumberError::BadCharacter {
            position: 18,
            found: last,
        });
    }
    let province = digits[0] * 10 + digits[1];
    if !PROVINCES.contains(&province) || province == 0 {
        return Err(IdNumberError::BadRegion {
            code: v[..6].to_string(),
        });
    }
    let region = digits[..6].iter().fold(0, |acc, d| acc * 10 + d);
    let num = |range: std::ops::Range<usize>| digits[range].iter().fold(0u32, |a, d| a * 10 + d);
    let (y, m, d) = (num(6..10), num(10..12), num(12..14));
    let birth_date = NaiveDate::from_ymd_opt(y as i32, m, d)
        .filter(|_| y >= 1880)
        .ok_or_else(|| IdNumberError::ImpossibleBirthDate {
            digits: v[6..14].to_string(),
        })?;
    if birth_date > today {
        return Err(IdNumberError::FutureBirthDate { date: birth_date });
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let expected = CHECK[(sum % 11) as usize];
    if expected != last {
        return Err(IdNumberError::CheckDigit {
            expected,
            found: last,
        });
    }
    let gender = if digits[16] % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    };
    Ok(ResidentFacts {
        region,
        birth_date,
        gender,
    })
}

/// Computes the check character of 17 digits (for generators of test data and the demo).
pub fn check_character(first17: &str) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    Some(CHECK[(sum % 11) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[rstest]
    #[case("11010519491231002X", Gender::Female, "1949-12-31")]
    #[case("330106198503150024", Gender::Female, "1985-03-15")]
    #[case("11010519491231002x", Gender::Female, "1949-12-31")]
    #[case(" 3301 0619 8503 1500 24 ", Gender::Female, "1985-03-15")]
    #[case("３３０１０６１９８５０３１５００２４", Gender::Female, "1985-03-15")]
    fn valid_resident_ids_are_normalised_and_read(
        #[case] raw: &str,
        #[case] gender: Gender,
        #[case] birth: &str,
    ) {
        let id = IdNumber::parse(raw, today()).unwrap();
        let facts = id.resident_facts().unwrap();
        assert_eq!(facts.gender, gender);
        assert_eq!(facts.birth_date.to_string(), birth);
        assert_eq!(id.as_str().len(), 18);
    }

    #[test]
    fn an_abolished_region_code_stays_valid() {
        let first17 = "33018519900101001";
        let id = format!("{first17}{}", check_character(first17).unwrap());
        let parsed = IdNumber::parse(&id, today()).unwrap();
        assert_eq!(parsed.resident_facts().unwrap().region, 330185);
        assert_eq!(parsed.resident_facts().unwrap().gender, Gender::Male);
    }

    #[test]
    fn a_wrong_check_digit_names_the_expected_one() {
        let err = IdNumber::parse("330106198503150025", today()).unwrap_err();
        assert_eq!(
            err,
            IdNumberError::CheckDigit {
                expected: '4',
                found: '5'
            }
        );
        assert!(err.to_string().contains("校验位"));
    }

    #[rstest]
    #[case("33010619850231002X")] // 31 February
    #[case("33010618000101002X")] // before any living person
    fn impossible_birth_dates_are_rejected(#[case] raw: &str) {
        assert!(matches!(
            IdNumber::parse(raw, today()),
            Err(IdNumberError::ImpossibleBirthDate { .. })
        ));
    }

    #[test]
    fn a_birth_date_after_today_is_rejected() {
        let first17 = "33010620300101002";
        let id = format!("{first17}{}", check_character(first17).unwrap());
        assert!(matches!(
            IdNumber::parse(&id, today()),
            Err(IdNumberError::FutureBirthDate { .. })
        ));
    }

    #[rstest]
    #[case("", IdNumberError::Empty)]
    #[case("330106850315002", IdNumberError::ObsoleteFifteenDigit)]
    #[case("33010619850315002", IdNumberError::BadLength { len: 17 })]
    #[case("3301061985031500A4", IdNumberError::BadCharacter { position: 17, found: 'A' })]
    #[case("990106198503150024", IdNumberError::BadRegion { code: "990106".into() })]
    fn malformed_ids_say_what_is_wrong(#[case] raw: &str, #[case] err: IdNumberError) {
        assert_eq!(IdNumber::parse(raw, today()).unwrap_err(), err);
    }

    #[test]
    fn permits_and_passports_have_their_own_checks() {
        assert_eq!(
            IdNumber::parse("h12345678", today()).unwrap().kind(),
            IdKind::HkMacauPermit
        );
        assert_eq!(
            IdNumber::parse("12345678", today()).unwrap().kind(),
            IdKind::TaiwanPermit
        );
        assert!(IdNumber::parse_as(IdKind::Passport, "E1234567", today()).is_ok());
        assert!(IdNumber::parse_as(IdKind::Passport, "E1", today()).is_err());
        assert!(IdNumber::parse_as(IdKind::HkMacauPermit, "X12345678", today()).is_err());
    }

    #[test]
    fn display_and_masked_never_show_the_middle() {
        let id = IdNumber::parse("330106198503150024", today()).unwrap();
        assert_eq!(id.masked(), "3301**********0024");
        assert_eq!(id.to_string(), "3301**********0024");
    }
}
