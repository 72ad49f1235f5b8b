//! What the store hands back and takes in, beyond the domain's own types.

use crate::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::id_number::{Gender, IdKind, IdNumber};
use huzhu_domain::member::{EmploymentStatus, MemberRecord, MemberTag};
use huzhu_domain::org::{OrgCode, OrgLevel, RegionCode};
use huzhu_domain::personal::{BankAccount, BankBranch, PersonName, Phone};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ImportId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Orgs,
    Members,
}

impl ImportKind {
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Orgs => "orgs",
            ImportKind::Members => "members",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ImportStart {
    pub kind: ImportKind,
    pub file_name: String,
    pub file_sha256: String,
    pub actor: String,
}

/// Counts of an import run. `read` counts data rows, good or bad.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub read: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Rows whose change of bank account was held for a second person's confirmation (issue 14;
    /// their other changes, if any, were applied). Each row counts once: created, updated,
    /// held, unchanged or rejected.
    pub held: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportRun {
    pub id: ImportId,
    pub kind: String,
    pub file_name: String,
    pub status: String,
    pub counts: ImportCounts,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgOutcome {
    Created,
    Updated,
    Unchanged,
    /// The parent code is neither stored nor earlier in the batch.
    UnknownParent(OrgCode),
    /// A rule of the tree would break (level order, a cycle, another city).
    Rejected(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberOutcome {
    Created,
    Updated {
        changed: Vec<&'static str>,
    },
    /// The row names another bank account: that change waits for confirmation
    /// ([`crate::BankChangeStore`]) while `changed` (possibly nothing) was applied.
    Held {
        changed: Vec<&'static str>,
    },
    Unchanged,
    Rejected(MemberRejection),
}

/// Why a valid row still cannot be stored: it contradicts what is stored or an earlier row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberRejection {
    #[error("工会代码{0}不存在，请先导入组织 (no organisation with code {0}: import the organisations first)")]
    UnknownOrg(OrgCode),
    #[error("{org}不是基层工会，会员只能隶属基层工会 ({org} is not a grassroots union; members belong to grassroots unions)")]
    NotGrassroots { org: OrgCode },
    #[error("身份证号与第{first_row}行重复，但姓名不同（第{first_row}行为“{first_name}”） (same ID number as row {first_row}, with another name)")]
    DuplicateInFile { first_row: u64, first_name: String },
    #[error("身份证号与第{first_row}行重复，同一人在一份名册中只能出现一次 (same ID number as row {first_row}: a person appears once in a roster)")]
    RepeatedInFile { first_row: u64 },
    /// The unit named by the row lies outside the importer's subtree (or does not exist: scope
    /// never tells what exists outside it).
    #[error("工会{0}不存在或不在您的管理范围内，只能导入本单位及下级的会员 (union {0} does not exist or is outside your scope: import members of your own unit only)")]
    OrgOutOfScope(OrgCode),
    /// The ID number belongs to a member this import may not change: one whose current unit is
    /// outside the importer's subtree, or one registered under another city federation. One
    /// wording for every case, which never says that the person exists elsewhere (issue 14;
    /// docs/import.md quotes it).
    #[error("该身份证号无法登记到本单位，请核对或联系上级工会 (this ID number cannot be registered to this unit: check it or contact the federation above)")]
    NotRegistrable,
}

impl MemberRejection {
    /// The field the rejection is about, by its canonical key.
    pub fn field(&self) -> &'static str {
        match self {
            MemberRejection::UnknownOrg(_)
            | MemberRejection::NotGrassroots { .. }
            | MemberRejection::OrgOutOfScope(_) => "org",
            MemberRejection::DuplicateInFile { .. }
            | MemberRejection::RepeatedInFile { .. }
            | MemberRejection::NotRegistrable => "id_number",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: i64,
    pub tenant_id: i64,
    pub code: OrgCode,
    pub name: String,
    pub parent: Option<OrgCode>,
    pub level: OrgLevel,
    pub region: RegionCode,
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub after: Option<MemberId>,
    pub limit: u32,
}

/// What to look for among members; every part given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFilter {
    /// The name contains this.
    pub name: Option<String>,
    /// The ID number ends with this (the digits a masked number shows).
    pub id_tail: Option<String>,
    /// The phone number ends with this.
    pub phone_tail: Option<String>,
    /// Employment status code (`in_service`, `retired`, `reemployed_retiree`).
    pub status: Option<String>,
    /// Tag code (`hardship`, `model_worker`, `migrant`, `new_form`, `craftsman`).
    pub tag: Option<String>,
    /// Members matching any of `name`, `id_tail` or `phone_tail` (one search box), instead of
    /// all of them.
    pub any_text: bool,
}

impl MemberFilter {
    /// The filter's conditions (each ` AND …`), parameters numbered from `first`, with their
    /// values in order: one text for [`crate::Store::search_members`] and its count.
    pub(crate) fn conditions(&self, first: usize) -> (String, Vec<String>) {
        let mut binds: Vec<String> = Vec::new();
        let mut text = Vec::new();
        let mut exact = Vec::new();
        let n = |binds: &Vec<String>| binds.len() + first - 1;
        if let Some(v) = self.name.as_deref().filter(|v| !v.is_empty()) {
            binds.push(format!("%{}%", like_literal(v)));
            text.push(format!("m.name LIKE ${} ESCAPE '\\'", n(&binds)));
        }
        if let Some(t) = self.id_tail.as_deref().filter(|t| !t.is_empty()) {
            binds.push(format!("%{}", like_literal(&t.to_ascii_uppercase())));
            text.push(format!("m.id_number LIKE ${} ESCAPE '\\'", n(&binds)));
        }
        if let Some(t) = self.phone_tail.as_deref().filter(|t| !t.is_empty()) {
            binds.push(format!("%{}", like_literal(t)));
            text.push(format!("m.phone LIKE ${} ESCAPE '\\'", n(&binds)));
        }
        if let Some(st) = self.status.as_deref().filter(|s| !s.is_empty()) {
            binds.push(st.to_string());
            exact.push(format!("m.status = ${}", n(&binds)));
        }
        if let Some(tag) = self.tag.as_deref().filter(|t| !t.is_empty()) {
            binds.push(format!("%\"tag\":\"{}\"%", like_literal(tag)));
            exact.push(format!("m.tags LIKE ${} ESCAPE '\\'", n(&binds)));
        }
        let mut conditions = exact;
        if !text.is_empty() {
            let joiner = if self.any_text { " OR " } else { " AND " };
            conditions.push(format!("({})", text.join(joiner)));
        }
        (
            conditions.iter().map(|c| format!(" AND {c}")).collect(),
            binds,
        )
    }
}

/// A LIKE pattern that matches `text` literally, with `\` as the escape character.
pub(crate) fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A member as stored: the record, its key and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMember {
    pub id: MemberId,
    pub record: MemberRecord,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// A member's fields as plain values: the shape of a row and of a history snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSnapshot {
    pub id_kind: String,
    pub id_number: String,
    pub name: String,
    pub gender: String,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub org: String,
    pub status: String,
    pub hire_date: Option<NaiveDate>,
    pub join_date: Option<NaiveDate>,
    pub ss_region: Option<String>,
    pub tags: String,
    pub bank_account: Option<String>,
    /// 开户行; absent from history written before it was kept.
    #[serde(default)]
    pub bank_branch: Option<String>,
}

impl MemberSnapshot {
    pub fn from_record(r: &MemberRecord) -> MemberSnapshot {
        MemberSnapshot {
            id_kind: r.id_number.kind().code().to_string(),
            id_number: r.id_number.as_str().to_string(),
            name: r.name.as_str().to_string(),
            gender: r.gender.code().to_string(),
            birth_date: r.birth_date,
            phone: r.phone.as_ref().map(|p| p.as_str().to_string()),
            org: r.org.as_str().to_string(),
            status: r.status.code().to_string(),
            hire_date: r.hire_date,
            join_date: r.join_date,
            ss_region: r.social_security_region.map(|c| c.to_string()),
            tags: serde_json::to_string(&r.tags).unwrap_or_else(|_| "[]".into()),
            bank_account: r.bank_account.as_ref().map(|b| b.as_str().to_string()),
            bank_branch: r.bank_branch.as_ref().map(|b| b.as_str().to_string()),
        }
    }

    /// The values after an import row is applied over the stored ones: a cell left empty keeps
    /// what is stored (an empty cell means "not given", not "erase"), tags likewise.
    pub fn merged_with(&self, new: &MemberSnapshot) -> MemberSnapshot {
        let keep = |n: &Option<String>, o: &Option<String>| n.clone().or_else(|| o.clone());
        MemberSnapshot {
            phone: keep(&new.phone, &self.phone),
            hire_date: new.hire_date.or(self.hire_date),
            join_date: new.join_date.or(self.join_date),
            ss_region: keep(&new.ss_region, &self.ss_region),
            tags: if new.tags == "[]" {
                self.tags.clone()
            } else {
                new.tags.clone()
            },
            bank_account: keep(&new.bank_account, &self.bank_account),
            bank_branch: keep(&new.bank_branch, &self.bank_branch),
            ..new.clone()
        }
    }

    /// Names of the fields that differ, in a fixed order.
    pub fn changed_fields(&self, other: &MemberSnapshot) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut cmp = |name: &'static str, same: bool| {
            if !same {
                out.push(name)
            }
        };
        cmp("id_kind", self.id_kind == other.id_kind);
        cmp("name", self.name == other.name);
        cmp("gender", self.gender == other.gender);
        cmp("birth_date", self.birth_date == other.birth_date);
        cmp("phone", self.phone == other.phone);
        cmp("org", self.org == other.org);
        cmp("status", self.status == other.status);
        cmp("hire_date", self.hire_date == other.hire_date);
        cmp("join_date", self.join_date == other.join_date);
        cmp("ss_region", self.ss_region == other.ss_region);
        cmp("tags", self.tags == other.tags);
        cmp("bank_account", self.bank_account == other.bank_account);
        cmp("bank_branch", self.bank_branch == other.bank_branch);
        out
    }

    /// Back to a domain record; a value that no longer parses is reported as corruption.
    pub fn to_record(&self) -> Result<MemberRecord, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("member field {what}"));
        let kind = IdKind::ALL
            .into_iter()
            .find(|k| k.code() == self.id_kind)
            .ok_or_else(|| corrupt("id_kind"))?;
        let tags: BTreeSet<MemberTag> =
            serde_json::from_str(&self.tags).map_err(|_| corrupt("tags"))?;
        Ok(MemberRecord {
            id_number: IdNumber::from_stored(kind, &self.id_number)
                .map_err(|_| corrupt("id_number"))?,
            name: PersonName::parse(&self.name).map_err(|_| corrupt("name"))?,
            gender: Gender::parse(&self.gender).ok_or_else(|| corrupt("gender"))?,
            birth_date: self.birth_date,
            phone: self
                .phone
                .as_deref()
                .map(Phone::parse)
                .transpose()
                .map_err(|_| corrupt("phone"))?,
            org: OrgCode::parse(&self.org).map_err(|_| corrupt("org"))?,
            status: EmploymentStatus::parse(&self.status).ok_or_else(|| corrupt("status"))?,
            hire_date: self.hire_date,
            join_date: self.join_date,
            social_security_region: self
                .ss_region
                .as_deref()
                .map(RegionCode::parse)
                .transpose()
                .map_err(|_| corrupt("ss_region"))?,
            tags,
            bank_account: self
                .bank_account
                .as_deref()
                .map(BankAccount::parse)
                .transpose()
                .map_err(|_| corrupt("bank_account"))?,
            bank_branch: self
                .bank_branch
                .as_deref()
                .map(BankBranch::parse)
                .transpose()
                .map_err(|_| corrupt("bank_branch"))?,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    /// The version these values were.
    pub version: i32,
    pub snapshot: MemberSnapshot,
    pub changed: Vec<String>,
    pub import: Option<ImportId>,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    /// The organisation in whose subtree the action happened: the actor's org, or the subject's
    /// unit where that is known better (a revealed ID number: the member's unit). `None` for an
    /// entry written by no org (a sign-in under an unknown name) and for every entry written
    /// before the audit log knew orgs; those belong to no tenant and only the unscoped read
    /// ([`OrgScope::Everything`], the operator of the database) sees them (see [`AuditScope`]).
    pub org: Option<OrgCode>,
}

/// An audit entry with its place in the log (ids grow with time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub entry: AuditEntry,
}

/// A page of the audit log: entries of `scope` older than `before`, of one `action`, by one
/// `actor` and at or after `from`, before `until`, each if given.
#[derive(Debug, Clone)]
pub struct AuditQuery {
    pub scope: AuditScope,
    pub before: Option<i64>,
    pub action: Option<String>,
    /// The account (username) that acted.
    pub actor: Option<String>,
    /// The first instant included.
    pub from: Option<DateTime<Utc>>,
    /// The first instant left out.
    pub until: Option<DateTime<Utc>>,
    pub limit: u32,
}

/// The part of the data a read covers (SPEC 1–2: a user's rights are scoped to an org and its
/// subtree): the ledger ([`crate::money::LedgerScope`] says which entry belongs where) and the
/// audit log ([`AuditScope`]) use the same two cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgScope {
    /// Everything: the operator of the database (the command line).
    Everything,
    /// What belongs to this org's subtree (within its tenant).
    Under(OrgCode),
}

