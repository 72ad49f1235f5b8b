//! Choosing the backend: `sqlite://…` or `postgres://…` (atuin chooses by URL scheme the same way).

use anyhow::{bail, Context};
use huzhu_store::{PgStore, SqliteStore, Store};
use std::path::{Path, PathBuf};

pub enum Location {
    Sqlite { url: String, file: Option<PathBuf> },
    Postgres { url: String },
}

impl Location {
    pub fn resolve(url: Option<&str>, data_dir: &Path) -> anyhow::Result<Location> {
        match url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(Location::Postgres { url: u.to_string() })
            }
            Some(u) if u.starts_with("sqlite:") => Ok(Location::Sqlite {
                url: u.to_string(),
                file: None,
            }),
            Some(u) => bail!(
                "数据库地址应以 sqlite:// 或 postgres:// 开头 (database URL must start with sqlite:// or postgres://): {u}"
            ),
            None => {
                std::fs::create_dir_all(data_dir).with_context(|| {
                    format!("while creating the data directory {}", data_dir.display())
                })?;
                let file = data_dir.join("huzhu.db");
                Ok(Location::Sqlite {
                    url: format!("sqlite://{}", file.display()),
                    file: Some(file),
                })
            }
        }
    }

    /// For messages: where the data lives, without any password.
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite { file: Some(f), .. } => format!("sqlite {}", f.display()),
            Location::Sqlite { url, .. } => format!("sqlite {url}"),
            Location::Postgres { url } => {
                let redacted = match (url.find("://"), url.rfind('@')) {
                    (Some(s), Some(at)) if at > s => {
                        format!("{}://…@{}", &url[..s], &url[at + 1..])
                    }
                    _ => url.clone(),
                };
                format!("postgres {redacted}")
            }
        }
    }
}

pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl AnyStore {
    pub async fn open(location: &Location) -> anyhow::Result<AnyStore> {
        let store = match location {
            Location::Sqlite { url, file } => {
                let s = match file {
                    Some(f) => SqliteStore::open_file(f).await,
                    None => SqliteStore::connect(url).await,
                };
                AnyStore::Sqlite(
                    s.with_context(|| format!("while opening {}", location.describe()))?,
                )
            }
            Location::Postgres { url } => AnyStore::Postgres(
                PgStore::connect(url)
                    .await
                    .with_context(|| format!("while connecting to {}", location.describe()))?,
            ),
        };
        with_store!(&store, s => s.migrate().await)
            .with_context(|| format!("while migrating {}", location.describe()))?;
        Ok(store)
    }
}

/// Runs `$body` with `$s` bound to the concrete store, so the commands stay generic.
macro_rules! with_store {
    ($store:expr, $s:ident => $body:expr) => {
        match $store {
            $crate::backend::AnyStore::Sqlite($s) => $body,
            $crate::backend::AnyStore::Postgres($s) => $body,
        }
    };
}
pub(crate) use with_store;
