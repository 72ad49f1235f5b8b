//! 云结对 — cloud pairing (SPEC 7.6, docs/pairing.md): needy students of `golden-autumn` grants
//! are published without exposing them; a sponsor claims one by its link, holds them for a while,
//! and confirms a pledge. Pure rules: what a published student shows, the states and their steps,
//! what a pledge and a sponsor must be. Tokens are drawn by the app; the clock is passed in.

use crate::money::Money;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// How long a claim holds a student before an unconfirmed hold lapses (SPEC 7.6: 30 minutes
/// [assumed]).
pub const HOLD_MINUTES: i64 = 30;

/// The longest pledge, in years [choice].
pub const MAX_YEARS: i64 = 10;

/// The end of a hold claimed at `now`.
pub fn hold_until(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::minutes(HOLD_MINUTES)
}

/// A published student's state as stored. A `Held` student whose hold has ended reads as
/// `Published` ([`effective`]): holds lapse by the clock, never by a sweeper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PairingState {
    /// 待结对 — listed on the public page.
    Published,
    /// 认领中 — a sponsor holds them until the hold ends.
    Held,
    /// 已结对 — a pledge is confirmed.
    Pledged,
    /// 已撤回 — staff took them off the list.
    Withdrawn,
}

impl PairingState {
    pub const ALL: [PairingState; 4] = [
        PairingState::Published,
        PairingState::Held,
        PairingState::Pledged,
        PairingState::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PairingState::Published => "published",
            PairingState::Held => "held",
            PairingState::Pledged => "pledged",
            PairingState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<PairingState> {
        PairingState::ALL.into_iter().find(|s| s.code() == raw)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PairingState::Published => "待结对",
            PairingState::Held => "认领中",
            PairingState::Pledged => "已结对",
            PairingState::Withdrawn => "已撤回",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PairingState::Published => "listed",
            PairingState::Held => "held",
            PairingState::Pledged => "pledged",
            PairingState::Withdrawn => "withdrawn",
        }
    }
}

/// The state a reader sees at `now`: a hold past its end is free again.
pub fn effective(
    state: PairingState,
    hold_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> PairingState {
    match (state, hold_until) {
        (PairingState::Held, Some(end)) if end <= now => PairingState::Published,
        (s, _) => s,
    }
}

/// A step of a published student's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingStep {
    Claim,
    Confirm,
    Withdraw,
}

impl PairingStep {
    pub fn code(self) -> &'static str {
        match self {
            PairingStep::Claim => "claim",
            PairingStep::Confirm => "confirm",
            PairingStep::Withdraw => "withdraw",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            PairingStep::Claim => "认领",
            PairingStep::Confirm => "确认结对",
            PairingStep::Withdraw => "撤回",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PairingError {
    #[error("该学生{}，不能{} (the student is {}: cannot {})", .state.label_zh(), .step.label_zh(), .state.label_en(), .step.code())]
    IllegalStep {
        state: PairingState,
        step: PairingStep,
    },
    #[error("认领已过期，请重新认领 (the hold has ended: claim again)")]
    HoldEnded,
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
}

/// Whether `step` may be taken from the effective state `from`; the state it leads to.
pub fn transition(from: PairingState, step: PairingStep) -> Result<PairingState, PairingError> {
    use PairingState as S;
    use PairingStep as P;
    match (from, step) {
        (S::Published, P::Claim) => Ok(S::Held),
        (S::Held, P::Confirm) => Ok(S::Pledged),
        (S::Published | S::Held, P::Withdraw) => Ok(S::Withdrawn),
        (state, step) => Err(PairingError::IllegalStep { state, step }),
    }
}

/// Two-character surnames (复姓) kept whole; every other name keeps its first character.
const COMPOUND_SURNAMES: [&str; 16] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "端木",
];

/// 王同学 — the only part of a student's name the public sees (SPEC 7.6: surname only).
pub fn public_name(full_name: &str) -> String {
    let name = full_name.trim();
    let surname: String = COMPOUND_SURNAMES
        .iter()
        .find(|s| name.starts_with(*s) && name.chars().count() > 2)
        .map(|s| (*s).to_string())
        .unwrap_or_else(|| name.chars().take(1).collect());
    format!("{surname}同学")
}

/// The school levels a golden-autumn student can be at (the programme's `has_student` levels).
pub const SCHOOL_LEVELS: [&str; 4] = [
    "postgraduate",
    "undergraduate",
    "junior_college",
    "senior_secondary",
];

pub fn school_level_zh(code: &str) -> &'static str {
    match code {
        "postgraduate" => "研究生",
        "undergraduate" => "本科",
        "junior_college" => "大专",
        "senior_secondary" => "高中(中职)",
        _ => "其他",
    }
}

pub fn school_level_en(code: &str) -> &'static str {
    match code {
        "postgraduate" => "postgraduate",
        "undergraduate" => "undergraduate",
        "junior_college" => "junior college",
        "senior_secondary" => "senior secondary",
        _ => "other",
    }
}

