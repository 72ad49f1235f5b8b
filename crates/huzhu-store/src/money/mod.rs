//! The money path's repository (SPEC sections 4–6): policies as loaded, enrolments and bills,
//! claims with their events and documents, payout batches, and the double-entry ledger.
//!
//! Each method is one transaction. A state change and its ledger entries are written together or
//! not at all; a claim change names the version it was computed from, so two approvals of the
//! same claim cannot both land (the second is a [`crate::StoreError::Conflict`]).

pub mod audit;
pub(crate) mod rows;
mod scope;
pub(crate) mod sql;

pub use scope::LedgerScope;

use crate::{MemberId, Result};
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::ledger::Entry;
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgCode;
use huzhu_domain::workflow::ClaimState;
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BillId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ClaimId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BatchId(pub i64);

/// A policy cycle as loaded into the database (its text kept whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyRecord {
    pub id: String,
    pub name: String,
    pub cycle_start: NaiveDate,
    pub cycle_end: NaiveDate,
    pub sha256: String,
    #[serde(skip)]
    pub source: String,
    pub loaded_at: DateTime<Utc>,
}

/// One member's enrolment in one item, as planned by the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnrolment {
    pub member: MemberId,
    pub item: String,
    pub shares: u32,
    pub start: NaiveDate,
    pub renewal: bool,
    pub contribution: Money,
}

/// A unit enrolling members for a cycle: the enrolments, the bill, and the bill's ledger entry.
#[derive(Debug, Clone)]
pub struct UnitEnrolment<'a> {
    pub unit: &'a OrgCode,
    /// Who owes the bill when not the unit: the federation of a federation-paid policy
    /// (`huzhu_domain::enrolment::bill_payer`), the unit or an org above it. None: the unit.
    pub payer: Option<&'a OrgCode>,
    pub policy: &'a str,
    pub lines: &'a [NewEnrolment],
    pub members: u32,
    pub total: Money,
    /// The bill's entry (a receivable of the payer); None when the bill is zero.
    pub entry: Option<&'a Entry>,
    pub actor: &'a str,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEnrolment {
    pub id: i64,
    pub member: MemberId,
    pub policy: String,
    pub cycle_start: NaiveDate,
    pub cycle_end: NaiveDate,
    pub item: String,
    pub shares: u32,
    pub start: NaiveDate,
    pub renewal: bool,
    pub unit: String,
    pub bill: BillId,
    pub contribution: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bill {
    pub id: BillId,
    /// The unit that enrolled.
    pub unit: String,
    /// The org that owes the bill: the unit, or the federation of a federation-paid policy.
    pub payer: String,
    pub policy: String,
    pub members: u32,
    pub amount: Money,
    pub status: String,
    pub payment_ref: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub paid_by: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
}

/// The fields of a claim that change as it moves through the workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFields {
    pub state: ClaimState,
    /// The claim as SPEC 10 writes it, JSON.
    pub body: String,
    pub event_date: NaiveDate,
    pub submitted_on: Option<NaiveDate>,
    /// The engine's decision, JSON, once computed.
    pub decision: Option<String>,
    pub payable: Option<Money>,
    /// Posted to the ledger as approved so far.
    pub approved: Money,
    pub paid: Money,
    pub flags: Vec<String>,
    pub review_reason: Option<String>,
    pub expert_cleared: bool,
    pub returned_for: Vec<String>,
}

/// One step of the workflow, as written to `claim_events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimEvent {
    pub action: String,
    pub from: Option<ClaimState>,
    pub to: ClaimState,
    pub actor: String,
    pub actor_role: String,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewClaim {
    pub member: MemberId,
    /// The claim is written only if the member's unit is in this organisation's subtree (the
    /// actor's scope), checked in the statement that writes it; otherwise nothing is written and
    /// the answer is [`crate::StoreError::NotFound`], as for an unknown member. None: no
    /// condition (the caller has checked, e.g. a member claiming for themselves).
    pub within: Option<OrgCode>,
    pub policy: String,
    pub kind: String,
    pub fields: ClaimFields,
    pub event: ClaimEvent,
}