impl OrgScope {
    /// The org code bound for the scope, `None` for [`OrgScope::Everything`].
    pub fn org(&self) -> Option<&str> {
        match self {
            OrgScope::Everything => None,
            OrgScope::Under(org) => Some(org.as_str()),
        }
    }
}

/// What an actor may see of single objects (a member, a claim), handed to the store as a value
/// so that the read itself filters: a subtree for staff and officers, one member for a member
/// account. Outside it the store answers as for a missing object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// The subtree of an org (or everything, for the command line).
    Orgs(OrgScope),
    /// One member: a member account sees itself only.
    Member(MemberId),
}

impl Visibility {
    /// The org code bound for the subtree, `None` when not limited by org.
    pub fn org(&self) -> Option<&str> {
        match self {
            Visibility::Orgs(scope) => scope.org(),
            Visibility::Member(_) => None,
        }
    }

    /// The member id bound, `None` when not limited to one member.
    pub fn member(&self) -> Option<i64> {
        match self {
            Visibility::Orgs(_) => None,
            Visibility::Member(m) => Some(m.0),
        }
    }
}

/// `$n` binds [`OrgScope::org`]: the condition that the org id column `col` lies in the scope.
pub(crate) fn org_under(col: &str, n: usize) -> String {
    format!(
        "(${n} IS NULL OR {col} IN (SELECT sc.descendant_id FROM org_closure sc \
         JOIN orgs sa ON sa.id = sc.ancestor_id WHERE sa.code = ${n}))"
    )
}

/// `$o` binds [`Visibility::org`] and `$m` [`Visibility::member`]: the condition on a member id
/// column `col` that keeps only what the visibility allows (the member's unit of now).
pub(crate) fn visible_member(col: &str, o: usize, m: usize) -> String {
    format!(
        "((${o} IS NULL OR {col} IN (SELECT vm.id FROM members vm WHERE vm.org_id IN \
         (SELECT vc.descendant_id FROM org_closure vc JOIN orgs va ON va.id = vc.ancestor_id \
         WHERE va.code = ${o}))) AND (${m} IS NULL OR {col} = ${m}))"
    )
}

/// The part of the audit log a read covers: with [`OrgScope::Under`], the entries whose org lies
/// in the subtree of that org (entries of no org never: they belong to no tenant); with
/// [`OrgScope::Everything`], all of them.
pub type AuditScope = OrgScope;
