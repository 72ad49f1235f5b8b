//! 云结对 — cloud pairing (SPEC 7.6; docs/pairing.md). Staff (`ManagePairing`) publish a needy
//! student of a golden-autumn grant of their subtree; anyone with the link reads the public page;
//! a sponsor claims (a 30-minute hold and a secret sponsor token), confirms a pledge with the
//! token, and later reads the payments and progress reports with it. Staff record payments
//! and reports and set the household's consent.
//!
//! Nothing of a student beyond SPEC 7.6 (surname, grade, school level, district, yearly need)
//! leaves through the public use cases; the identity reaches the sponsor only with consent.

use crate::access::{not_found, require};
use crate::digest::{hex, sha256_hex};
use crate::{AppError, Clock};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, NaiveDate, Utc};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::money::Money;
use huzhu_domain::pairing::{self as dp, PairingError};
use huzhu_domain::personal::mask_middle;
use huzhu_store::grant::GrantId;
use huzhu_store::pairing::{
    NewClaim, NewPublication, PairingPayment, PairingReport, PairingStudent, PublicListing,
    SponsorView,
};
use huzhu_store::{OrgScope, Repo, StoreError};

/// The programme whose students may be published.
pub const PROGRAMME: &str = "golden-autumn";

/// How many students the public list shows at most.
pub const PUBLIC_LIMIT: u32 = 500;

fn scope(actor: &Actor) -> OrgScope {
    OrgScope::Under(actor.org.clone())
}

/// A fresh token: 16 bytes from the operating system's generator, hex (128 bits).
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn rule(e: PairingError) -> AppError {
    match e {
        PairingError::Invalid { field, message } => AppError::invalid(field, message),
        other => AppError::Conflict(other.to_string()),
    }
}

fn student_not_found(id: i64) -> AppError {
    not_found(&format!("结对学生 {id} (pairing student {id})"))
}

fn link_not_found() -> AppError {
    not_found("结对链接 (pairing link)")
}

fn store_err(e: StoreError, missing: impl FnOnce() -> AppError) -> AppError {
    match e {
        StoreError::NotFound(_) => missing(),
        StoreError::Conflict(m) => AppError::Conflict(m),
        other => other.into(),
    }
}

/// A phone as staff and the sponsor see it: 138****8000.
fn masked(mut s: PairingStudent) -> PairingStudent {
    if let Some(sp) = s.sponsor.as_mut() {
        sp.phone = mask_middle(&sp.phone, 3, 4);
    }
    s
}

/// What staff enter to publish a student.
#[derive(Debug, Clone)]
pub struct PublishInput {
    pub grant: GrantId,
    pub grade: u8,
    pub need_fen: i64,
    /// The household record's level when absent.
    pub school_level: Option<String>,
}

pub async fn publish<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    input: &PublishInput,
) -> Result<PairingStudent, AppError> {
    require(actor, Capability::ManagePairing)?;
    let scope = scope(actor);
    let grant_missing = || not_found(&format!("救助 {} (grant {})", input.grant.0, input.grant.0));
    let src = store
        .pairing_source(input.grant, &scope)
        .await
        .map_err(|e| store_err(e, grant_missing))?;
    if src.programme_id != PROGRAMME {
        return Err(AppError::invalid(
            "grant",
            format!(
                "只能发布金秋助学的学生，该救助属 {} (only golden-autumn students are published; grant {} is {})",
                src.programme_id, input.grant.0, src.programme_id
            ),
        ));
    }
    if matches!(src.grant_state.as_str(), "refused" | "withdrawn") {
        return Err(AppError::Conflict(format!(
            "救助 {} 已{}，不能发布 (grant {} is {}: cannot publish)",
            input.grant.0,
            if src.grant_state == "refused" {
                "拒绝"
            } else {
                "撤回"
            },
            input.grant.0,
            src.grant_state
        )));
    }
    let level = input
        .school_level
        .clone()
        .filter(|l| !l.trim().is_empty())
        .or(src.school_level.clone())
        .unwrap_or_default();
    let student = dp::publish(
        &src.student_name,
        level.trim(),
        input.grade,
        &src.district,
        Money::from_fen(input.need_fen),
    )
    .map_err(rule)?;
    let token = new_token();
    let s = store
        .publish_student(
            &NewPublication {
                grant: input.grant,
                token: &token,
                public_name: &student.public_name,
                grade: student.grade,
                school_level: student.school_level,
                district: &student.district,
                need: student.need,
                academic_year: &src.cycle,
                by: &actor.username,
                at: clock.now(),
            },
            &scope,
        )
        .await
        .map_err(|e| store_err(e, grant_missing))?;
    Ok(masked(s))
}

