//! 材料 — a claim's documents: uploading a file's bytes (the server sniffs JPEG, PNG or PDF
//! itself) and downloading them again.

use crate::api::{route, ApiPath, ApiQuery};
use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use huzhu_app::documents::{self, DocumentView, MAX_DOCUMENT_BYTES};
use huzhu_app::model::ClaimId;
use huzhu_app::Backend;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;

/// The upload route reads this much at most: the app's limit and room to say the file is too
/// large in its own words; past it the body is refused unread with a 413 naming `file`.
pub const UPLOAD_BODY_LIMIT: usize = MAX_DOCUMENT_BYTES + 64 * 1024;

pub(super) fn routes<S: Backend>() -> OpenApiRouter<AppState<S>> {
    let (schemas, paths, upload) = route!(upload::<S>);
    OpenApiRouter::new()
        .routes((
            schemas,
            paths,
            upload.layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        ))
        .routes(route!(download::<S>))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// The policy's document id.
    #[param(example = "discharge_record")]
    kind: String,
    /// The file's name as the uploader knows it.
    #[param(example = "出院记录.jpg")]
    file_name: Option<String>,
}

/// The request body as bytes: the uploaded file. A body over [`UPLOAD_BODY_LIMIT`] is a 413
/// naming `file`.
pub(crate) struct FileBody(pub(crate) Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for FileBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(FileBody(bytes.to_vec())),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::TooLarge {
                field: "file".into(),
                message: format!(
                    "文件过大，上限 {MAX_DOCUMENT_BYTES} 字节 (file too large: the limit is \
                     {MAX_DOCUMENT_BYTES} bytes)"
                ),
            }),
            Err(e) => Err(ApiError::invalid(
                "file",
                format!("文件无法读取 (cannot read the file): {}", e.body_text()),
            )),
        }
    }
}

/// 上传材料 — add a document to a claim still with the claimant: the request body is the file
/// (JPEG, PNG or PDF, at most 10 MiB; the content type sent is not trusted, the bytes are).
#[utoipa::path(
    post,
    path = "/api/v1/claims/{id}/documents",
    tag = "claims",
    params(("id" = i64, Path, description = "claim id"), UploadQuery),
    request_body(
        description = "the file's bytes",
        content(("image/jpeg"), ("image/png"), ("application/pdf"), ("application/octet-stream"))
    ),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = CREATED, description = "stored", body = DocumentView),
        (status = BAD_REQUEST, description = "unknown `kind`; empty, oversized or not a JPEG, PNG or PDF `file`", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = FORBIDDEN, description = "the role may not submit claims", body = ErrorBody),
        (status = NOT_FOUND, description = "no such claim in scope", body = ErrorBody),
        (status = CONFLICT, description = "the claim is past the claimant (accepted or further)", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, description = "the `file` is over the limit (`HZ-INPUT-0002`)", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn upload<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    FileBody(bytes): FileBody,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let doc = documents::upload(
        &state.store,
        state.clock.as_ref(),
        &actor,
        ClaimId(id),
        &q.kind,
        q.file_name.as_deref().unwrap_or_default(),
        bytes,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(DocumentView::of(&doc))))
}

/// 下载材料 — a document's bytes, with the content type sniffed at upload.
#[utoipa::path(
    get,
    path = "/api/v1/claims/{id}/documents/{document}",
    tag = "claims",
    params(
        ("id" = i64, Path, description = "claim id"),
        ("document" = i64, Path, description = "document id"),
    ),
    security(("bearer" = []), ("huzhu_session" = [])),
    responses(
        (status = OK, description = "the file", content(("image/jpeg"), ("image/png"), ("application/pdf"))),
        (status = BAD_REQUEST, description = "malformed id", body = ErrorBody),
        (status = UNAUTHORIZED, description = "no session", body = ErrorBody),
        (status = NOT_FOUND, description = "no such claim in scope, or no such document of it", body = ErrorBody),
        (status = INTERNAL_SERVER_ERROR, description = "server error; see `reference`", body = ErrorBody),
    )
)]
async fn download<S: Backend>(
    State(state): State<AppState<S>>,
    Authenticated(actor): Authenticated,
    ApiPath((id, document)): ApiPath<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (doc, bytes) = documents::download(&state.store, &actor, ClaimId(id), document).await?;
    Ok(stored_file(
        &doc.content_type,
        &format!("document-{}", doc.id),
        bytes,
    ))
}

/// A stored document (a claim's or a relief's) as a download: the type sniffed at upload, an
/// attachment named `{stem}.{extension}`, and no sniffing by the browser.
pub(crate) fn stored_file(content_type: &str, stem: &str, bytes: Vec<u8>) -> Response {
    let extension = match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "application/pdf" => "pdf",
        _ => "bin",
    };
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{stem}.{extension}\""))
            .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (CONTENT_TYPE, content_type),
            (CONTENT_DISPOSITION, disposition),
            (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        bytes,
    )
        .into_response()
}
