//! Documents of a claim (SPEC 5): photos and scans uploaded by the member or their officer,
//! stored once by content hash and never overwritten. The kinds are the policy's document ids.

use crate::access::require;
use crate::claims::visible_claim;
use crate::digest::sha256_hex;
use crate::{policies, AppError, Clock};
use huzhu_domain::access::{Actor, Capability};
use huzhu_domain::workflow::ClaimState;
use huzhu_store::money::{ClaimId, NewDocument, StoredDocument};
use huzhu_store::Repo;
use serde::Serialize;
use utoipa::ToSchema;

/// 材料 — an uploaded document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub claim: i64,
    /// The policy's document id, e.g. `discharge_record`.
    pub kind: String,
    pub sha256: String,
    pub file_name: String,
    /// `image/jpeg`, `image/png` or `application/pdf`, as sniffed from the bytes.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
}

impl DocumentView {
    pub fn of(d: &StoredDocument) -> DocumentView {
        DocumentView {
            id: d.id,
            claim: d.claim.0,
            kind: d.kind.clone(),
            sha256: d.sha256.clone(),
            file_name: d.file_name.clone(),
            content_type: d.content_type.clone(),
            size: d.size,
            uploaded_by: d.uploaded_by.clone(),
            uploaded_at: d.uploaded_at,
        }
    }
}

/// The largest file accepted: a phone photo of a page is well under it.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// The content type a file really has, from its first bytes; only JPEG, PNG and PDF are taken.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Checks an uploaded file before anything is stored: not empty, at most
/// [`MAX_DOCUMENT_BYTES`], really a JPEG, PNG or PDF (by its bytes). Answers the sniffed content
/// type and the file name cleaned for storing (`upload` when none is left). Claims' and grants'
/// documents both go through it.
pub fn check_file(bytes: &[u8], file_name: &str) -> Result<(&'static str, String), AppError> {
    if bytes.is_empty() {
        return Err(AppError::invalid(
            "file",
            "文件为空 (the file is empty)".into(),
        ));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::invalid(
            "file",
            format!(
                "文件过大：{} 字节，上限 {} 字节 (file too large: {} bytes, limit {})",
                bytes.len(),
                MAX_DOCUMENT_BYTES,
                bytes.len(),
                MAX_DOCUMENT_BYTES
            ),
        ));
    }
    let Some(content_type) = sniff(bytes) else {
        return Err(AppError::invalid(
            "file",
            "只接受 JPG、PNG 或 PDF 文件 (only JPEG, PNG or PDF files are accepted)".into(),
        ));
    };
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect();
    Ok((
        content_type,
        if name.is_empty() {
            "upload".into()
        } else {
            name
        },
    ))
}

/// Adds a document to a claim that is still with the claimant (draft, returned, submitted).
pub async fn upload<S: Repo>(
    store: &S,
    clock: &dyn Clock,
    actor: &Actor,
    claim: ClaimId,
    kind: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<StoredDocument, AppError> {
    require(actor, Capability::SubmitClaim)?;
    let c = visible_claim(store, actor, claim).await?;
    if !matches!(
        c.fields.state,
        ClaimState::Draft | ClaimState::Returned | ClaimState::Submitted | ClaimState::Appealed
    ) {
        return Err(AppError::Conflict(format!(
            "申请状态为“{}”，不能再上传材料 (documents cannot be added to a claim in state {})",
            c.fields.state.label_zh(),
            c.fields.state.code()
        )));
    }
    let policy = policies::policy(store, clock, &c.policy).await?;
    if policy.document_name(kind).is_none() {
        let known: Vec<&str> = policy.documents.iter().map(|d| d.id.as_str()).collect();
        return Err(AppError::invalid(
            "kind",
            format!(
                "材料类型“{kind}”不在政策 {} 的清单中 (unknown document kind; one of: {})",
                policy.id,
                known.join(", ")
            ),
        ));
    }
    let (content_type, name) = check_file(&bytes, file_name)?;
    let sha256 = sha256_hex(&bytes);
    Ok(store
        .add_document(&NewDocument {
            claim,
            kind: kind.to_string(),
            sha256,
            file_name: name,
            content_type: content_type.to_string(),
            bytes,
            uploaded_by: actor.username.clone(),
            at: clock.now(),
        })
        .await?)
}

/// A document's bytes, for an actor who may see the claim.
pub async fn download<S: Repo>(
    store: &S,
    actor: &Actor,
    claim: ClaimId,
    document: i64,
) -> Result<(StoredDocument, Vec<u8>), AppError> {
    visible_claim(store, actor, claim).await?;
    let doc = store
        .documents(claim)
        .await?
        .into_iter()
        .find(|d| d.id == document)
        .ok_or_else(|| {
            crate::access::not_found(&format!("材料 {document} (document {document})"))
        })?;
    let (_, bytes) = store.blob(&doc.sha256).await?;
    Ok((doc, bytes))
}
