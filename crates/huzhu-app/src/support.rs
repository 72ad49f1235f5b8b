//! 帮扶全貌 — a household's whole support (issue 15, "beyond what the anchors do"): everything
//! the federation gave the people of one archived household (or one member's household) —
//! mutual-aid payouts, reliefs by programme and state, campaign cash and gift packs — with the
//! totals of each year, and in words the double support and the gaps staff should look at.
//! Read through one scoped store method; docs/archive.md, "The whole-support page".

use crate::access::require;
use crate::{AppError, Clock};
use chrono::{Datelike, NaiveDate};
use huzhu_domain::access::{Actor, Capability, Role};
use huzhu_domain::programme;
use huzhu_store::support::Support;
use huzhu_store::{OrgScope, Repo};
use serde::Serialize;
use std::collections::BTreeMap;

pub use huzhu_store::support::{SupportHousehold, SupportMember};
pub use huzhu_store::support::{SupportKind, SupportLine, SupportSubject};

/// One year's totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct YearTotal {
    pub year: i32,
    /// Mutual-aid claims with something paid, and the amount paid (fen).
    pub claims: i64,
    pub claims_paid_fen: i64,
    /// Grants approved (approved, in a batch or paid) — person-times — and their amount (fen).
    pub grants: i64,
    pub grants_fen: i64,
    /// Of them, paid out (fen).
    pub grants_paid_fen: i64,
    pub gift_packs: i64,
}

/// What a flag is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// 重复救助 — two grants of one programme and cycle, or a one-off relief and a campaign's
    /// cash in one year.
    DoubleSupport,
    /// 帮扶空白 — an admitted household given nothing this year.
    Gap,
}

/// A flag, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupportFlag {
    pub kind: FlagKind,
    pub zh: String,
    pub en: String,
    /// The lines it is about (grant ids).
    pub grants: Vec<i64>,
}

/// A line as the page shows it: the programme (or policy) named, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownLine {
    #[serde(flatten)]
    pub line: SupportLine,
    pub member_name: String,
    pub programme_zh: String,
    pub programme_en: String,
}

/// The whole support of a household or member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupportView {
    pub household: Option<SupportHousehold>,
    pub members: Vec<SupportMember>,
    pub lines: Vec<ShownLine>,
    /// Newest year first.
    pub years: Vec<YearTotal>,
    pub flags: Vec<SupportFlag>,
    /// The year the gap is looked for (today's).
    pub year: i32,
}

/// A grant that gives: approved, in a batch or paid.
fn live(l: &SupportLine) -> bool {
    l.kind == SupportKind::Grant && matches!(l.state.as_str(), "approved" | "in_batch" | "paid")
}

const RELIEF: &str = "one-off-relief";

/// The programme's (or the claim's policy's) names, Chinese and English.
fn names(l: &SupportLine) -> (String, String) {
    if l.kind == SupportKind::Claim {
        return ("职工互助保障".into(), "Mutual aid".into());
    }
    match programme::builtin(&l.programme) {
        Some(Ok(p)) => {
            let en = p.name_en.clone().unwrap_or_else(|| p.name.clone());
            (p.name, en)
        }
        _ => (l.programme.clone(), l.programme.clone()),
    }
}