/// A claim just written, with its member as read in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedClaim {
    pub claim: StoredClaim,
    pub member: crate::StoredMember,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClaim {
    pub id: ClaimId,
    pub tenant_id: i64,
    pub member: MemberId,
    /// The member's grassroots union when the claim was made.
    pub unit: String,
    pub policy: String,
    pub kind: String,
    pub fields: ClaimFields,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A change to a stored claim, computed from `expected_version`; written with its event and
/// ledger entries in one transaction, or refused as a conflict when the claim moved meanwhile.
#[derive(Debug, Clone)]
pub struct ClaimChange {
    pub claim: ClaimId,
    pub expected_version: i32,
    pub fields: ClaimFields,
    pub event: ClaimEvent,
    pub entries: Vec<Entry>,
}

/// Which claims to list.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub states: Vec<ClaimState>,
    pub member: Option<MemberId>,
    pub policy: Option<String>,
    /// Only approved claims not yet in a live payout batch.
    pub awaiting_payout: bool,
    /// The member's name contains this (issue 13: an office finds a claim by the member's name).
    pub member_name: Option<String>,
    /// The member's ID number ends with this (a whole number is its own tail); upper-cased.
    pub id_tail: Option<String>,
    pub after: Option<ClaimId>,
    pub limit: u32,
}

/// A value bound to a claim filter's statement.
pub(crate) enum FilterBind {
    Int(i64),
    Text(String),
}

impl ClaimFilter {
    /// The conditions of the filter after `WHERE top.code = $1`, parameters numbered from
    /// `first`, with their values in order (`after` and `limit` are not among them: a count
    /// ignores them).
    pub(crate) fn conditions(&self, first: usize) -> (String, Vec<FilterBind>) {
        use crate::model::like_literal;
        let mut sql = String::new();
        let mut binds = Vec::new();
        let next = |binds: &mut Vec<FilterBind>, b: FilterBind| {
            binds.push(b);
            format!("${}", first + binds.len() - 1)
        };
        if let Some(m) = self.member {
            let n = next(&mut binds, FilterBind::Int(m.0));
            sql.push_str(&format!(" AND c.member_id = {n}"));
        }
        if let Some(p) = &self.policy {
            let n = next(&mut binds, FilterBind::Text(p.clone()));
            sql.push_str(&format!(" AND c.policy_id = {n}"));
        }
        if self.awaiting_payout {
            sql.push_str(
                " AND c.state = 'approved' AND c.approved_fen > c.paid_fen \
                 AND NOT EXISTS (SELECT 1 FROM payout_lines l \
                 WHERE l.claim_id = c.id AND l.status = 'pending')",
            );
        }
        if !self.states.is_empty() {
            let ns: Vec<String> = self
                .states
                .iter()
                .map(|s| next(&mut binds, FilterBind::Text(s.code().to_string())))
                .collect();
            sql.push_str(&format!(" AND c.state IN ({})", ns.join(", ")));
        }
        let name = self
            .member_name
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let tail = self
            .id_tail
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if name.is_some() || tail.is_some() {
            let mut on = String::new();
            if let Some(t) = name {
                let n = next(
                    &mut binds,
                    FilterBind::Text(format!("%{}%", like_literal(t))),
                );
                on.push_str(&format!(" AND m.name LIKE {n} ESCAPE '\\'"));
            }
            if let Some(t) = tail {
                let n = next(
                    &mut binds,
                    FilterBind::Text(format!("%{}", like_literal(&t.to_ascii_uppercase()))),
                );
                on.push_str(&format!(" AND m.id_number LIKE {n} ESCAPE '\\'"));
            }
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM members m WHERE m.tenant_id = c.tenant_id \
                 AND m.id = c.member_id{on})"
            ));
        }
        (sql, binds)
    }
}

#[derive(Debug, Clone)]
pub struct NewDocument {
    pub claim: ClaimId,
    pub kind: String,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub uploaded_by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredDocument {
    pub id: i64,
    pub claim: ClaimId,
    pub kind: String,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// What a payout line pays: a claim, or a programme's grant (SPEC 7.1: the same batches and bank
/// file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutSubject {
    Claim(ClaimId),
    Grant(crate::grant::GrantId),
}

impl PayoutSubject {
    pub fn claim(self) -> Option<ClaimId> {
        match self {
            PayoutSubject::Claim(c) => Some(c),
            PayoutSubject::Grant(_) => None,
        }
    }

