//! One error for every use case, each kind with a stable code and a message in Chinese and
//! English (STYLE: errors).

use huzhu_domain::workflow::TransitionError;
use huzhu_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    File(#[from] huzhu_import::FileError),
    #[error("读取文件失败 (cannot read the file): {0}")]
    Io(#[from] std::io::Error),
    #[error("未找到{what} ({what} not found)")]
    NotFound { what: String },
    #[error("数据库错误 (database error)")]
    Store(#[source] StoreError),
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{role}无权执行此操作 (this role may not do that)")]
    Forbidden { role: String },
    #[error("{0}")]
    Transition(#[from] TransitionError),
    #[error("{0}")]
    Conflict(String),
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
            AppError::Forbidden { .. } => "HZ-AUTH-0002",
            AppError::Transition(_) => "HZ-CLAIM-0001",
            AppError::Conflict(_) => "HZ-CONFLICT-0001",
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