/// The highest grade (year of study) of each level [choice].
pub fn max_grade(level: &str) -> Option<u8> {
    match level {
        "postgraduate" => Some(4),
        "undergraduate" => Some(5),
        "junior_college" => Some(3),
        "senior_secondary" => Some(3),
        _ => None,
    }
}

/// 二年级 — a grade in words.
pub fn grade_zh(grade: u8) -> String {
    const N: [&str; 6] = ["一", "二", "三", "四", "五", "六"];
    let n = N.get(usize::from(grade.saturating_sub(1))).unwrap_or(&"");
    format!("{n}年级")
}

/// What a published student shows, and nothing else (SPEC 7.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicStudent {
    /// 王同学
    pub public_name: String,
    pub grade: u8,
    pub school_level: &'static str,
    /// The district of the org that holds the grant.
    pub district: String,
    /// The yearly need in fen.
    pub need: Money,
}

/// Builds the public record from the grant's facts and what staff enter; validates every field.
pub fn publish(
    full_name: &str,
    school_level: &str,
    grade: u8,
    district: &str,
    need: Money,
) -> Result<PublicStudent, PairingError> {
    let level = SCHOOL_LEVELS
        .into_iter()
        .find(|l| *l == school_level)
        .ok_or_else(|| PairingError::Invalid {
            field: "school_level",
            message: format!(
                "学段须为 {} 之一 (school_level must be one of {})",
                SCHOOL_LEVELS.join(", "),
                SCHOOL_LEVELS.join(", ")
            ),
        })?;
    let max = max_grade(level).unwrap_or(1);
    if grade < 1 || grade > max {
        return Err(PairingError::Invalid {
            field: "grade",
            message: format!("年级须在 1 至 {max} 之间 (grade must be 1 to {max})"),
        });
    }
    if need.fen() <= 0 {
        return Err(PairingError::Invalid {
            field: "need_fen",
            message: "年度所需金额须大于零 (the yearly need must be above zero)".into(),
        });
    }
    if full_name.trim().is_empty() {
        return Err(PairingError::Invalid {
            field: "student",
            message: "学生姓名缺失 (the student has no name on record)".into(),
        });
    }
    Ok(PublicStudent {
        public_name: public_name(full_name),
        grade,
        school_level: level,
        district: district.to_string(),
        need,
    })
}

/// Who sponsors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SponsorKind {
    /// 会员
    Member,
    /// 单位
    Unit,
    /// 社会人士 — an outside person with a name and phone.
    Person,
}

impl SponsorKind {
    pub const ALL: [SponsorKind; 3] = [SponsorKind::Member, SponsorKind::Unit, SponsorKind::Person];

    pub fn code(self) -> &'static str {
        match self {
            SponsorKind::Member => "member",
            SponsorKind::Unit => "unit",
            SponsorKind::Person => "person",
        }
    }

    pub fn parse(raw: &str) -> Option<SponsorKind> {
        SponsorKind::ALL.into_iter().find(|k| k.code() == raw)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            SponsorKind::Member => "会员",
            SponsorKind::Unit => "单位",
            SponsorKind::Person => "社会人士",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            SponsorKind::Member => "member",
            SponsorKind::Unit => "unit",
            SponsorKind::Person => "outside person",
        }
    }
}

/// A sponsor as they gave themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sponsor {
    pub kind: SponsorKind,
    pub name: String,
    pub phone: String,
}

/// Validates a sponsor: a name (1–50 characters) and a mainland mobile number (11 digits from 1).
pub fn sponsor(kind: &str, name: &str, phone: &str) -> Result<Sponsor, PairingError> {
    let kind = SponsorKind::parse(kind.trim()).ok_or_else(|| PairingError::Invalid {
        field: "kind",
        message: "认领人类别须为 member、unit 或 person (kind must be member, unit or person)"
            .into(),
    })?;
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > 50 {
        return Err(PairingError::Invalid {
            field: "name",
            message: "请填写认领人姓名或单位名称（不超过50字） (name: 1 to 50 characters)".into(),
        });
    }
    let phone = phone.trim();
    let ok =
        phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Err(PairingError::Invalid {
            field: "phone",
            message: "手机号须为11位数字 (phone must be an 11-digit mobile number)".into(),
        });
    }
    Ok(Sponsor {
        kind,
        name: name.to_string(),
        phone: phone.to_string(),
    })
}

/// A pledge: so much a year for so many years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pledge {
    pub per_year: Money,
    pub years: i64,
}

impl Pledge {
    pub fn total(self) -> Money {
        Money::from_fen(self.per_year.fen().saturating_mul(self.years))
    }

    /// What is due by `today`: one year's amount for each year begun since `from` (the day
    /// the pledge was confirmed), at most the whole pledge [choice].
    pub fn due_by(self, from: NaiveDate, today: NaiveDate) -> Money {
        if today < from {
            return Money::from_fen(0);
        }
        let mut begun = 1_i64;
        let mut anniversary = from;
        while begun < self.years {
            match anniversary.checked_add_months(chrono::Months::new(12)) {
                Some(next) if next <= today => {
                    begun += 1;
                    anniversary = next;
                }
                _ => break,
            }
        }
        Money::from_fen(self.per_year.fen().saturating_mul(begun))
    }
}

