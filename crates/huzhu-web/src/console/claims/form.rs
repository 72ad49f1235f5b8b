//! 申请理赔: the new-claim form (one per claim kind, amounts in yuan read exactly into fen) with
//! document uploads in the same multipart form, and later uploads on a claim's page.
//!
//! The whole form is read and checked before anything is stored — every amount, every date,
//! every file (its kind among the policy's documents, not empty, at most 10 MiB, really a JPEG,
//! PNG or PDF): a mistake re-shows the form with the user's input and the field named, and
//! nothing is kept. The CSRF middleware needs `_csrf` as the form's first field.

use super::super::{finish, page, Console, Ctx, PageError, PageResult};
use super::pending::FormKey;
use super::{kind_label, to_claim, with_status, DocChoice};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use huzhu_app::claims::{self, ClaimRequest};
use huzhu_app::documents::{self, sniff, MAX_DOCUMENT_BYTES};
use huzhu_app::enrolment::{coverage, Coverage};
use huzhu_app::model::ClaimId;
use huzhu_app::model::MemberId;
use huzhu_app::Backend;
use huzhu_app::{members, policies, AppError};
use huzhu_domain::access::{Capability, Role};
use huzhu_domain::money::Money;
use huzhu_domain::policy::{Named, Policy};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Upload rows the form reads at most (each takes several files of one kind). The form shows a
/// row for each document the claim's kind needs, its kind chosen, and two spare rows (issue 13:
/// four rows were fewer than a stay's seven documents).
pub const UPLOAD_ROWS: usize = 12;

/// Rows shown beyond the needed documents, and the fewest rows shown.
const SPARE_ROWS: usize = 2;
const MIN_ROWS: usize = 4;
/// Diagnosis rows on the form.
pub const DIAGNOSIS_ROWS: usize = 3;
/// The most a claim form may carry: a few files of at most 10 MiB each.
pub const FORM_BODY_LIMIT: usize = 4 * MAX_DOCUMENT_BYTES + 256 * 1024;

/// The claim kinds of SPEC 10, in the order the form offers them.
pub const KINDS: [&str; 4] = ["hospital_stay", "outpatient", "diagnosis", "care_payment"];

/// The cost components of the settlement statement 结算单: form field, zh, en.
pub const COSTS: [(&str, &str, &str); 6] = [
    ("total", "医疗费总额（元）", "Total cost (yuan)"),
    (
        "pooled_fund",
        "统筹支付（元）",
        "Paid by the pooled fund (yuan)",
    ),
    (
        "personal_account",
        "个人账户支付（元）",
        "Paid from the personal account (yuan)",
    ),
    ("self_borne", "自负（元）", "Self-borne (yuan)"),
    (
        "self_pay_class_b",
        "乙类自付（元）",
        "Class-B self-pay (yuan)",
    ),
    (
        "self_pay_excluded",
        "自费（元）",
        "Excluded self-pay (yuan)",
    ),
];

