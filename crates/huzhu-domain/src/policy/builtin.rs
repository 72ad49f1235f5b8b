//! The policies shipped with huzhu (`policies/*.toml`), embedded so that `--policy hangzhou-2022`
//! works from any directory. They load through the same parser as any file: no code is specific
//! to any of them.

use super::{Policy, PolicyErrors};

/// (name, file text), in the order `huzhu policy list` shows them.
pub const BUILTIN: [(&str, &str); 4] = [
    (
        "hangzhou-2022",
        include_str!("../../../../policies/hangzhou-2022.toml"),
    ),
    (
        "linan-2014",
        include_str!("../../../../policies/linan-2014.toml"),
    ),
    (
        "wenzhou-2018",
        include_str!("../../../../policies/wenzhou-2018.toml"),
    ),
    (
        "lucheng-model-workers",
        include_str!("../../../../policies/lucheng-model-workers.toml"),
    ),
];

pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(n, _)| *n)
}

/// The built-in policy of that name, parsed; `None` when no built-in has the name.
pub fn builtin(name: &str) -> Option<Result<Policy, PolicyErrors>> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| Policy::from_toml(text))
}