    pub fn grant(self) -> Option<crate::grant::GrantId> {
        match self {
            PayoutSubject::Grant(g) => Some(g),
            PayoutSubject::Claim(_) => None,
        }
    }
}

/// A paid grant line's entry (payable → bank), built by the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantPayment {
    pub grant: crate::grant::GrantId,
    pub entry: Entry,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayoutLine {
    pub subject: PayoutSubject,
    pub member: MemberId,
    pub amount: Money,
    pub account_name: String,
    pub bank_account: String,
    /// 开户行 of the account, as the member's record held it when the batch was built.
    pub bank_branch: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub id: BatchId,
    pub org: String,
    pub status: String,
    pub lines: u32,
    pub total: Money,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub settled_by: Option<String>,
    pub settled_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayoutLine {
    pub id: i64,
    pub batch: BatchId,
    pub subject: PayoutSubject,
    pub member: MemberId,
    pub amount: Money,
    pub account_name: String,
    pub bank_account: String,
    pub bank_branch: Option<String>,
    pub status: String,
    pub failure: Option<String>,
}

/// How one line of a batch came back from the bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineOutcome {
    pub line: i64,
    /// None when paid; the bank's reason when it failed.
    pub failure: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntryView {
    pub id: i64,
    pub kind: String,
    pub memo: String,
    pub claim: Option<i64>,
    pub bill: Option<i64>,
    pub batch: Option<i64>,
    pub reverses: Option<i64>,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub postings: Vec<(String, i64)>,
}

/// What `huzhu ledger check` compares: the ledger's own sums and the figures it must match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LedgerFacts {
    pub entries: u64,
    pub postings: u64,
    /// Entries whose postings do not sum to zero: (entry id, sum).
    pub unbalanced: Vec<(i64, i64)>,
    /// Balance of every account, debit-positive.
    pub balances: BTreeMap<String, i64>,
    /// Per policy: (billed, paid bills) in fen.
    pub bills: BTreeMap<String, (i64, i64)>,
    /// Per (unit, policy): unpaid bills in fen.
    pub unpaid_by_unit: BTreeMap<(String, String), i64>,
    /// Per policy: (approved, paid) in fen over its claims.
    pub claims: BTreeMap<String, (i64, i64)>,
    /// Per member: approved − paid in fen over claims and grants, where not zero.
    pub owed_to_members: BTreeMap<i64, i64>,
    /// Per fund: (deposited, approved grants, paid grants) in fen.
    pub funds: BTreeMap<String, (i64, i64, i64)>,
    /// Per fund: the balance the fund table holds (the whole tenant's; the check over
    /// everything compares it).
    pub fund_table: BTreeMap<String, i64>,
    /// Per restricted part of a fund (its ledger account `programme_fund:<fund>:<programme>`):
    /// the balance the parts table holds (donation module; the check over everything).
    pub fund_parts: BTreeMap<String, i64>,
}

/// How an entry refers to what caused it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntryRefs {
    pub claim: Option<ClaimId>,
    pub bill: Option<BillId>,
    pub batch: Option<BatchId>,
}