/// The form as the user filled it in, kept to show it again.
#[derive(Debug, Clone, Default)]
pub struct ClaimInput {
    pub member: String,
    pub kind: String,
    pub admitted: String,
    pub discharged: String,
    pub period_start: String,
    pub period_end: String,
    pub designated_disease: String,
    pub hospital_grade: String,
    pub rehabilitation: bool,
    pub diagnoses: Vec<DiagnosisInput>,
    /// In the order of [`COSTS`].
    pub costs: Vec<String>,
    pub invoices: String,
    /// The chosen document kind of each upload row.
    pub doc_kinds: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct DiagnosisInput {
    pub disease: String,
    pub date: String,
    pub first: bool,
    pub death_date: String,
}

impl ClaimInput {
    fn blank(member: String, kind: String) -> ClaimInput {
        ClaimInput {
            member,
            kind,
            hospital_grade: "3".into(),
            // 首次确诊 is the claimant's statement about each diagnosis: never ticked for them
            // (issue 13: it was pre-ticked on every row).
            diagnoses: vec![DiagnosisInput::default(); DIAGNOSIS_ROWS],
            costs: vec![String::new(); COSTS.len()],
            doc_kinds: vec![String::new(); UPLOAD_ROWS],
            ..ClaimInput::default()
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> ClaimInput {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let has = |k: &str| pairs.iter().any(|(n, v)| n == k && !v.is_empty());
        ClaimInput {
            member: get("member"),
            kind: get("kind"),
            admitted: get("admitted"),
            discharged: get("discharged"),
            period_start: get("period_start"),
            period_end: get("period_end"),
            designated_disease: get("designated_disease"),
            hospital_grade: get("hospital_grade"),
            rehabilitation: has("rehabilitation"),
            diagnoses: (0..DIAGNOSIS_ROWS)
                .map(|i| DiagnosisInput {
                    disease: get(&format!("diag_disease_{i}")),
                    date: get(&format!("diag_date_{i}")),
                    first: has(&format!("diag_first_{i}")),
                    death_date: get(&format!("diag_death_{i}")),
                })
                .collect(),
            costs: COSTS.iter().map(|(f, _, _)| get(f)).collect(),
            invoices: get("invoices"),
            doc_kinds: (0..UPLOAD_ROWS)
                .map(|i| get(&format!("doc_kind_{i}")))
                .collect(),
        }
    }

    pub fn cost<I: std::borrow::Borrow<usize>>(&self, i: I) -> &str {
        self.costs
            .get(*i.borrow())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn doc_kind<I: std::borrow::Borrow<usize>>(&self, i: I) -> &str {
        self.doc_kinds
            .get(*i.borrow())
            .map(String::as_str)
            .unwrap_or("")
    }

    fn treatment(&self) -> bool {
        matches!(self.kind.as_str(), "hospital_stay" | "outpatient")
    }

    /// The claim object of SPEC 10 (without `id`, `submitted`, `documents`), or the first field
    /// that is wrong.
    pub fn to_claim(&self) -> Result<Value, Invalid> {
        let mut m = Map::new();
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(Invalid::new(
                "kind",
                "请选择申请类型 (choose the kind of claim)",
            ));
        }
        m.insert("kind".into(), json!(self.kind));
        let date = |field: &str, raw: &str, required: bool| -> Result<Option<String>, Invalid> {
            if raw.is_empty() {
                return if required {
                    Err(Invalid::new(field, "必须填写日期 (a date is required)"))
                } else {
                    Ok(None)
                };
            }
            chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(|d| Some(d.to_string()))
                .map_err(|_| {
                    Invalid::new(
                        field,
                        format!(
                            "日期“{raw}”格式不对，应为 2022-03-02 (date `{raw}` is not YYYY-MM-DD)"
                        ),
                    )
                })
        };
        let in_order = |first: &str, second: &str, field: &str| -> Result<(), Invalid> {
            if second < first {
                return Err(Invalid::new(
                    field,
                    format!("结束日期 {second} 早于开始日期 {first} (the end date {second} is before the start {first})"),
                ));
            }
            Ok(())
        };
        match self.kind.as_str() {
            "hospital_stay" => {
                let a = date("admitted", &self.admitted, true)?.unwrap_or_default();
                let d = date("discharged", &self.discharged, true)?.unwrap_or_default();
                in_order(&a, &d, "discharged")?;
                m.insert("admitted".into(), json!(a));
                m.insert("discharged".into(), json!(d));
            }
            "outpatient" => {
                let s = date("period_start", &self.period_start, true)?.unwrap_or_default();
                let e = date("period_end", &self.period_end, true)?.unwrap_or_default();
                in_order(&s, &e, "period_end")?;
                if self.designated_disease.is_empty() {
                    return Err(Invalid::new(
                        "designated_disease",
                        "请填写特定病种代码 (the designated disease code is required)",
                    ));
                }
                m.insert("period_start".into(), json!(s));
                m.insert("period_end".into(), json!(e));
                m.insert("designated_disease".into(), json!(self.designated_disease));
            }
            _ => {}
        }
        if self.treatment() {
            let g: u8 = match self.hospital_grade.as_str() {
                "1" => 1,
                "2" => 2,
                "3" => 3,
                _ => {
                    return Err(Invalid::new(
                        "hospital_grade",
                        "医院等级应为一级、二级或三级 (hospital grade must be 1, 2 or 3)",
                    ))
                }
            };
            m.insert("hospital_grade".into(), json!(g));
            m.insert("rehabilitation".into(), json!(self.rehabilitation));
        }
        if matches!(self.kind.as_str(), "hospital_stay" | "diagnosis") {
            let mut diagnoses = Vec::new();
            for (i, d) in self.diagnoses.iter().enumerate() {
                if d.disease.is_empty() && d.date.is_empty() && d.death_date.is_empty() {
                    continue;
                }
                if d.disease.is_empty() {
                    return Err(Invalid::new(
                        &format!("diag_disease_{i}"),
                        "请填写疾病代码 (the disease code is required)",
                    ));
                }
                let day = date(&format!("diag_date_{i}"), &d.date, true)?.unwrap_or_default();
                let mut o = Map::new();
                o.insert("disease".into(), json!(d.disease));
                o.insert("date".into(), json!(day));
                o.insert("first_diagnosis".into(), json!(d.first));
                if let Some(death) = date(&format!("diag_death_{i}"), &d.death_date, false)? {
                    in_order(&day, &death, &format!("diag_death_{i}"))?;
                    o.insert("death_date".into(), json!(death));
                }
                diagnoses.push(Value::Object(o));
            }
            if self.kind == "diagnosis" && diagnoses.is_empty() {
                return Err(Invalid::new(
                    "diag_disease_0",
                    "疾病确诊申请至少须填写一项诊断 (a diagnosis claim needs a diagnosis)",
                ));
            }
            m.insert("diagnoses".into(), Value::Array(diagnoses));
        }
        let mut costs = Map::new();
        for (i, (field, zh, en)) in COSTS.iter().enumerate() {
            let raw = self.cost(i);
            if raw.is_empty() {
                if *field == "self_borne" && self.treatment() {
                    return Err(Invalid::new(
                        field,
                        format!("必须填写{zh} ({en} is required)"),
                    ));
                }
                continue;
            }
            let fen = Money::parse_yuan(raw).map_err(|e| {
                Invalid::new(
                    field,
                    format!("{zh}“{raw}”不是有效金额：{e} ({en}: `{raw}` is not a valid amount)"),
                )
            })?;
            costs.insert((*field).into(), json!(fen.fen()));
        }
        m.insert("costs_fen".into(), Value::Object(costs));
        let invoices: Vec<String> = self
            .invoices
            .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        m.insert("invoices".into(), json!(invoices));
        Ok(Value::Object(m))
    }
}

/// A form field that is wrong, and why.
#[derive(Debug, Clone)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    fn new(field: &str, message: impl Into<String>) -> Invalid {
        Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// A use case's complaint about the claim object, named by the form's field
    /// (`claim.costs_fen.self_borne` → `self_borne`, `claim.diagnoses[1].date` → `diag_date_1`).
    fn of_claim_field(field: &str, message: String) -> Invalid {
        let f = field.trim_start_matches("claim.").replace("costs_fen.", "");
        let f = match f.strip_prefix("diagnoses[") {
            Some(rest) => {
                let (i, tail) = rest.split_once(']').unwrap_or((rest, ""));
                match tail.trim_start_matches('.') {
                    "date" => format!("diag_date_{i}"),
                    "death_date" => format!("diag_death_{i}"),
                    _ => format!("diag_disease_{i}"),
                }
            }
            None => f,
        };
        Invalid { field: f, message }
    }
}

/// One file of the form, read whole (at most [`MAX_DOCUMENT_BYTES`]).
pub struct Upload {
    pub row: usize,
    pub kind: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Reads a multipart form: its text fields in order and its files, each checked for size while
/// it is read. A file over the limit, or a form over [`FORM_BODY_LIMIT`], is an [`Invalid`]
/// naming the upload row, returned with the text fields read so far (to show them again).
async fn read_form(mp: Multipart) -> (Vec<(String, String)>, Result<Vec<Upload>, Invalid>) {
    let mut pairs = Vec::new();
    let files = read_parts(mp, &mut pairs).await;
    (pairs, files)
}

async fn read_parts(
    mut mp: Multipart,
    pairs: &mut Vec<(String, String)>,
) -> Result<Vec<Upload>, Invalid> {
    let too_large = |row: usize| {
        Invalid::new(
            &format!("doc_file_{row}"),
            format!(
                "文件过大，每个文件不超过 {} MB (file too large: at most {} MB each)",
                MAX_DOCUMENT_BYTES / 1024 / 1024,
                MAX_DOCUMENT_BYTES / 1024 / 1024
            ),
        )
    };
    let mut files = Vec::new();
    let mut first_error: Option<Invalid> = None;
    let unreadable = |e: axum::extract::multipart::MultipartError, row: Option<usize>| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            too_large(row.unwrap_or(0))
        } else {
            Invalid::new(
                &row.map(|r| format!("doc_file_{r}"))
                    .unwrap_or_else(|| "form".into()),
                format!(
                    "表单无法读取 (the form could not be read): {}",
                    e.body_text()
                ),
            )
        }
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(unreadable(e, None)),
        };
        let name = field.name().unwrap_or_default().to_string();
        if let Some(row) = name
            .strip_prefix("doc_file_")
            .and_then(|r| r.parse::<usize>().ok())
        {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let mut field = field;
            let mut bytes = Vec::new();
            let mut over = false;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        // Past the limit the rest is read and dropped, so that the browser,
                        // still sending, gets the answer rather than a reset connection.
                        over = over || bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES;
                        if over {
                            bytes.clear();
                        } else {
                            bytes.extend_from_slice(&chunk);
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Err(unreadable(e, Some(row))),
                }
            }
            if over {
                first_error.get_or_insert_with(|| too_large(row));
                continue;
            }
            // A file input left empty still sends an empty part.
            if bytes.is_empty() && file_name.is_empty() {
                continue;
            }
            let kind = pairs
                .iter()
                .rev()
                .find(|(n, _): &&(String, String)| *n == format!("doc_kind_{row}"))
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default();
            files.push(Upload {
                row,
                kind,
                file_name,
                bytes,
            });
        } else {
            let value = field.text().await.map_err(|e| unreadable(e, None))?;
            pairs.push((name, value));
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(files),
    }
}

