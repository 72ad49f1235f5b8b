//! Policies as loaded into the database. A claim is always decided under the text stored with
//! its policy id, so a later edit of a file never changes a stored decision silently; a built-in
//! policy is loaded the first time it is named.

use crate::digest::sha256_hex;
use crate::{AppError, Clock};
use huzhu_domain::policy::{builtin, Policy};
use huzhu_store::money::PolicyRecord;
use huzhu_store::MoneyStore;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Parsed policies by text hash: parsing is pure, so a text parses to the same policy forever.
fn cache() -> &'static Mutex<HashMap<String, Arc<Policy>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Policy>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn parse(id: &str, text: &str, sha: &str) -> Result<Arc<Policy>, AppError> {
    if let Ok(c) = cache().lock() {
        if let Some(p) = c.get(sha) {
            return Ok(p.clone());
        }
    }
    let p = Policy::from_toml(text).map_err(|e| AppError::Invalid {
        field: "policy".into(),
        message: format!("政策 {id} 无法解析 (policy {id} does not parse): {e}"),
    })?;
    let p = Arc::new(p);
    if let Ok(mut c) = cache().lock() {
        c.insert(sha.to_string(), p.clone());
    }
    Ok(p)
}

/// Stores a policy text under its own id (a no-op when that text is there already).
pub async fn load_policy_text<S: MoneyStore>(
    store: &S,
    clock: &dyn Clock,
    text: &str,
) -> Result<Arc<Policy>, AppError> {
    let sha = sha256_hex(text.as_bytes());
    let p = parse("?", text, &sha)?;
    store
        .load_policy(&PolicyRecord {
            id: p.id.clone(),
            name: p.name.clone(),
            cycle_start: p.cycle.start,
            cycle_end: p.cycle.end,
            sha256: sha,
            source: text.to_string(),
            loaded_at: clock.now(),
        })
        .await?;
    Ok(p)
}

/// Policies by id, once read from this database: the text stored under an id never changes
/// ([`MoneyStore::load_policy`] refuses another text), so what was read once stays true. Keyed by
/// the store's identity too, so two databases in one process (tests) never share an entry.
type ById = Mutex<HashMap<(usize, String), Arc<Policy>>>;

fn by_id() -> &'static ById {
    static CACHE: OnceLock<ById> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The policy stored under `id`; a built-in of that name is loaded on first use.
pub async fn policy<S: MoneyStore>(
    store: &S,
    clock: &dyn Clock,
    id: &str,
) -> Result<Arc<Policy>, AppError> {
    let key = (store.identity(), id.to_string());
    if let Ok(c) = by_id().lock() {
        if let Some(p) = c.get(&key) {
            return Ok(p.clone());
        }
    }
    let p = stored_policy(store, clock, id).await?;
    if let Ok(mut c) = by_id().lock() {
        c.insert(key, p.clone());
    }
    Ok(p)
}

async fn stored_policy<S: MoneyStore>(
    store: &S,
    clock: &dyn Clock,
    id: &str,
) -> Result<Arc<Policy>, AppError> {
    match store.policy_record(id).await {
        Ok(r) => parse(&r.id, &r.source, &r.sha256),
        Err(huzhu_store::StoreError::NotFound(_)) => {
            let Some(Ok(_)) = builtin(id) else {
                return Err(AppError::NotFound {
                    what: format!("政策 {id} (policy {id})"),
                });
            };
            let text = huzhu_domain::policy::BUILTIN
                .iter()
                .find(|(n, _)| *n == id)
                .map(|(_, t)| *t)
                .unwrap_or_default();
            load_policy_text(store, clock, text).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The policies stored in this database, by id. Policies are public rules: any signed-in actor
/// may read them.
pub async fn stored<S: MoneyStore>(store: &S) -> Result<Vec<PolicyRecord>, AppError> {
    Ok(store.policy_records().await?)
}

/// The ids one may enrol in: those stored and the built-in ones.
pub async fn enrollable_ids<S: MoneyStore>(
    store: &S,
) -> Result<std::collections::BTreeSet<String>, AppError> {
    let mut ids: std::collections::BTreeSet<String> =
        stored(store).await?.into_iter().map(|r| r.id).collect();
    ids.extend(huzhu_domain::policy::builtin_names().map(str::to_string));
    Ok(ids)
}

/// A policy to show: the stored text if there is one, else the built-in file, read without
/// storing it (a page view changes nothing; enrolling stores it).
pub async fn view<S: MoneyStore>(
    store: &S,
    clock: &dyn Clock,
    id: &str,
) -> Result<Arc<Policy>, AppError> {
    match store.policy_record(id).await {
        Ok(_) => policy(store, clock, id).await,
        Err(huzhu_store::StoreError::NotFound(_)) => match builtin(id) {
            Some(Ok(p)) => Ok(Arc::new(p)),
            _ => Err(AppError::NotFound {
                what: format!("政策 {id} (policy {id})"),
            }),
        },
        Err(e) => Err(e.into()),
    }
}

/// Every policy's name by id — the stored ones and the built-ins — as (name, English name):
/// pages name a policy, never its file id. Each policy is parsed once per process (the cache of
/// [`policy`]); a built-in not yet stored is named from its file without storing it.
pub async fn names<S: MoneyStore>(
    store: &S,
    clock: &dyn Clock,
) -> Result<std::collections::BTreeMap<String, (String, Option<String>)>, AppError> {
    let mut out = std::collections::BTreeMap::new();
    for r in store.policy_records().await? {
        let p = policy(store, clock, &r.id).await?;
        out.insert(p.id.clone(), (p.name.clone(), p.name_en.clone()));
    }
    for name in huzhu_domain::policy::builtin_names() {
        if out.contains_key(name) {
            continue;
        }
        if let Some(Ok(p)) = builtin(name) {
            out.insert(p.id.clone(), (p.name.clone(), p.name_en.clone()));
        }
    }
    Ok(out)
}

/// Every document a policy asks for, by id, as (name, English name), over the stored policies
/// and the built-ins: the audit log keeps the ids a claim was returned for, and a page names them.
pub async fn document_names<S: MoneyStore>(
    store: &S,
    clock: &dyn Clock,
) -> Result<std::collections::BTreeMap<String, (String, Option<String>)>, AppError> {
    let mut out = std::collections::BTreeMap::new();
    let mut add = |p: &Policy| {
        for d in &p.documents {
            out.entry(d.id.clone())
                .or_insert_with(|| (d.name.clone(), d.name_en.clone()));
        }
    };
    for r in store.policy_records().await? {
        add(&*policy(store, clock, &r.id).await?);
    }
    for name in huzhu_domain::policy::builtin_names() {
        if let Some(Ok(p)) = builtin(name) {
            add(&p);
        }
    }
    Ok(out)
}