/// The money path's repository. Implemented for both backends by the same SQL.
pub trait MoneyStore: Clone + Send + Sync + 'static {
    /// Which opened database this is: equal for clones of one store, different for two stores
    /// opened in the same process. Caches of what a database holds key by it.
    fn identity(&self) -> usize;

    /// Records a policy cycle; loading the same text again is a no-op, a different text under the
    /// same id is a conflict (a changed policy is a new version with a new id).
    fn load_policy(&self, p: &PolicyRecord) -> impl Future<Output = Result<()>> + Send;

    fn policy_record(&self, id: &str) -> impl Future<Output = Result<PolicyRecord>> + Send;

    fn policy_records(&self) -> impl Future<Output = Result<Vec<PolicyRecord>>> + Send;

    /// The member's organisation code and tenant, by member id.
    fn member_unit(&self, member: MemberId) -> impl Future<Output = Result<(String, i64)>> + Send;

    /// A member by id, with the organisation it belongs to now.
    fn member(&self, member: MemberId) -> impl Future<Output = Result<crate::StoredMember>> + Send;

    /// The member, if they belong now to `ancestor` or an organisation under it: a scope check
    /// and the member's record in one read. An unknown member is None, as one outside.
    fn member_under(
        &self,
        member: MemberId,
        ancestor: &OrgCode,
    ) -> impl Future<Output = Result<Option<crate::StoredMember>>> + Send;

    /// The members named, by id, each with the organisation it belongs to now; unknown ids are
    /// left out. One query per 1,000 ids (the archive's heads, issue 15: not one read each).
    fn members(
        &self,
        members: &[MemberId],
    ) -> impl Future<Output = Result<Vec<crate::StoredMember>>> + Send;

    /// Every claim of a member under a policy, in the order they were made.
    fn member_claims(
        &self,
        member: MemberId,
        policy: &str,
    ) -> impl Future<Output = Result<Vec<StoredClaim>>> + Send;

    /// Writes a unit's enrolments, its bill and the bill's ledger entry in one transaction. An
    /// enrolment that exists already (member, policy, item) is a conflict and nothing is written.
    fn enrol_unit(&self, e: &UnitEnrolment<'_>) -> impl Future<Output = Result<BillId>> + Send;

    /// Every enrolment of a member, across cycles, oldest cycle first.
    fn member_enrolments(
        &self,
        member: MemberId,
    ) -> impl Future<Output = Result<Vec<StoredEnrolment>>> + Send;

    fn unit_enrolments(
        &self,
        unit: &OrgCode,
        policy: &str,
    ) -> impl Future<Output = Result<Vec<StoredEnrolment>>> + Send;

    fn bill(&self, id: BillId) -> impl Future<Output = Result<Bill>> + Send;

    /// A bill of a unit in `scope` (whoever pays it); any other is [`crate::StoreError::NotFound`].
    fn bill_under(
        &self,
        id: BillId,
        scope: &crate::OrgScope,
    ) -> impl Future<Output = Result<Bill>> + Send;

    /// Bills of every unit in the subtree under `org` (whoever pays them), newest first.
    fn bills_under(&self, org: &OrgCode) -> impl Future<Output = Result<Vec<Bill>>> + Send;

    /// Marks an unpaid bill paid and posts its entry; a paid bill is a conflict.
    fn pay_bill(
        &self,
        id: BillId,
        payment_ref: &str,
        entry: &Entry,
        actor: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Bill>> + Send;

    /// Writes a new claim and its first event in one transaction and answers the claim as stored
    /// (from what was written, without reading it back) with its member as they stood then. An
    /// unknown member, or one outside [`NewClaim::within`], is [`crate::StoreError::NotFound`]
    /// and writes nothing.
    fn create_claim(&self, c: &NewClaim) -> impl Future<Output = Result<CreatedClaim>> + Send;

    fn claim(&self, id: ClaimId) -> impl Future<Output = Result<StoredClaim>> + Send;

    /// A claim whose member lies in what `visibility` allows (the member's unit of now); any other
    /// is [`crate::StoreError::NotFound`], as a missing one.
    fn claim_visible(
        &self,
        id: ClaimId,
        visibility: &crate::Visibility,
    ) -> impl Future<Output = Result<StoredClaim>> + Send;

    /// Claims of the subtree under `org` matching the filter, by id.
    fn claims_under(
        &self,
        org: &OrgCode,
        filter: &ClaimFilter,
    ) -> impl Future<Output = Result<Vec<StoredClaim>>> + Send;

    /// How many claims of the subtree under `org` match the filter (its `after` and `limit`
    /// aside): the 共 N 条 of a paged list.
    fn count_claims_under(
        &self,
        org: &OrgCode,
        filter: &ClaimFilter,
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Every claim of a policy cycle, by id (for replay and the review norms).
    fn claims_of_policy(
        &self,
        policy: &str,
        after: Option<ClaimId>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredClaim>>> + Send;

    /// One page of a policy cycle's claims, by member then id, after `after` (the last member and
    /// claim of the previous page): how batch adjudication walks a cycle member by member.
    fn claims_page_by_member(
        &self,
        policy: &str,
        after: Option<(MemberId, ClaimId)>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredClaim>>> + Send;

    /// The members named, by id, each with their enrolments in `policy` by item; unknown ids are
    /// left out. A page's worth in a query for the members and one for the enrolments.
    fn members_with_enrolments(
        &self,
        members: &[MemberId],
        policy: &str,
    ) -> impl Future<Output = Result<Vec<(crate::StoredMember, Vec<StoredEnrolment>)>>> + Send;

    /// The kinds of the documents uploaded for each of the claims named, in upload order; a claim
    /// without documents is left out.
    fn document_kinds(
        &self,
        claims: &[ClaimId],
    ) -> impl Future<Output = Result<BTreeMap<ClaimId, Vec<String>>>> + Send;

    /// Writes the engine's decision (JSON) and payable amount of many claims in one transaction,
    /// and bumps their versions, so that a change computed from the old decision is a conflict.
    /// Nothing else moves: state, approved and paid amounts, events and the ledger stay as they
    /// are (a recomputation, not an approval). Returns how many claims were written; a claim that
    /// does not exist is [`crate::StoreError::NotFound`] and then nothing is written.
    fn record_decisions(
        &self,
        decisions: &[(ClaimId, String, Money)],
    ) -> impl Future<Output = Result<u64>> + Send;

    fn change_claim(&self, c: &ClaimChange) -> impl Future<Output = Result<StoredClaim>> + Send;

    fn claim_events(&self, id: ClaimId) -> impl Future<Output = Result<Vec<ClaimEvent>>> + Send;

    /// Stores the file once by hash (never overwritten) and links it to the claim.
    fn add_document(&self, d: &NewDocument) -> impl Future<Output = Result<StoredDocument>> + Send;

    fn documents(&self, claim: ClaimId)
        -> impl Future<Output = Result<Vec<StoredDocument>>> + Send;

    /// A stored file: (content type, bytes).
    fn blob(&self, sha256: &str) -> impl Future<Output = Result<(String, Vec<u8>)>> + Send;

    /// Creates a payout batch of approved claims and grants (a grant moves to `in_batch`); one
    /// already in a live batch, or that moved, is a conflict.
    fn create_batch(
        &self,
        org: &OrgCode,
        lines: &[NewPayoutLine],
        // How many approved claims were left out (no bank account), for the audit entry.
        skipped: usize,
        actor: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Batch>> + Send;

    fn batch(&self, id: BatchId) -> impl Future<Output = Result<(Batch, Vec<PayoutLine>)>> + Send;

    /// A batch of an org in `scope`, with its lines; any other is [`crate::StoreError::NotFound`].
    fn batch_under(
        &self,
        id: BatchId,
        scope: &crate::OrgScope,
    ) -> impl Future<Output = Result<(Batch, Vec<PayoutLine>)>> + Send;

    fn batches_under(&self, org: &OrgCode) -> impl Future<Output = Result<Vec<Batch>>> + Send;

    /// Settles an open batch: line outcomes, the paid claims' changes and their ledger entries,
    /// the paid grants' entries (a paid grant line moves its grant to `paid`, a failed one back
    /// to `approved`), all in one transaction.
    fn settle_batch(
        &self,
        id: BatchId,
        outcomes: &[LineOutcome],
        changes: &[ClaimChange],
        grants: &[GrantPayment],
        actor: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Batch>> + Send;

    /// Ledger entries in `scope` ([`LedgerScope`] says which entry belongs where), newest first,
    /// after `before` (an entry id) when given.
    fn ledger_entries(
        &self,
        scope: &LedgerScope,
        before: Option<i64>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<LedgerEntryView>>> + Send;

    /// The ledger's sums over the entries in `scope`, and the bills and claims of the same scope
    /// they must agree with.
    fn ledger_facts(&self, scope: &LedgerScope)
        -> impl Future<Output = Result<LedgerFacts>> + Send;
}