/// Checks every file before anything is stored: a kind the policy lists, not empty, a real
/// JPEG, PNG or PDF.
fn check_uploads(files: &[Upload], policy: &Policy) -> Result<(), Invalid> {
    for f in files {
        let field = format!("doc_file_{}", f.row);
        if policy.document_name(&f.kind).is_none() {
            return Err(Invalid::new(
                &format!("doc_kind_{}", f.row),
                "请为上传的文件选择材料类型 (choose what kind of document the file is)",
            ));
        }
        if f.bytes.is_empty() {
            return Err(Invalid::new(
                &field,
                format!("文件“{}”为空 (the file is empty)", f.file_name),
            ));
        }
        if sniff(&f.bytes).is_none() {
            return Err(Invalid::new(
                &field,
                format!(
                    "文件“{}”不是 JPG、PNG 或 PDF，请拍照或扫描后重新上传 (only JPEG, PNG or PDF files are accepted)",
                    f.file_name
                ),
            ));
        }
    }
    Ok(())
}

/// Stores the checked files on the claim through the documents use case.
async fn store_uploads<S: Backend>(
    state: &AppState<S>,
    actor: &huzhu_domain::access::Actor,
    claim: ClaimId,
    files: Vec<Upload>,
) -> Result<(), AppError> {
    for f in files {
        documents::upload(
            &state.store,
            state.clock.as_ref(),
            actor,
            claim,
            &f.kind,
            &f.file_name,
            f.bytes,
        )
        .await?;
    }
    Ok(())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    member: String,
    #[serde(default)]
    kind: String,
}