pub fn pledge(per_year_fen: i64, years: i64) -> Result<Pledge, PairingError> {
    if per_year_fen <= 0 {
        return Err(PairingError::Invalid {
            field: "amount_per_year_fen",
            message: "每年资助金额须大于零 (the yearly amount must be above zero)".into(),
        });
    }
    if !(1..=MAX_YEARS).contains(&years) {
        return Err(PairingError::Invalid {
            field: "years",
            message: format!("资助年限须为 1 至 {MAX_YEARS} 年 (years must be 1 to {MAX_YEARS})"),
        });
    }
    Ok(Pledge {
        per_year: Money::from_fen(per_year_fen),
        years,
    })
}

/// A token is well-formed when it is 32 lowercase hex characters (128 bits): anything else is
/// unknown without a database read.
pub fn token_shape_ok(token: &str) -> bool {
    token.len() == TOKEN_HEX_LEN
        && token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Hex characters of a public or sponsor token: 16 random bytes, 128 bits.
pub const TOKEN_HEX_LEN: usize = 32;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_public_name_keeps_the_surname_only() {
        assert_eq!(public_name("王小明"), "王同学");
        assert_eq!(public_name("欧阳娜娜"), "欧阳同学");
        assert_eq!(public_name("欧阳"), "欧同学");
        assert_eq!(public_name(" 李雷 "), "李同学");
    }

    #[test]
    fn a_hold_past_its_end_reads_as_listed() {
        let t = Utc.with_ymd_and_hms(2026, 9, 1, 8, 0, 0).unwrap();
        let end = hold_until(t);
        assert_eq!(end - t, Duration::minutes(30));
        let s = PairingState::Held;
        assert_eq!(effective(s, Some(end), t), PairingState::Held);
        assert_eq!(effective(s, Some(end), end), PairingState::Published);
        assert_eq!(
            effective(PairingState::Pledged, Some(end), end),
            PairingState::Pledged
        );
    }

    #[test]
    fn only_a_listed_student_is_claimed_and_only_a_held_one_confirmed() {
        use PairingState as S;
        use PairingStep as P;
        assert_eq!(transition(S::Published, P::Claim), Ok(S::Held));
        assert_eq!(transition(S::Held, P::Confirm), Ok(S::Pledged));
        assert!(transition(S::Pledged, P::Claim).is_err());
        assert!(transition(S::Withdrawn, P::Claim).is_err());
        assert!(transition(S::Pledged, P::Withdraw).is_err());
        let e = transition(S::Pledged, P::Claim).unwrap_err().to_string();
        assert!(
            e.contains("已结对") && e.contains("pledged") && e.contains("claim"),
            "{e}"
        );
    }

    #[test]
    fn publication_and_pledges_are_validated_naming_the_field() {
        let ok = publish(
            "张三丰",
            "undergraduate",
            2,
            "西湖区",
            Money::from_yuan(6000),
        )
        .unwrap();
        assert_eq!(ok.public_name, "张同学");
        let bad = |r: Result<PublicStudent, PairingError>, f: &str| match r {
            Err(PairingError::Invalid { field, .. }) => assert_eq!(field, f),
            other => panic!("{other:?}"),
        };
        bad(
            publish("张三", "primary", 1, "x", Money::from_yuan(1)),
            "school_level",
        );
        bad(
            publish("张三", "senior_secondary", 4, "x", Money::from_yuan(1)),
            "grade",
        );
        bad(
            publish("张三", "senior_secondary", 1, "x", Money::from_fen(0)),
            "need_fen",
        );
        assert!(pledge(0, 1).is_err());
        assert!(pledge(100, 11).is_err());
        assert!(sponsor("person", "李先生", "1380013800").is_err());
        assert!(sponsor("person", "李先生", "13800138000").is_ok());
        assert!(sponsor("nobody", "李先生", "13800138000").is_err());
    }

    #[test]
    fn what_is_due_grows_a_year_at_each_anniversary() {
        let p = pledge(300_000, 3).unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let from = d(2026, 9, 10);
        assert_eq!(p.total().fen(), 900_000);
        assert_eq!(p.due_by(from, d(2026, 9, 9)).fen(), 0);
        assert_eq!(p.due_by(from, d(2026, 9, 10)).fen(), 300_000);
        assert_eq!(p.due_by(from, d(2027, 9, 10)).fen(), 600_000);
        assert_eq!(p.due_by(from, d(2035, 1, 1)).fen(), 900_000);
    }

    #[test]
    fn tokens_of_another_shape_are_unknown() {
        assert!(token_shape_ok("0123456789abcdef0123456789abcdef"));
        assert!(!token_shape_ok("0123456789ABCDEF0123456789abcdef"));
        assert!(!token_shape_ok("1"));
    }
}