/// Published students of the actor's subtree, states as at the clock.
pub async fn list<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
) -> Result<Vec<PairingStudent>, AppError> {
    require(actor, Capability::ManagePairing)?;
    Ok(store
        .pairing_students(&scope(actor), clock.now())
        .await?
        .into_iter()
        .map(masked)
        .collect())
}

/// One published student with their payments and reports.
pub async fn get<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
) -> Result<(PairingStudent, Vec<PairingPayment>, Vec<PairingReport>), AppError> {
    require(actor, Capability::ManagePairing)?;
    let sc = scope(actor);
    let s = store
        .pairing_student(id, &sc, clock.now())
        .await
        .map_err(|e| store_err(e, || student_not_found(id)))?;
    let payments = store.pairing_payments(id, &sc).await?;
    let reports = store.pairing_reports(id, &sc).await?;
    Ok((masked(s), payments, reports))
}

/// 待结对 — the public list: students free to claim at the clock.
pub async fn public_list<S: Repo>(
    store: &S,
    clock: &dyn Clock,
) -> Result<Vec<PublicListing>, AppError> {
    Ok(store.public_pairing(clock.now(), PUBLIC_LIMIT).await?)
}

/// One student by the link's token; an unknown or malformed token is not found.
pub async fn public_get<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    token: &str,
) -> Result<PublicListing, AppError> {
    if !dp::token_shape_ok(token) {
        return Err(link_not_found());
    }
    store
        .public_pairing_student(token, clock.now())
        .await
        .map_err(|e| store_err(e, link_not_found))
}

/// What a sponsor gives to claim.
#[derive(Debug, Clone)]
pub struct ClaimInput {
    pub kind: String,
    pub name: String,
    pub phone: String,
}

/// A winning claim: the hold and the secret token that confirms it (shown once).
#[derive(Debug, Clone)]
pub struct Claimed {
    pub listing: PublicListing,
    pub sponsor_token: String,
    pub hold_until: DateTime<Utc>,
}

/// Claims the student of `token` for the sponsor: one winner however many claim at once; the
/// others get a conflict naming the state.
pub async fn claim<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    token: &str,
    input: &ClaimInput,
) -> Result<Claimed, AppError> {
    if !dp::token_shape_ok(token) {
        return Err(link_not_found());
    }
    let sponsor = dp::sponsor(&input.kind, &input.name, &input.phone).map_err(rule)?;
    let now = clock.now();
    let hold_until = dp::hold_until(now);
    let sponsor_token = new_token();
    let hash = sha256_hex(sponsor_token.as_bytes());
    let listing = store
        .claim_pairing(&NewClaim {
            token,
            sponsor_token_sha256: &hash,
            kind: sponsor.kind.code(),
            name: &sponsor.name,
            phone: &sponsor.phone,
            now,
            hold_until,
        })
        .await
        .map_err(|e| store_err(e, link_not_found))?;
    Ok(Claimed {
        listing,
        sponsor_token,
        hold_until,
    })
}

fn sponsor_not_found() -> AppError {
    not_found("资助人凭证 (sponsor token)")
}