/// A kind tab of the form.
pub struct KindTab {
    pub label: String,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "claims/new.html")]
struct NewPage<'a> {
    c: &'a Ctx,
    /// None: ask which member first.
    member: Option<MemberShown>,
    input: ClaimInput,
    kinds: Vec<KindTab>,
    needs: Vec<String>,
    doc_choices: Vec<DocChoice>,
    diseases: Vec<(String, String)>,
    invalid: Option<Invalid>,
    member_error: Option<String>,
    /// The upload rows shown.
    rows: Vec<usize>,
    /// Files kept from an earlier try of this form (已上传，保留).
    kept: Vec<KeptShown>,
}

/// A kept file as the form lists it: its id (the box to untick), name and kind in words.
pub struct KeptShown {
    pub id: String,
    pub file_name: String,
    pub kind_name: String,
}

impl NewPage<'_> {
    fn err(&self, field: &str) -> bool {
        self.invalid.as_ref().is_some_and(|i| i.field == field)
    }

    fn err_at<I: std::borrow::Borrow<usize>>(&self, prefix: &str, row: I) -> bool {
        self.err(&format!("{prefix}{}", row.borrow()))
    }

    /// The wrong field's label in the page's language, never its code (issue 13: `discharged`
    /// showed on the page).
    fn field_label(&self) -> String {
        let c = self.c;
        let Some(i) = &self.invalid else {
            return String::new();
        };
        let numbered = |prefix: &str, zh: &str, en: &str| {
            i.field
                .strip_prefix(prefix)
                .and_then(|n| n.parse::<usize>().ok())
                .map(|n| format!("{} {}", c.t(zh, en), n + 1))
        };
        if let Some((_, zh, en)) = COSTS.iter().find(|(f, _, _)| *f == i.field) {
            return c.t(zh, en).to_string();
        }
        // The form's own field names that are also the claim's (kind, dates, …) read as the
        // error page reads them.
        let fixed = crate::console::words::field_label(c.lang, &i.field);
        fixed
            .or_else(|| numbered("diag_disease_", "疾病代码", "Disease code"))
            .or_else(|| numbered("diag_date_", "确诊日期", "Diagnosed on"))
            .or_else(|| numbered("diag_death_", "死亡日期", "Date of death"))
            .or_else(|| numbered("doc_kind_", "材料类型", "Document kind"))
            .or_else(|| numbered("doc_file_", "文件", "File"))
            .unwrap_or_else(|| c.t("表单", "The form").to_string())
    }
}

