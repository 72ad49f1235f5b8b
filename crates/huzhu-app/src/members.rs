//! Listing members for officers and scripts. Personal data leaves here masked: whole values are
//! reached only through [`reveal_id_number`], which writes the audit log.

use crate::{AppError, Clock};
use chrono::NaiveDate;
use huzhu_domain::org::OrgCode;
use huzhu_store::{AuditEntry, MemberId, Page, Store, StoredMember};
use serde::Serialize;

/// A member as lists and exports show it: ID number, phone and bank account masked.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MemberSummary {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub gender: String,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub org: String,
    pub status: String,
    pub join_date: Option<NaiveDate>,
    pub social_security_region: Option<String>,
    pub tags: Vec<String>,
    pub bank_account: Option<String>,
    pub version: i32,
}

impl MemberSummary {
    pub fn of(m: &StoredMember) -> MemberSummary {
        let r = &m.record;
        MemberSummary {
            id: m.id.0,
            name: r.name.as_str().to_string(),
            id_number: r.id_number.masked(),
            gender: r.gender.label_zh().to_string(),
            birth_date: r.birth_date,
            phone: r.phone.as_ref().map(|p| p.masked()),
            org: r.org.as_str().to_string(),
            status: r.status.label_zh().to_string(),
            join_date: r.join_date,
            social_security_region: r.social_security_region.map(|c| c.to_string()),
            tags: r.tags.iter().map(|t| t.label_zh()).collect(),
            bank_account: r.bank_account.as_ref().map(|b| b.masked()),
            version: m.version,
        }
    }
}

/// Streams the members under `org` page by page to `each`, in id order.
pub async fn for_each_member_under<S: Store>(
    store: &S,
    org: &OrgCode,
    page_size: u32,
    mut each: impl FnMut(MemberSummary) -> Result<(), AppError>,
) -> Result<u64, AppError> {
    let mut after: Option<MemberId> = None;
    let mut n = 0;
    loop {
        let page = store
            .members_under(
                org,
                Page {
                    after,
                    limit: page_size,
                },
            )
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for m in &page {
            each(MemberSummary::of(m))?;
            n += 1;
        }
    }
    Ok(n)
}

/// Shows one member's whole ID number to `actor`, and records that it was shown and why.
pub async fn reveal_id_number<S: Store>(
    store: &S,
    id_number_masked_or_whole: &str,
    actor: &str,
    reason: &str,
    clock: &dyn Clock,
) -> Result<String, AppError> {
    let m = store.member_by_id_number(id_number_masked_or_whole).await?;
    store
        .audit(&AuditEntry {
            at: clock.now(),
            actor: actor.to_string(),
            action: "member.reveal_id_number".into(),
            subject: m.record.id_number.masked(),
            detail: reason.to_string(),
        })
        .await?;
    Ok(m.record.id_number.as_str().to_string())
}
