//! Row structs of the money tables and their mapping to the store's types.

use super::*;
use crate::StoreError;

pub(crate) const CLAIM_COLUMNS: &str = "c.id, c.tenant_id, c.member_id, o.code AS unit, \
     c.policy_id, c.kind, c.state, c.body, c.event_date, c.submitted_on, c.decision, \
     c.payable_fen, c.approved_fen, c.paid_fen, c.flags, c.review_reason, c.expert_cleared, \
     c.returned_for, c.created_by, c.created_at, c.updated_at, c.version";

pub(crate) const ENROLMENT_COLUMNS: &str = "e.id, e.member_id, e.policy_id, p.cycle_start, \
     p.cycle_end, e.item, e.shares, e.start_date, e.renewal, o.code AS unit, e.bill_id, \
     e.contribution_fen";

/// Over `bills b`, its unit `o` and its payer `po` (`LEFT JOIN orgs po ON po.id =
/// b.payer_org_id`: NULL when the unit pays).
pub(crate) const BILL_COLUMNS: &str = "b.id, o.code AS unit, COALESCE(po.code, o.code) AS payer, \
     b.policy_id, b.members, b.amount_fen, b.status, b.payment_ref, b.created_by, b.created_at, b.paid_by, b.paid_at";

pub(crate) const BATCH_COLUMNS: &str = "b.id, o.code AS org, b.status, b.lines, b.total_fen, \
     b.created_by, b.created_at, b.settled_by, b.settled_at";

fn corrupt(what: impl Into<String>) -> StoreError {
    StoreError::Corrupt(what.into())
}

pub(crate) fn state_of(raw: &str) -> Result<ClaimState> {
    ClaimState::parse(raw).ok_or_else(|| corrupt(format!("claim state {raw}")))
}

pub(crate) fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn list_of(raw: &str, what: &str) -> Result<Vec<String>> {
    serde_json::from_str(raw).map_err(|_| corrupt(format!("claim {what}")))
}

#[derive(sqlx::FromRow)]
pub(crate) struct PolicyRow {
    pub id: String,
    pub name: String,
    pub cycle_start: NaiveDate,
    pub cycle_end: NaiveDate,
    pub sha256: String,
    pub source: String,
    pub loaded_at: DateTime<Utc>,
}