pub struct MemberShown {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub unit: String,
    pub cover: Coverage,
    /// The cover's cycle and its claim deadline, said before the form is filled.
    pub cycle: (chrono::NaiveDate, chrono::NaiveDate),
    pub deadline: chrono::NaiveDate,
    /// Today is past the deadline: a claim submitted now is `late_submission` (issue 13: the
    /// form warned only after submitting).
    pub late: bool,
    /// Every item of the cover is still in its waiting period.
    pub all_waiting: bool,
}

pub async fn new_page<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Query(q): Query<NewQuery>,
) -> Response {
    let r = async {
        let kind = if KINDS.contains(&q.kind.as_str()) {
            q.kind.clone()
        } else {
            KINDS[0].to_string()
        };
        let input = ClaimInput::blank(q.member.trim().to_string(), kind);
        render_new(&state, &c, input, None).await
    }
    .await;
    finish(&c, r)
}

/// The member a claim is for: a member claims for themselves; staff name one.
fn member_of(c: &Ctx, raw: &str) -> Result<Option<MemberId>, PageError> {
    let actor = c.actor()?;
    if actor.role == Role::Member {
        return Ok(actor.member_id.map(MemberId));
    }
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(|n| Some(MemberId(n)))
        .ok_or_else(|| huzhu_app::access::not_found("member").into())
}

