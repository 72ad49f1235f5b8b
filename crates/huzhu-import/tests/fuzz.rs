//! Fuzzing on stable Rust (issue 18): every parser that reads what a person or another system
//! hands in — ID numbers, rosters (csv and xlsx bytes), policy and programme files, scenario and
//! case JSON — is fed mutations of the seed corpus in `fuzz/corpus/<target>/` and must neither
//! panic nor hang (inputs are bounded in size, and each input must be answered within
//! [`HANG_LIMIT`]). What parses is also used: a scenario is adjudicated under `hangzhou-2022` and
//! exported as FHIR, a case assessed under every reference programme, a policy decides the SPEC
//! 10 example, a programme assesses the SPEC 11 case.
//!
//! The mutations come from proptest (byte-level operations on a seed: flip, set, insert, delete,
//! duplicate, splice from another seed, insert a token that parsers find interesting), so a
//! failure is shrunk to a few operations and the smallest input is written to
//! `target/fuzz-crashes/<target>.bin`; keep it in `fuzz/regressions/<target>/`, where
//! [`regressions_stay_fixed`] runs every file on each test run.
//!
//! Budget: `HUZHU_FUZZ_CASES` inputs per target (default 400: the seven targets take a few
//! seconds in the normal suite). A longer run: `HUZHU_FUZZ_CASES=20000 cargo nextest run
//! --workspace -E 'binary(fuzz)'` (docs/fuzzing.md). `HUZHU_FUZZ_SEED` picks another sequence.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use huzhu_domain::engine::adjudicate_scenario;
use huzhu_domain::id_number::{check_character, IdKind, IdNumber};
use huzhu_domain::policy::{self, Policy};
use huzhu_domain::programme::{self, assess, Case, Programme};
use huzhu_domain::scenario::Scenario;
use huzhu_import::{Format, Roster};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// No input is larger than this (a roster or policy of the corpus is a few KiB).
const MAX_LEN: usize = 64 * 1024;
/// An input answered more slowly than this counts as a hang.
const HANG_LIMIT: Duration = Duration::from_secs(5);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
}

/// Byte strings parsers care about: delimiters, quotes, limits, encodings, dates.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"'",
    b",",
    b";",
    b"\t",
    b"\r\n",
    b"\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b"[[",
    b"]]",
    b":",
    b"=",
    b"#",
    b"\\",
    b"\"\"\"",
    b"'''",
    b"null",
    b"true",
    b"-1",
    b"0",
    b"-0",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"99999999999999999999999",
    b"1e309",
    b"0.5",
    b"inf",
    b"nan",
    b"2022-02-30",
    b"9999-12-31",
    b"0000-01-01",
    b"1979-05-27T07:32:00Z",
    b"\\u0000",
    b"\\ud800",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xd5\xc5",
    b"\xe5\xbc\xa0",
    b"\xef\xbc\x91",
    b"\x00",
    b"X",
    b"330106198503150024",
    b"=cmd|' /C calc'!A0",
    b"\"shares\":",
    b"\"amount_fen\":",
    b"\"claims\":[",
    b"\"kind\":\"hospital_stay\"",
    b"[[items]]",
    b"[[items.benefits]]",
    b"cap_fen = ",
    b"rate = \"",
    b"<row r=\"1\">",
    b"<c t=\"s\"><v>9999999</v></c>",
    b"PK\x03\x04",
];

#[derive(Debug, Clone)]
enum Op {
    Flip {
        at: usize,
        bit: u8,
    },
    Set {
        at: usize,
        byte: u8,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
    Delete {
        at: usize,
        len: u16,
    },
    Duplicate {
        at: usize,
        len: u16,
        to: usize,
    },
    Token {
        at: usize,
        token: usize,
    },
    Splice {
        at: usize,
        seed: usize,
        from: usize,
        len: u16,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Op::Flip { at, bit }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Op::Set { at, byte }),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Op::Insert { at, bytes }),
        (any::<usize>(), 1u16..64).prop_map(|(at, len)| Op::Delete { at, len }),
        (any::<usize>(), 1u16..256, any::<usize>()).prop_map(|(at, len, to)| Op::Duplicate {
            at,
            len,
            to
        }),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Op::Token { at, token }),
        (any::<usize>(), any::<usize>(), any::<usize>(), 1u16..512).prop_map(
            |(at, seed, from, len)| Op::Splice {
                at,
                seed,
                from,
                len
            }
        ),
    ]
}