impl From<PolicyRow> for PolicyRecord {
    fn from(r: PolicyRow) -> Self {
        PolicyRecord {
            id: r.id,
            name: r.name,
            cycle_start: r.cycle_start,
            cycle_end: r.cycle_end,
            sha256: r.sha256,
            source: r.source,
            loaded_at: r.loaded_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EnrolmentRow {
    pub id: i64,
    pub member_id: i64,
    pub policy_id: String,
    pub cycle_start: NaiveDate,
    pub cycle_end: NaiveDate,
    pub item: String,
    pub shares: i32,
    pub start_date: NaiveDate,
    pub renewal: bool,
    pub unit: String,
    pub bill_id: i64,
    pub contribution_fen: i64,
}

impl From<EnrolmentRow> for StoredEnrolment {
    fn from(r: EnrolmentRow) -> Self {
        StoredEnrolment {
            id: r.id,
            member: MemberId(r.member_id),
            policy: r.policy_id,
            cycle_start: r.cycle_start,
            cycle_end: r.cycle_end,
            item: r.item,
            shares: u32::try_from(r.shares).unwrap_or(0),
            start: r.start_date,
            renewal: r.renewal,
            unit: r.unit,
            bill: BillId(r.bill_id),
            contribution: Money::from_fen(r.contribution_fen),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct BillRow {
    pub id: i64,
    pub unit: String,
    pub payer: String,
    pub policy_id: String,
    pub members: i32,
    pub amount_fen: i64,
    pub status: String,
    pub payment_ref: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub paid_by: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
}

impl From<BillRow> for Bill {
    fn from(r: BillRow) -> Self {
        Bill {
            id: BillId(r.id),
            unit: r.unit,
            payer: r.payer,
            policy: r.policy_id,
            members: u32::try_from(r.members).unwrap_or(0),
            amount: Money::from_fen(r.amount_fen),
            status: r.status,
            payment_ref: r.payment_ref,
            created_by: r.created_by,
            created_at: r.created_at,
            paid_by: r.paid_by,
            paid_at: r.paid_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ClaimRow {
    pub id: i64,
    pub tenant_id: i64,
    pub member_id: i64,
    pub unit: String,
    pub policy_id: String,
    pub kind: String,
    pub state: String,
    pub body: String,
    pub event_date: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
    pub decision: Option<String>,
    pub payable_fen: Option<i64>,
    pub approved_fen: i64,
    pub paid_fen: i64,
    pub flags: String,
    pub review_reason: Option<String>,
    pub expert_cleared: bool,
    pub returned_for: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl ClaimRow {
    pub fn into_claim(self) -> Result<StoredClaim> {
        Ok(StoredClaim {
            id: ClaimId(self.id),
            tenant_id: self.tenant_id,
            member: MemberId(self.member_id),
            unit: self.unit,
            policy: self.policy_id,
            kind: self.kind,
            fields: ClaimFields {
                state: state_of(&self.state)?,
                body: self.body,
                event_date: self.event_date,
                submitted_on: self.submitted_on,
                decision: self.decision,
                payable: self.payable_fen.map(Money::from_fen),
                approved: Money::from_fen(self.approved_fen),
                paid: Money::from_fen(self.paid_fen),
                flags: list_of(&self.flags, "flags")?,
                review_reason: self.review_reason,
                expert_cleared: self.expert_cleared,
                returned_for: list_of(&self.returned_for, "returned_for")?,
            },
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor: String,
    pub actor_role: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

impl EventRow {
    pub fn into_event(self) -> Result<ClaimEvent> {
        Ok(ClaimEvent {
            action: self.action,
            from: self.from_state.as_deref().map(state_of).transpose()?,
            to: state_of(&self.to_state)?,
            actor: self.actor,
            actor_role: self.actor_role,
            reason: self.reason,
            at: self.at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DocumentRow {
    pub id: i64,
    pub claim_id: i64,
    pub kind: String,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

impl From<DocumentRow> for StoredDocument {
    fn from(r: DocumentRow) -> Self {
        StoredDocument {
            id: r.id,
            claim: ClaimId(r.claim_id),
            kind: r.kind,
            sha256: r.sha256,
            file_name: r.file_name,
            content_type: r.content_type,
            size: r.size,
            uploaded_by: r.uploaded_by,
            uploaded_at: r.uploaded_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct BatchRow {
    pub id: i64,
    pub org: String,
    pub status: String,
    pub lines: i32,
    pub total_fen: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub settled_by: Option<String>,
    pub settled_at: Option<DateTime<Utc>>,
}

impl From<BatchRow> for Batch {
    fn from(r: BatchRow) -> Self {
        Batch {
            id: BatchId(r.id),
            org: r.org,
            status: r.status,
            lines: u32::try_from(r.lines).unwrap_or(0),
            total: Money::from_fen(r.total_fen),
            created_by: r.created_by,
            created_at: r.created_at,
            settled_by: r.settled_by,
            settled_at: r.settled_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LineRow {
    pub id: i64,
    pub batch_id: i64,
    pub claim_id: Option<i64>,
    pub grant_id: Option<i64>,
    pub member_id: i64,
    pub amount_fen: i64,
    pub account_name: String,
    pub bank_account: String,
    pub bank_branch: Option<String>,
    pub status: String,
    pub failure: Option<String>,
}

impl From<LineRow> for PayoutLine {
    fn from(r: LineRow) -> Self {
        PayoutLine {
            id: r.id,
            batch: BatchId(r.batch_id),
            // A line names a claim or a grant (a CHECK of the table).
            subject: match r.claim_id {
                Some(c) => super::PayoutSubject::Claim(ClaimId(c)),
                None => super::PayoutSubject::Grant(crate::grant::GrantId(
                    r.grant_id.unwrap_or_default(),
                )),
            },
            member: MemberId(r.member_id),
            amount: Money::from_fen(r.amount_fen),
            account_name: r.account_name,
            bank_account: r.bank_account,
            bank_branch: r.bank_branch,
            status: r.status,
            failure: r.failure,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EntryRow {
    pub id: i64,
    pub kind: String,
    pub memo: String,
    pub claim_id: Option<i64>,
    pub bill_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub reverses: Option<i64>,
    pub actor: String,
    pub at: DateTime<Utc>,
}