async fn render_new<S: Backend>(
    state: &AppState<S>,
    c: &Ctx,
    mut input: ClaimInput,
    invalid: Option<Invalid>,
) -> PageResult {
    let actor = c.actor()?;
    huzhu_app::access::require(actor, Capability::SubmitClaim)?;
    let status = invalid.as_ref().map(|_| 400);
    let Some(member) = member_of(c, &input.member)? else {
        return page(&NewPage {
            c,
            member: None,
            input,
            kinds: Vec::new(),
            needs: Vec::new(),
            doc_choices: Vec::new(),
            diseases: Vec::new(),
            invalid,
            member_error: None,
            rows: Vec::new(),
            kept: Vec::new(),
        });
    };
    input.member = member.0.to_string();
    let detail = members::detail(&state.store, actor, member).await?;
    let cover = match coverage(&state.store, state.clock.as_ref(), actor, member).await {
        Ok(cv) => cv,
        Err(AppError::NotFound { .. }) => {
            let mut r = page(&NewPage {
                c,
                member: None,
                input,
                kinds: Vec::new(),
                needs: Vec::new(),
                doc_choices: Vec::new(),
                diseases: Vec::new(),
                invalid: None,
                rows: Vec::new(),
                kept: Vec::new(),
                member_error: Some(format!(
                    "{} {}",
                    detail.summary.name,
                    c.t(
                        "没有参保记录，不能申请理赔。",
                        "has no enrolment: no claim can be made."
                    )
                )),
            })?;
            *r.status_mut() = axum::http::StatusCode::CONFLICT;
            return Ok(r);
        }
        Err(e) => return Err(e.into()),
    };
    let policy = policies::policy(&state.store, state.clock.as_ref(), &cover.policy).await?;
    let kinds: Vec<KindTab> = KINDS
        .iter()
        .map(|k| KindTab {
            label: kind_label(c, k).to_string(),
            href: format!("/claims/new?member={}&kind={k}", member.0),
            current: input.kind == *k,
        })
        .collect();
    let needed_ids: Vec<String> = cover
        .documents
        .iter()
        .find(|d| d.kind == input.kind)
        .map(|d| d.documents.iter().map(|(id, _)| id.clone()).collect())
        .unwrap_or_default();
    let doc_choices = policy
        .documents
        .iter()
        .map(|d| DocChoice {
            id: d.id.clone(),
            name: c.t(d.name_zh(), d.english_name()).to_string(),
            checked: needed_ids.contains(&d.id),
        })
        .collect();
    let diseases = policy
        .diseases
        .iter()
        .map(|(code, d)| (code.clone(), d.name.clone()))
        .collect();
    let doc_name = |id: &str| -> String {
        policy
            .documents
            .iter()
            .find(|d| d.id == id)
            .map(|d| c.t(d.name_zh(), d.english_name()).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let needs: Vec<String> = needed_ids.iter().map(|id| doc_name(id)).collect();
    let key = FormKey {
        session: c.csrf.clone(),
        member: member.0,
    };
    let kept = state
        .pending_uploads
        .list(&key, state.clock.now())
        .into_iter()
        .map(|k| KeptShown {
            kind_name: doc_name(&k.kind),
            id: k.id,
            file_name: k.file_name,
        })
        .collect();
    // A fresh form has a row for each needed document, its kind already chosen.
    if input.doc_kinds.iter().all(String::is_empty) {
        for (slot, id) in input.doc_kinds.iter_mut().zip(&needed_ids) {
            slot.clone_from(id);
        }
    }
    let rows = (0..(needed_ids.len() + SPARE_ROWS).clamp(MIN_ROWS, UPLOAD_ROWS)).collect();
    let mut r = page(&NewPage {
        c,
        member: Some(MemberShown {
            id: member.0,
            name: detail.summary.name.clone(),
            id_number: detail.summary.id_number.clone(),
            unit: detail.unit_name.clone(),
            cycle: (policy.cycle.start, policy.cycle.end),
            deadline: policy.claim_deadline,
            late: state.clock.today() > policy.claim_deadline,
            all_waiting: !cover.items.is_empty() && cover.items.iter().all(|i| i.in_waiting_period),
            cover,
        }),
        input,
        kinds,
        needs,
        doc_choices,
        diseases,
        invalid,
        member_error: None,
        rows,
        kept,
    })?;
    if let Some(s) = status {
        r = with_status(r, s);
    }
    Ok(r)
}

/// Makes the claim (submitted at once) and stores its documents, then shows the claim. A mistake
/// shows the form again with the user's input, and keeps the files that were themselves
/// acceptable (see [`super::pending`]); the kept files ticked on the form are attached with the
/// new ones when the claim is made.
pub async fn create<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    mp: Multipart,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        huzhu_app::access::require(actor, Capability::SubmitClaim)?;
        let (pairs, files) = read_form(mp).await;
        let input = ClaimInput::from_pairs(&pairs);
        let Some(member) = member_of(&c, &input.member)? else {
            return Err(PageError::invalid(
                "member",
                "请先选择会员 (choose the member first)",
            ));
        };
        let key = FormKey {
            session: c.csrf.clone(),
            member: member.0,
        };
        let now = state.clock.now();
        let ticked: Vec<String> = pairs
            .iter()
            .filter(|(n, _)| n == "kept")
            .map(|(_, v)| v.clone())
            .collect();
        let kept = state.pending_uploads.ticked(&key, &ticked, now);
        let files = match files {
            Ok(f) => f,
            Err(invalid) => return render_new(&state, &c, input, Some(invalid)).await,
        };
        let cover = coverage(&state.store, state.clock.as_ref(), actor, member).await?;
        let policy = policies::policy(&state.store, state.clock.as_ref(), &cover.policy).await?;
        let again = |input: ClaimInput, invalid: Invalid, files: Vec<Upload>| {
            let acceptable = files
                .into_iter()
                .filter(|f| {
                    !f.bytes.is_empty()
                        && sniff(&f.bytes).is_some()
                        && policy.document_name(&f.kind).is_some()
                })
                .collect();
            state.pending_uploads.keep(&key, acceptable, now);
            render_new(&state, &c, input, Some(invalid))
        };
        let claim = match input.to_claim() {
            Ok(v) => v,
            Err(invalid) => return again(input, invalid, files).await,
        };
        if let Err(invalid) = check_uploads(&files, &policy) {
            return again(input, invalid, files).await;
        }
        let made = claims::create_claim(
            &state.store,
            state.clock.as_ref(),
            actor,
            &ClaimRequest {
                member,
                policy: None,
                claim,
                submit: true,
            },
        )
        .await;
        let made = match made {
            Ok(v) => v,
            Err(AppError::Invalid { field, message }) => {
                let invalid = Invalid::of_claim_field(&field, message);
                return again(input, invalid, files).await;
            }
            Err(e) => return Err(e.into()),
        };
        let mut all = kept;
        all.extend(files);
        store_uploads(&state, actor, ClaimId(made.id), all).await?;
        state.pending_uploads.forget(&key);
        Ok(to_claim(made.id, "submitted"))
    }
    .await;
    finish(&c, r)
}