/// The seed with the operations applied, at most [`MAX_LEN`] bytes.
fn mutate(seeds: &[Vec<u8>], seed: usize, ops: &[Op]) -> Vec<u8> {
    let mut b = seeds[seed % seeds.len()].clone();
    let pos = |at: usize, len: usize| if len == 0 { 0 } else { at % (len + 1) };
    for op in ops {
        match op {
            Op::Flip { at, bit } if !b.is_empty() => {
                let i = at % b.len();
                b[i] ^= 1 << bit;
            }
            Op::Set { at, byte } if !b.is_empty() => {
                let i = at % b.len();
                b[i] = *byte;
            }
            Op::Insert { at, bytes } => {
                let i = pos(*at, b.len());
                b.splice(i..i, bytes.iter().copied());
            }
            Op::Delete { at, len } if !b.is_empty() => {
                let i = at % b.len();
                let end = (i + *len as usize).min(b.len());
                b.drain(i..end);
            }
            Op::Duplicate { at, len, to } if !b.is_empty() => {
                let i = at % b.len();
                let end = (i + *len as usize).min(b.len());
                let part: Vec<u8> = b[i..end].to_vec();
                let j = pos(*to, b.len());
                b.splice(j..j, part);
            }
            Op::Token { at, token } => {
                let i = pos(*at, b.len());
                b.splice(i..i, TOKENS[*token].iter().copied());
            }
            Op::Splice {
                at,
                seed,
                from,
                len,
            } => {
                let other = &seeds[seed % seeds.len()];
                if !other.is_empty() {
                    let f = from % other.len();
                    let end = (f + *len as usize).min(other.len());
                    let i = pos(*at, b.len());
                    b.splice(i..i, other[f..end].iter().copied());
                }
            }
            _ => {}
        }
        b.truncate(MAX_LEN);
    }
    b
}

/// The seed corpus of a target: every file of `fuzz/corpus/<target>/`, by name.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = root().join("fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(!seeds.is_empty(), "no seed in {}", dir.display());
    seeds
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn hangzhou() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| policy::builtin("hangzhou-2022").unwrap().unwrap())
}

fn programmes() -> &'static Vec<Programme> {
    static P: OnceLock<Vec<Programme>> = OnceLock::new();
    P.get_or_init(|| {
        programme::builtin_names()
            .map(|id| programme::builtin(id).unwrap().unwrap())
            .collect()
    })
}

fn spec_scenario() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| {
        let text =
            std::fs::read_to_string(root().join("fuzz/corpus/scenario/spec-example.json")).unwrap();
        Scenario::from_json(&text).unwrap()
    })
}

fn spec_case() -> &'static Case {
    static C: OnceLock<Case> = OnceLock::new();
    C.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("fuzz/corpus/case/spec-case.json")).unwrap();
        Case::from_json(&text).unwrap()
    })
}

// ------------------------------------------------------------------------------ the targets

fn id_number(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = IdNumber::parse(&text, today());
    let _ = IdKind::parse(&text);
    if let Some(kind) = IdKind::parse(&text) {
        let _ = IdNumber::parse_as(kind, &text, today());
    }
    let _ = check_character(&text);
    if let Ok(id) = IdNumber::parse(&text, today()) {
        let _ = id.masked();
        let _ = id.resident_facts();
    }
}

fn read_roster(bytes: &[u8], format: Format) {
    if let Ok(mut r) = Roster::open(std::io::Cursor::new(bytes), format) {
        if let Ok(rows) = r.members(today()) {
            for row in rows.take(10_000) {
                let _ = row;
            }
        }
    }
    if let Ok(mut r) = Roster::open(std::io::Cursor::new(bytes), format) {
        if let Ok(rows) = r.orgs() {
            for row in rows.take(10_000) {
                let _ = row;
            }
        }
    }
}

fn roster_csv(bytes: &[u8]) {
    read_roster(bytes, Format::Csv);
    if let Ok(mut r) = Roster::open_detect(std::io::Cursor::new(bytes), "roster.csv") {
        let _ = r.members(today()).map(|rows| rows.take(10_000).count());
    }
}

fn roster_xlsx(bytes: &[u8]) {
    read_roster(bytes, Format::Xlsx);
}

fn policy_file(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Ok(p) = Policy::from_toml(&text) {
        let s = spec_scenario();
        if s.check_against(&p).is_ok() {
            let _ = adjudicate_scenario(&p, s);
        }
        let _ = policy::diff(hangzhou(), &p);
    }
}

