//! 春风行动 donations, their gapless receipts, donors and the restricted parts of a fund (SPEC
//! 7.5; docs/donations.md).
//!
//! Each method is one transaction with its audit entry. A receipt's number comes from the
//! federation's counter row for the year, bumped by `INSERT … ON CONFLICT DO UPDATE … RETURNING`
//! inside the donation's own transaction: the row stays locked until the commit, so two
//! donations never share a number, and a donation that fails after the bump rolls its number
//! back with it — never `MAX() + 1` read first. A received donation credits the `spring_breeze`
//! fund through a `fund_deposits` row (so the ledger's scope and `huzhu ledger check` see it like
//! any money put into a fund); a restricted one also credits the fund's part for its programme.

use crate::OrgScope;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::donation::{Channel, DonationState, DonorKind, ReceiptState};
use huzhu_domain::money::Money;
use huzhu_domain::org::OrgCode;
use serde::Serialize;
use std::future::Future;

/// A donor as stored (phone and account whole: the app masks them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Donor {
    pub id: i64,
    pub kind: DonorKind,
    pub name: String,
    pub member_id: Option<i64>,
    pub phone: Option<String>,
    pub bank_account: Option<String>,
    pub consent: bool,
    pub created_at: DateTime<Utc>,
}

/// A donor with the gifts received in scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DonorSummary {
    pub donor: Donor,
    pub gifts: i64,
    pub total: Money,
    pub last_on: Option<NaiveDate>,
}

/// A receipt as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub id: i64,
    pub donation_id: i64,
    pub year: i32,
    pub seq: i64,
    pub number: String,
    pub amount: Money,
    pub state: ReceiptState,
    /// The voided receipt this one reissues.
    pub replaces: Option<String>,
    pub void_reason: Option<String>,
    pub voided_by: Option<String>,
    pub voided_at: Option<DateTime<Utc>>,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
}

/// A donation with its donor and every receipt it had (oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Donation {
    pub id: i64,
    pub org: OrgCode,
    pub org_name: String,
    pub donor: Donor,
    pub channel: Channel,
    pub amount: Money,
    pub on: NaiveDate,
    pub programme: Option<String>,
    pub state: DonationState,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    pub receipts: Vec<Receipt>,
}

impl Donation {
    /// The receipt in force, if the money is in.
    pub fn receipt(&self) -> Option<&Receipt> {
        self.receipts
            .iter()
            .find(|r| r.state == ReceiptState::Issued)
    }
}

/// A new donor, created with their first gift.
#[derive(Debug, Clone)]
pub struct NewDonor<'a> {
    pub kind: DonorKind,
    pub name: &'a str,
    pub member_id: Option<i64>,
    pub phone: Option<&'a str>,
    pub bank_account: Option<&'a str>,
    pub consent: bool,
}

/// Who gave: a donor on file (of the same federation), or a new one.
#[derive(Debug, Clone)]
pub enum DonorRef<'a> {
    Existing(i64),
    New(NewDonor<'a>),
}

/// A donation as the app checked it.
#[derive(Debug, Clone)]
pub struct NewDonation<'a> {
    /// The recording org (in the actor's scope: the app checked it).
    pub org: &'a OrgCode,
    pub donor: DonorRef<'a>,
    pub channel: Channel,
    pub amount: Money,
    pub on: NaiveDate,
    pub programme: Option<&'a str>,
    /// Whether the money is in (else an expected bank transfer, no receipt yet).
    pub received: bool,
    pub reference: Option<&'a str>,
    pub note: Option<&'a str>,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// Filter of a donation list.
#[derive(Debug, Clone, Default)]
pub struct DonationFilter {
    pub donor: Option<i64>,
    pub state: Option<DonationState>,
    pub limit: u32,
}

/// A consenting donor on the public thank-you list: kind, name (whole as stored; the app masks),
/// the years they gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThanksRow {
    pub kind: DonorKind,
    pub name: String,
    pub first_on: NaiveDate,
    pub gifts: i64,
}

/// What of a fund is restricted to one programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundPart {
    pub fund: String,
    pub programme: String,
    pub balance: Money,
}

