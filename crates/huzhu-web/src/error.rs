//! The one place where errors become HTTP responses: JSON with a stable code and a message in
//! Chinese and English. A 5xx logs the whole cause chain and shows only an opaque reference.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use huzhu_app::AppError;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use utoipa::ToSchema;

#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    Invalid {
        field: String,
        message: String,
    },
    /// A request body over the route's limit (`HZ-INPUT-0002`, 413), naming the field it carries.
    TooLarge {
        field: String,
        message: String,
    },
    /// Too many failed sign-ins for the account or the client address (`HZ-AUTH-0003`).
    TooManyAttempts,
    /// A write to the JSON API authenticated by the session cookie alone, without the session's
    /// CSRF token or a same-site `Origin` (`HZ-AUTH-0004`, 403; see `auth::api_write_guard`).
    CrossSiteWrite,
    /// Too many objections from one address (or from everyone) to the public 公示 page within
    /// the hour (`HZ-INPUT-0003`, 429; see `limits::PublicLimiter`, issue 17).
    TooManyPublic,
}

impl ApiError {
    pub fn invalid(field: &str, message: String) -> ApiError {
        ApiError::Invalid {
            field: field.to_string(),
            message,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::App(e)
    }
}

/// 错误 — the body of every error response of the JSON API.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable code to branch on, e.g. `HZ-INPUT-0001`, `HZ-NOTFOUND-0001`.
    #[schema(example = "HZ-INPUT-0001")]
    pub code: String,
    /// For people: Chinese, then English in parentheses.
    pub message: String,
    /// The request field (query parameter or body field) at fault, for invalid input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For a server error: the reference under which the cause was logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "E000042")]
    pub reference: Option<String>,
}

/// The message of [`ApiError::CrossSiteWrite`] (README quotes it).
pub const CROSS_SITE_WRITE: &str =
    "请求来源校验失败：仅凭会话 Cookie 的写操作须带 X-CSRF-Token 或本站 Origin \
     (CSRF check failed: a write authenticated by the session cookie alone needs the X-CSRF-Token \
     header or a same-site Origin; API clients use the bearer token)";

static REFERENCE: AtomicU64 = AtomicU64::new(1);

impl ApiError {
    /// The status and body this error answers with (a 5xx is logged here, once).
    pub fn parts(self) -> (StatusCode, ErrorBody) {
        match self {
            ApiError::Invalid { field, message } => (
                StatusCode::BAD_REQUEST,
                ErrorBody {
                    code: "HZ-INPUT-0001".into(),
                    message,
                    field: Some(field),
                    reference: None,
                },
            ),
            ApiError::TooLarge { field, message } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorBody {
                    code: "HZ-INPUT-0002".into(),
                    message,
                    field: Some(field),
                    reference: None,
                },
            ),
            ApiError::App(AppError::NotFound { .. }) => (
                StatusCode::NOT_FOUND,
                ErrorBody {
                    code: "HZ-NOTFOUND-0001".into(),
                    message: "未找到 (not found)".into(),
                    field: None,
                    reference: None,
                },
            ),
            ApiError::App(AppError::Unauthenticated(why)) => (
                StatusCode::UNAUTHORIZED,
                ErrorBody {
                    code: "HZ-AUTH-0001".into(),
                    message: why.to_string(),
                    field: None,
                    reference: None,
                },
            ),
            ApiError::App(e @ AppError::Forbidden { .. }) => (
                StatusCode::FORBIDDEN,
                ErrorBody {
                    code: e.code().into(),
                    message: e.to_string(),
                    field: None,
                    reference: None,
                },
            ),
            ApiError::App(e @ (AppError::Transition(_) | AppError::Conflict(_))) => (
                StatusCode::CONFLICT,
                ErrorBody {
                    code: e.code().into(),
                    message: e.to_string(),
                    field: None,
                    reference: None,
                },
            ),
            ApiError::TooManyPublic => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorBody {
                    code: "HZ-INPUT-0003".into(),
                    message: "提交过于频繁，请一小时后再试 (too many objections sent from here: try again within the hour)".into(),
                    field: None,
                    reference: None,
                },
            ),
            ApiError::TooManyAttempts => (
                StatusCode::TOO_MANY_REQUESTS,
                ErrorBody {
                    code: "HZ-AUTH-0003".into(),
                    message: "登录失败次数过多，请5分钟后再试 (too many failed sign-ins: try again in 5 minutes)".into(),
                    field: None,
                    reference: None,
                },
            ),
            // A roster that cannot be read as a whole (not a workbook, a required column
            // missing): the reason is known and is the officer's to fix, not a server error.
            ApiError::App(e @ AppError::File(_)) => (
                StatusCode::BAD_REQUEST,
                ErrorBody {
                    code: e.code().into(),
                    message: e.to_string(),
                    field: Some("file".into()),
                    reference: None,
                },
            ),
            ApiError::CrossSiteWrite => (
                StatusCode::FORBIDDEN,
                ErrorBody {
                    code: "HZ-AUTH-0004".into(),
                    message: CROSS_SITE_WRITE.into(),
                    field: None,
                    reference: None,
                },
            ),
            ApiError::App(AppError::Invalid { field, message }) => (
                StatusCode::BAD_REQUEST,
                ErrorBody {
                    code: "HZ-INPUT-0001".into(),
                    message,
                    field: Some(field),
                    reference: None,
                },
            ),
            ApiError::App(e) => {
                let reference = format!("E{:06}", REFERENCE.fetch_add(1, Ordering::Relaxed));
                let mut chain = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    chain.push_str(": ");
                    chain.push_str(&s.to_string());
                    source = s.source();
                }
                tracing::error!(reference, code = e.code(), "{chain}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody {
                        code: e.code().into(),
                        message: format!("服务器内部错误，请联系管理员并提供编号 {reference} (internal error, reference {reference})"),
                        field: None,
                        reference: Some(reference),
                    },
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.parts();
        (status, Json(body)).into_response()
    }
}
