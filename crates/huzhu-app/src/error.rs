//! One error for every use case, each kind with a stable code and a message in Chinese and
//! English (STYLE: errors).

use huzhu_domain::workflow::TransitionError;
use huzhu_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    // Transparent: the file error's own message, said once (a chain printer such as anyhow's
    // `{:#}` would otherwise print it twice).
    #[error(transparent)]
    File(#[from] huzhu_import::FileError),
    #[error("读取文件失败 (cannot read the file): {0}")]
    Io(#[from] std::io::Error),
    #[error("未找到{what} ({what} not found)")]
    NotFound { what: String },
    #[error("数据库错误 (database error)")]
    Store(#[source] StoreError),
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("{0}")]
    Conflict(String),
    /// No valid session, or a login that failed: an unknown user and a wrong password give the
    /// same [`AuthFailure`], so a caller cannot learn which usernames exist.
    #[error("{0}")]
    Unauthenticated(AuthFailure),
    #[error("无权执行此操作：{capability} (not allowed: {capability})")]
    Forbidden { capability: String },
}

/// Why authentication failed, as far as the caller may know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    #[error("用户名或密码错误 (wrong username or password)")]
    BadCredentials,
    #[error("未登录或会话已过期，请重新登录 (not signed in, or the session has expired)")]
    NoSession,
}

impl AppError {
    /// The stable code of this kind of error, for logs, API bodies and the support desk.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::File(_) => "HZ-IMPORT-0001",
            AppError::Io(_) => "HZ-IO-0001",
            AppError::NotFound { .. } => "HZ-NOTFOUND-0001",
            AppError::Store(_) => "HZ-STORE-0001",
            AppError::Invalid { .. } => "HZ-INPUT-0001",
            AppError::Transition(_) => "HZ-CLAIM-0001",
            AppError::Conflict(_) => "HZ-CONFLICT-0001",
            AppError::Unauthenticated(_) => "HZ-AUTH-0001",
            AppError::Forbidden { .. } => "HZ-AUTH-0002",
        }
    }

    pub fn invalid(field: &str, message: String) -> AppError {
        AppError::Invalid {
            field: field.to_string(),
            message,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound { what },
            StoreError::Conflict(message) => AppError::Conflict(message),
            other => AppError::Store(other),
        }
    }
}

/// An engine overflow comes from amounts no valid claim has: the claim is refused as input.
impl From<huzhu_domain::engine::EngineError> for AppError {
    fn from(e: huzhu_domain::engine::EngineError) -> Self {
        AppError::Invalid {
            field: "claim".into(),
            message: e.to_string(),
        }
    }
}