pub trait DonationStore: Send + Sync {
    /// Records a donation; when the money is in, issues its receipt (the next number of the
    /// federation and year of `on`) and credits the fund, all in one transaction.
    fn record_donation(
        &self,
        d: &NewDonation<'_>,
    ) -> impl Future<Output = crate::Result<Donation>> + Send;

    /// An expected donation's money arrived: receipt, fund, audit; a conflict unless expected.
    fn receive_donation(
        &self,
        id: i64,
        scope: &OrgScope,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Donation>> + Send;

    /// Voids the receipt in force with `reason` and reissues the donation under a new number
    /// that points at it; a conflict unless the receipt is issued.
    fn void_receipt(
        &self,
        receipt: i64,
        reason: &str,
        scope: &OrgScope,
        by: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = crate::Result<Donation>> + Send;

    fn donation(
        &self,
        id: i64,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Donation>> + Send;

    /// The donation whose receipt (in force or voided) has this number.
    fn donation_by_receipt(
        &self,
        number: &str,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Donation>> + Send;

    /// Donations in scope, newest first.
    fn donations(
        &self,
        filter: &DonationFilter,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<Donation>>> + Send;

    /// Donors with a gift in scope whose name, phone or account contains `query`, or whose
    /// number is `query` (all when empty), most recent giver first.
    fn donors(
        &self,
        query: &str,
        limit: u32,
        scope: &OrgScope,
    ) -> impl Future<Output = crate::Result<Vec<DonorSummary>>> + Send;

    /// A donor with a gift in scope.
    fn donor(&self, id: i64, scope: &OrgScope)
        -> impl Future<Output = crate::Result<Donor>> + Send;

    /// The donor record of a member, if they ever gave (any org of the federation).
    fn donor_of_member(
        &self,
        member: i64,
    ) -> impl Future<Output = crate::Result<Option<Donor>>> + Send;

    /// Every received gift of a donor in the whole federation (date, amount): the case facts
    /// of 春风反哺.
    fn donor_gifts(
        &self,
        donor: i64,
    ) -> impl Future<Output = crate::Result<Vec<(NaiveDate, Money)>>> + Send;

    /// The consenting donors with a received gift (public page): of the federation of `org`,
    /// or of every federation.
    fn thanks(
        &self,
        org: Option<&OrgCode>,
    ) -> impl Future<Output = crate::Result<Vec<ThanksRow>>> + Send;

    /// The receipt numbers (sequence) given in the federation of `org` for `year`, ascending.
    fn receipt_seqs(
        &self,
        org: &OrgCode,
        year: i32,
    ) -> impl Future<Output = crate::Result<Vec<i64>>> + Send;

    /// The restricted parts of the funds of the federation of `org`.
    fn fund_parts(
        &self,
        org: &OrgCode,
    ) -> impl Future<Output = crate::Result<Vec<FundPart>>> + Send;
}

/// `d.org_id` lies under the org whose code is bound as `$n` (every org when it is NULL).
pub(crate) fn in_scope(n: usize) -> String {
    format!(
        "(${n} IS NULL OR d.org_id IN (SELECT c.descendant_id FROM org_closure c \
         JOIN orgs a ON a.id = c.ancestor_id WHERE a.code = ${n}))"
    )
}

pub(crate) const DONATION_COLUMNS: &str = "d.id, o.code AS org_code, o.name AS org_name, \
     r.id AS donor_id, r.kind AS donor_kind, r.name AS donor_name, r.member_id AS donor_member_id, \
     r.phone AS donor_phone, r.bank_account AS donor_account, r.consent AS donor_consent, \
     r.created_at AS donor_created_at, d.channel, d.amount_fen, d.donated_on, d.programme_id, \
     d.state, d.reference, d.note, d.recorded_by, d.recorded_at, d.received_at";

pub(crate) const DONATION_FROM: &str = "donations d JOIN orgs o ON o.id = d.org_id JOIN donors r \
     ON r.tenant_id = d.tenant_id AND r.id = d.donor_id";

pub(crate) const RECEIPT_SELECT: &str = "SELECT c.id, c.donation_id, c.year, c.seq, c.number, \
     c.amount_fen, c.state, p.number AS replaces_number, c.void_reason, c.voided_by, \
     c.voided_at, c.issued_by, c.issued_at FROM receipts c \
     LEFT JOIN receipts p ON p.tenant_id = c.tenant_id AND p.id = c.replaces_id";

pub(crate) const DONOR_COLUMNS: &str =
    "r.id, r.kind, r.name, r.member_id, r.phone, r.bank_account, r.consent, r.created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct DonorRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub member_id: Option<i64>,
    pub phone: Option<String>,
    pub bank_account: Option<String>,
    pub consent: bool,
    pub created_at: DateTime<Utc>,
}

impl DonorRow {
    pub fn into_donor(self) -> crate::Result<Donor> {
        Ok(Donor {
            kind: DonorKind::parse(&self.kind)
                .ok_or_else(|| crate::StoreError::Corrupt(format!("donor {} kind", self.id)))?,
            id: self.id,
            name: self.name,
            member_id: self.member_id,
            phone: self.phone,
            bank_account: self.bank_account,
            consent: self.consent,
            created_at: self.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DonationRow {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub donor_id: i64,
    pub donor_kind: String,
    pub donor_name: String,
    pub donor_member_id: Option<i64>,
    pub donor_phone: Option<String>,
    pub donor_account: Option<String>,
    pub donor_consent: bool,
    pub donor_created_at: DateTime<Utc>,
    pub channel: String,
    pub amount_fen: i64,
    pub donated_on: NaiveDate,
    pub programme_id: Option<String>,
    pub state: String,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
}

impl DonationRow {
    pub fn into_donation(self, receipts: Vec<Receipt>) -> crate::Result<Donation> {
        let corrupt =
            |what: &str| crate::StoreError::Corrupt(format!("donation {} {what}", self.id));
        let donor = DonorRow {
            id: self.donor_id,
            kind: self.donor_kind,
            name: self.donor_name,
            member_id: self.donor_member_id,
            phone: self.donor_phone,
            bank_account: self.donor_account,
            consent: self.donor_consent,
            created_at: self.donor_created_at,
        }
        .into_donor()?;
        Ok(Donation {
            id: self.id,
            org: OrgCode::parse(&self.org_code).map_err(|_| corrupt("org"))?,
            org_name: self.org_name,
            donor,
            channel: Channel::parse(&self.channel).ok_or_else(|| corrupt("channel"))?,
            amount: Money::from_fen(self.amount_fen),
            on: self.donated_on,
            programme: self.programme_id,
            state: DonationState::parse(&self.state).ok_or_else(|| corrupt("state"))?,
            reference: self.reference,
            note: self.note,
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at,
            received_at: self.received_at,
            receipts,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReceiptRow {
    pub id: i64,
    pub donation_id: i64,
    pub year: i32,
    pub seq: i64,
    pub number: String,
    pub amount_fen: i64,
    pub state: String,
    pub replaces_number: Option<String>,
    pub void_reason: Option<String>,
    pub voided_by: Option<String>,
    pub voided_at: Option<DateTime<Utc>>,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
}

impl ReceiptRow {
    pub fn into_receipt(self) -> crate::Result<Receipt> {
        Ok(Receipt {
            state: ReceiptState::parse(&self.state)
                .ok_or_else(|| crate::StoreError::Corrupt(format!("receipt {} state", self.id)))?,
            id: self.id,
            donation_id: self.donation_id,
            year: self.year,
            seq: self.seq,
            number: self.number,
            amount: Money::from_fen(self.amount_fen),
            replaces: self.replaces_number,
            void_reason: self.void_reason,
            voided_by: self.voided_by,
            voided_at: self.voided_at,
            issued_by: self.issued_by,
            issued_at: self.issued_at,
        })
    }
}

/// The calendar year of a date, for the receipt counter.
pub(crate) fn year_of(on: NaiveDate) -> i32 {
    use chrono::Datelike;
    on.year()
}

mod sql;
pub(crate) use sql::impl_donation_store;