/// More documents for a claim still with the claimant (a returned claim's missing papers).
pub async fn add_documents<S: Backend>(
    State(state): State<AppState<S>>,
    Console(c): Console,
    Path(id): Path<String>,
    mp: Multipart,
) -> Response {
    let r = async {
        let actor = c.actor()?;
        let claim = super::claim_id(&id)?;
        let view = claims::get_claim(&state.store, state.clock.as_ref(), actor, claim).await?;
        let problem = |i: Invalid| super::Problem {
            status: 400,
            code: "HZ-INPUT-0001".into(),
            message: i.message,
            field: Some(i.field),
        };
        let files = match read_form(mp).await.1 {
            Ok(x) => x,
            Err(i) => return super::show_page(&state, &c, &id, Some(problem(i))).await,
        };
        if files.is_empty() {
            let i = Invalid::new("doc_file_0", "请选择要上传的文件 (choose a file to upload)");
            return super::show_page(&state, &c, &id, Some(problem(i))).await;
        }
        let policy = policies::policy(&state.store, state.clock.as_ref(), &view.policy).await?;
        if let Err(i) = check_uploads(&files, &policy) {
            return super::show_page(&state, &c, &id, Some(problem(i))).await;
        }
        match store_uploads(&state, actor, claim, files).await {
            Ok(()) => Ok(to_claim(claim.0, "uploaded")),
            Err(e) => {
                let p = super::Problem::of(PageError::from(e))?;
                super::show_page(&state, &c, &id, Some(p)).await
            }
        }
    }
    .await;
    finish(&c, r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stay() -> ClaimInput {
        let mut i = ClaimInput::blank("1".into(), "hospital_stay".into());
        i.admitted = "2022-02-01".into();
        i.discharged = "2022-02-11".into();
        i.costs[3] = "12,000.05".into();
        i
    }

    #[test]
    fn amounts_in_yuan_become_exact_fen() {
        let v = stay().to_claim().unwrap();
        assert_eq!(v["costs_fen"]["self_borne"], 1_200_005);
        assert_eq!(v["hospital_grade"], 3);
    }

    #[test]
    fn a_negative_or_malformed_amount_names_its_field() {
        for bad in ["-5", "12.345", "abc", "1.2.3"] {
            let mut i = stay();
            i.costs[0] = bad.into();
            assert_eq!(i.to_claim().unwrap_err().field, "total", "{bad}");
        }
    }

    #[test]
    fn a_discharge_before_admission_names_the_discharge() {
        let mut i = stay();
        i.discharged = "2022-01-31".into();
        assert_eq!(i.to_claim().unwrap_err().field, "discharged");
    }

    #[test]
    fn the_use_case_field_maps_to_the_form_field() {
        let i = Invalid::of_claim_field("claim.diagnoses[1].date", String::new());
        assert_eq!(i.field, "diag_date_1");
        let i = Invalid::of_claim_field("claim.costs_fen.self_borne", String::new());
        assert_eq!(i.field, "self_borne");
    }
}