fn ids(lines: &[&SupportLine]) -> String {
    lines
        .iter()
        .map(|l| format!("#{}", l.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The totals per year (newest first) and the flags: a pure function of what the store read.
pub fn fold(s: &Support, today: NaiveDate) -> (Vec<YearTotal>, Vec<SupportFlag>) {
    let mut years: BTreeMap<i32, YearTotal> = BTreeMap::new();
    for l in &s.lines {
        let y = years.entry(l.on.year()).or_insert_with(|| YearTotal {
            year: l.on.year(),
            ..Default::default()
        });
        match l.kind {
            SupportKind::Claim => {
                y.claims += 1;
                y.claims_paid_fen += l.paid_fen;
            }
            SupportKind::Grant if live(l) => {
                y.grants += 1;
                y.grants_fen += l.amount_fen;
                y.grants_paid_fen += l.paid_fen;
            }
            SupportKind::Grant => {}
            SupportKind::GiftPack => y.gift_packs += 1,
        }
    }
    let mut flags = Vec::new();
    let mut by_cycle: BTreeMap<(&str, &str), Vec<&SupportLine>> = BTreeMap::new();
    for l in s.lines.iter().filter(|l| live(l)) {
        by_cycle
            .entry((l.programme.as_str(), l.cycle.as_str()))
            .or_default()
            .push(l);
    }
    for ((_, cycle), same) in by_cycle.iter().filter(|(_, v)| v.len() > 1) {
        let (zh, en) = names(same[0]);
        flags.push(SupportFlag {
            kind: FlagKind::DoubleSupport,
            zh: format!(
                "重复救助：{zh}（{cycle}）同一周期内给予{}次（{}），请核实是否同一困难",
                same.len(),
                ids(same)
            ),
            en: format!(
                "Double support: {en} ({cycle}) granted {} times in one cycle ({}); check it is \
                 not the same need",
                same.len(),
                ids(same)
            ),
            grants: same.iter().map(|l| l.id).collect(),
        });
    }
    let mut by_year: BTreeMap<i32, (Vec<&SupportLine>, Vec<&SupportLine>)> = BTreeMap::new();
    for l in s.lines.iter().filter(|l| live(l)) {
        let e = by_year.entry(l.on.year()).or_default();
        if l.campaign_id.is_some() {
            e.1.push(l);
        } else if l.programme == RELIEF {
            e.0.push(l);
        }
    }
    for (year, (relief, cash)) in by_year
        .iter()
        .filter(|(_, (r, c))| !r.is_empty() && !c.is_empty())
    {
        let both: Vec<&SupportLine> = relief.iter().chain(cash.iter()).copied().collect();
        flags.push(SupportFlag {
            kind: FlagKind::DoubleSupport,
            zh: format!(
                "重复救助：{year}年既有临时救助又有送温暖慰问金（{}），请核实是否为同一困难",
                ids(&both)
            ),
            en: format!(
                "Double support: in {year} both a one-off relief and a campaign's cash ({}); \
                 check they are not for the same need",
                ids(&both)
            ),
            grants: both.iter().map(|l| l.id).collect(),
        });
    }
    let year = today.year();
    let admitted = s.household.as_ref().is_some_and(|h| h.state == "admitted");
    let given = years
        .get(&year)
        .is_some_and(|y| y.claims + y.grants + y.gift_packs > 0);
    if admitted && !given {
        flags.push(SupportFlag {
            kind: FlagKind::Gap,
            zh: format!("帮扶空白：在档困难户{year}年尚未得到任何帮扶（救助、慰问或互助保障）"),
            en: format!(
                "Gap: an archived household given nothing in {year} (no relief, campaign or \
                 mutual-aid payout)"
            ),
            grants: Vec::new(),
        });
    }
    (years.into_values().rev().collect(), flags)
}

/// 帮扶全貌 — the whole support of a household or member of the actor's subtree (not found
/// outside it): the actor must read the archive.
pub async fn whole_support<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    subject: SupportSubject,
) -> Result<SupportView, AppError> {
    require(actor, Capability::ReadArchive)?;
    if actor.role == Role::Member {
        return Err(AppError::Forbidden {
            capability: "ReadArchive".into(),
        });
    }
    let s = store
        .support(&OrgScope::Under(actor.org.clone()), subject)
        .await?;
    let today = clock.today();
    let (years, flags) = fold(&s, today);
    let name_of: BTreeMap<i64, &str> = s.members.iter().map(|m| (m.id, m.name.as_str())).collect();
    let lines = s
        .lines
        .iter()
        .map(|l| {
            let (programme_zh, programme_en) = names(l);
            ShownLine {
                member_name: name_of.get(&l.member_id).copied().unwrap_or("").to_string(),
                line: l.clone(),
                programme_zh,
                programme_en,
            }
        })
        .collect();
    Ok(SupportView {
        household: s.household,
        members: s.members,
        lines,
        years,
        flags,
        year: today.year(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(kind: SupportKind, id: i64, programme: &str, state: &str, on: &str) -> SupportLine {
        SupportLine {
            kind,
            id,
            member_id: 1,
            programme: programme.into(),
            cycle: on[..4].into(),
            state: state.into(),
            amount_fen: 100_000,
            paid_fen: if state == "paid" { 100_000 } else { 0 },
            on: on.parse().unwrap_or_default(),
            campaign_id: None,
        }
    }

    fn admitted() -> Option<SupportHousehold> {
        Some(SupportHousehold {
            id: 1,
            org_code: "XH-01-001".into(),
            org_name: "x".into(),
            head_member_id: 1,
            state: "admitted".into(),
            category: Some("deep".into()),
            level: None,
            admitted_on: None,
        })
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn a_relief_and_a_campaigns_cash_in_one_year_are_flagged_and_totalled() {
        let mut cash = line(
            SupportKind::Grant,
            7,
            "two-festivals-2026",
            "paid",
            "2026-01-26",
        );
        cash.campaign_id = Some(1);
        let s = Support {
            household: admitted(),
            members: Vec::new(),
            lines: vec![
                cash,
                line(SupportKind::Grant, 9, RELIEF, "paid", "2026-03-09"),
                line(SupportKind::Grant, 10, RELIEF, "refused", "2026-03-09"),
                line(SupportKind::Claim, 3, "hangzhou-2025", "paid", "2025-05-01"),
            ],
        };
        let (years, flags) = fold(&s, day("2026-12-05"));
        assert_eq!(years.len(), 2);
        assert_eq!(
            (
                years[0].year,
                years[0].grants,
                years[0].grants_fen,
                years[0].grants_paid_fen
            ),
            (2026, 2, 200_000, 200_000),
            "the refused relief gives nothing"
        );
        assert_eq!((years[1].claims, years[1].claims_paid_fen), (1, 100_000));
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].kind, FlagKind::DoubleSupport);
        assert_eq!(flags[0].grants, [9, 7]);
        assert!(flags[0].zh.contains("临时救助") && flags[0].zh.contains("2026"));
    }

    #[test]
    fn two_grants_of_one_cycle_are_double_and_an_admitted_household_without_any_is_a_gap() {
        let s = Support {
            household: admitted(),
            members: Vec::new(),
            lines: vec![
                line(
                    SupportKind::Grant,
                    4,
                    "golden-autumn",
                    "approved",
                    "2025-08-01",
                ),
                line(SupportKind::Grant, 5, "golden-autumn", "paid", "2025-09-01"),
            ],
        };
        let (_, flags) = fold(&s, day("2026-06-01"));
        let kinds: Vec<FlagKind> = flags.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [FlagKind::DoubleSupport, FlagKind::Gap]);
        assert!(flags[0].zh.contains("金秋助学"), "{}", flags[0].zh);
        assert!(flags[1].zh.contains("2026"));
        let (_, none) = fold(&s, day("2025-12-01"));
        assert_eq!(none.len(), 1, "given something in 2025: no gap");
    }
}
