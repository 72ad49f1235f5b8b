//! One error for every use case, each kind with a stable code and a message in Chinese and
//! English (STYLE: errors).

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
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound { what },
            other => AppError::Store(other),
        }
    }
}