fn programme_file(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Ok(p) = Programme::from_toml(&text) {
        let _ = assess(&p, spec_case());
    }
}

fn scenario(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let Ok(s) = Scenario::from_json(&text) else {
        return;
    };
    let policy = hangzhou();
    if s.check_against(policy).is_err() {
        return;
    }
    let Ok(decisions) = adjudicate_scenario(policy, &s) else {
        return;
    };
    use huzhu_domain::fhir::{DecidedClaim, DecisionFacts, Party, Standing};
    for (claim, d) in s.claims.iter().zip(&decisions) {
        let _ = huzhu_domain::engine::Decision::decisions_json(std::slice::from_ref(d));
        let facts = DecisionFacts::of(d);
        let decided = DecidedClaim {
            id: &claim.id,
            patient: Party::Named(s.member.id_number.masked()),
            provider: Party::Named("fuzz".into()),
            policy,
            claim,
            decision: &facts,
            standing: Standing {
                state: None,
                paid: huzhu_domain::money::Money::ZERO,
                decided_on: None,
            },
        };
        let text = decided.explanation_of_benefit().to_text();
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "the FHIR export is JSON: {text}"
        );
        let _ = decided.claim_resource().to_text();
    }
}

fn case(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Ok(c) = Case::from_json(&text) {
        for p in programmes() {
            if let Ok(a) = assess(p, &c) {
                let _ = a.to_json();
            }
        }
    }
}

/// Runs `target` on one input, failing (not panicking) on a panic or a hang.
fn run_one(name: &str, target: fn(&[u8]), input: &[u8]) -> Result<(), String> {
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(|| target(input));
    let took = started.elapsed();
    let failure = match outcome {
        Err(panic) => Some(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
        Ok(()) if took > HANG_LIMIT => Some(format!("took {took:?} (a hang)")),
        Ok(()) => None,
    };
    match failure {
        None => Ok(()),
        Some(why) => {
            // The last failing input written is the smallest once shrinking is done.
            let dir = root().join("target/fuzz-crashes");
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("{name}.bin"));
            let _ = std::fs::write(&file, input);
            Err(format!("{name}: {why}; input in {}", file.display()))
        }
    }
}

fn fuzz(name: &str, target: fn(&[u8])) {
    let seeds = corpus(name);
    // Every seed as it is, first.
    for (n, s) in seeds.iter().enumerate() {
        run_one(name, target, s).unwrap_or_else(|e| panic!("seed {n}: {e}"));
    }
    let cases = env_number("HUZHU_FUZZ_CASES", 400) as u32;
    let seed = env_number("HUZHU_FUZZ_SEED", 0x68_757a_6875);
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..8 + name.len().min(24)].copy_from_slice(&name.as_bytes()[..name.len().min(24)]);
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key));
    let n = seeds.len();
    let result = runner.run(
        &(0..n, proptest::collection::vec(op(), 0..12)),
        |(seed, ops)| {
            let input = mutate(&seeds, seed, &ops);
            run_one(name, target, &input).map_err(TestCaseError::fail)
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn fuzz_id_number() {
    fuzz("id_number", id_number);
}

#[test]
fn fuzz_roster_csv() {
    fuzz("roster_csv", roster_csv);
}

#[test]
fn fuzz_roster_xlsx() {
    fuzz("roster_xlsx", roster_xlsx);
}

#[test]
fn fuzz_policy() {
    fuzz("policy", policy_file);
}

#[test]
fn fuzz_programme() {
    fuzz("programme", programme_file);
}

#[test]
fn fuzz_scenario() {
    fuzz("scenario", scenario);
}

#[test]
fn fuzz_case() {
    fuzz("case", case);
}

/// A target by name.
type Target = (&'static str, fn(&[u8]));

/// Every input kept in `fuzz/regressions/<target>/` (a crash once found, since fixed) runs
/// through its target without a panic or a hang.
#[test]
fn regressions_stay_fixed() {
    let targets: [Target; 7] = [
        ("id_number", id_number),
        ("roster_csv", roster_csv),
        ("roster_xlsx", roster_xlsx),
        ("policy", policy_file),
        ("programme", programme_file),
        ("scenario", scenario),
        ("case", case),
    ];
    for (name, target) in targets {
        let dir = root().join("fuzz/regressions").join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            run_one(name, target, &input).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}