fn masked_view(mut v: SponsorView) -> SponsorView {
    v.sponsor.phone = mask_middle(&v.sponsor.phone, 3, 4);
    v
}

/// Confirms the pledge while the hold runs.
pub async fn confirm<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    sponsor_token: &str,
    per_year_fen: i64,
    years: i64,
) -> Result<SponsorView, AppError> {
    if !dp::token_shape_ok(sponsor_token) {
        return Err(sponsor_not_found());
    }
    let pledge = dp::pledge(per_year_fen, years).map_err(rule)?;
    let v = store
        .confirm_pairing(
            &sha256_hex(sponsor_token.as_bytes()),
            pledge,
            clock.now(),
            clock.today(),
        )
        .await
        .map_err(|e| store_err(e, sponsor_not_found))?;
    Ok(masked_view(v))
}

/// What the sponsor reads with their token: the student as published, the pledge, payments,
/// progress reports, and the identity only with the household's consent.
pub async fn sponsor<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    sponsor_token: &str,
) -> Result<SponsorView, AppError> {
    if !dp::token_shape_ok(sponsor_token) {
        return Err(sponsor_not_found());
    }
    store
        .sponsor_view(&sha256_hex(sponsor_token.as_bytes()), clock.now())
        .await
        .map(masked_view)
        .map_err(|e| store_err(e, sponsor_not_found))
}

/// The amount due under a pledge by the clock's date, and what is paid.
pub fn due(
    view_confirmed_on: Option<NaiveDate>,
    pledge: Option<dp::Pledge>,
    today: NaiveDate,
) -> Money {
    match (view_confirmed_on, pledge) {
        (Some(from), Some(p)) => p.due_by(from, today),
        _ => Money::from_fen(0),
    }
}

pub async fn record_payment<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    student: i64,
    amount_fen: i64,
    paid_on: NaiveDate,
    reference: &str,
) -> Result<PairingPayment, AppError> {
    require(actor, Capability::ManagePairing)?;
    if amount_fen <= 0 {
        return Err(AppError::invalid(
            "amount_fen",
            "金额须大于零 (the amount must be above zero)".into(),
        ));
    }
    let reference = reference.trim();
    if reference.chars().count() > 100 {
        return Err(AppError::invalid(
            "reference",
            "凭证号不超过100字 (reference: at most 100 characters)".into(),
        ));
    }
    store
        .record_pairing_payment(
            student,
            &scope(actor),
            Money::from_fen(amount_fen),
            paid_on,
            reference,
            &actor.username,
            clock.now(),
        )
        .await
        .map_err(|e| store_err(e, || student_not_found(student)))
}

pub async fn write_report<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    student: i64,
    body: &str,
) -> Result<PairingReport, AppError> {
    require(actor, Capability::ManagePairing)?;
    let body = body.trim();
    let n = body.chars().count();
    if n == 0 || n > 2000 {
        return Err(AppError::invalid(
            "body",
            "成长报告须为 1 至 2000 字 (body: 1 to 2000 characters)".into(),
        ));
    }
    store
        .write_pairing_report(
            student,
            &scope(actor),
            clock.today(),
            body,
            &actor.username,
            clock.now(),
        )
        .await
        .map_err(|e| store_err(e, || student_not_found(student)))
}

pub async fn set_consent<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    student: i64,
    consent: bool,
) -> Result<PairingStudent, AppError> {
    require(actor, Capability::ManagePairing)?;
    store
        .set_pairing_consent(
            student,
            &scope(actor),
            consent,
            &actor.username,
            clock.now(),
        )
        .await
        .map(masked)
        .map_err(|e| store_err(e, || student_not_found(student)))
}

pub async fn withdraw<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    student: i64,
) -> Result<PairingStudent, AppError> {
    require(actor, Capability::ManagePairing)?;
    store
        .withdraw_pairing(student, &scope(actor), &actor.username, clock.now())
        .await
        .map(masked)
        .map_err(|e| store_err(e, || student_not_found(student)))
}
