//! Benchmarks of the adjudication engine alone (no parsing, no I/O in the timed part).
//!
//! `cargo run --release -p huzhu-bench -- engine` (or `bench/engine.sh`) generates 1,000,000
//! claims of 100,000 members under `hangzhou-2022` with a fixed seed, decides them on one thread,
//! and prints claims per second per core and the time for 100k claims (the baseline, measured in
//! the same run) against 1M claims. Targets: ≥ 200,000 claims/s per core; 1M ≤ 11 × 100k.
//!
//! `huzhu-bench cycle --backend sqlite|postgres --members N --claims M` (or `bench/adjudicate.sh`)
//! benchmarks batch adjudication of a stored cycle against reading and rewriting the same rows
//! (see [`cycle`]).
//!
//! `huzhu-bench campaign --backend sqlite|postgres --members M --recipients N` (or
//! `bench/campaign_grant.sh`) times granting a care campaign's cash against inserting the same
//! rows plainly (see [`campaign`]).
//!
//! `huzhu-bench dashboard --backend sqlite|postgres --members N --claims M` (or
//! `bench/dashboard.sh`) times the statistics dashboard from the maintained aggregates against the
//! same tables by full scan (see [`dashboard`]).

mod assess;
mod campaign;
mod cycle;
mod dashboard;
mod floor;
mod roster;

use chrono::{Days, NaiveDate};
use huzhu_domain::engine::{adjudicate, History};
use huzhu_domain::member::EmploymentStatus;
use huzhu_domain::money::Money;
use huzhu_domain::policy::{builtin, Policy};
use huzhu_domain::scenario::{Claim, Costs, Diagnosis, Enrolment, Event, Member, Scenario};
use huzhu_domain::IdNumber;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// SplitMix64: a fixed, dependency-free generator, so every run decides the same claims.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const DOCS: [&str; 7] = [
    "application_form",
    "id_copy",
    "bank_card",
    "settlement_statement",
    "discharge_record",
    "invoice",
    "pathology_report",
];
const CODES: [&str; 10] = [
    "md01", "md05", "mi01", "mi03", "fc01", "fc07", "fc08", "md12", "xx01", "mi02",
];
const IDS: [&str; 2] = ["330106198503150024", "330106198503150016"];

fn day(rng: &mut Rng) -> NaiveDate {
    let base = NaiveDate::from_ymd_opt(2021, 12, 1).unwrap_or_default();
    base + Days::new(rng.below(420))
}

fn scenario(rng: &mut Rng, member_no: u64, claims: usize) -> Scenario {
    let far = NaiveDate::from_ymd_opt(9999, 1, 1).unwrap_or_default();
    let id = IdNumber::parse(IDS[(member_no % 2) as usize], far).ok();
    let gender = id
        .as_ref()
        .and_then(|i| i.resident_facts())
        .map(|f| f.gender)
        .unwrap_or(huzhu_domain::Gender::Female);
    let start = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
    let renewal = rng.below(10) < 8;
    let enrolments = ["A", "B", "C"]
        .iter()
        .filter(|_| rng.below(10) < 9)
        .map(|i| Enrolment {
            item: (*i).to_string(),
            shares: 1,
            start,
            renewal,
        })
        .collect();
    let member = Member {
        id_number: id.unwrap_or_else(unreachable_id),
        gender,
        status: if rng.below(50) == 0 {
            EmploymentStatus::Retired
        } else {
            EmploymentStatus::InService
        },
        social_security_region: None,
        enrolments,
    };
    let mut out = Vec::with_capacity(claims);
    for k in 0..claims {
        let kind = rng.below(10);
        let d0 = day(rng);
        let event = match kind {
            0..=4 => Event::HospitalStay {
                admitted: d0,
                discharged: d0 + Days::new(rng.below(30)),
            },
            5..=6 => Event::Outpatient {
                start: d0,
                end: d0 + Days::new(30),
                disease: format!("od0{}", 1 + rng.below(5)),
            },
            7..=8 => Event::Diagnosis,
            _ => Event::CarePayment,
        };
        let diagnoses = if kind <= 4 && rng.below(4) == 0 || (7..=8).contains(&kind) {
            vec![Diagnosis {
                disease: CODES[rng.below(CODES.len() as u64) as usize].to_string(),
                date: d0,
                first_diagnosis: rng.below(5) != 0,
                death_date: None,
            }]
        } else {
            Vec::new()
        };
        out.push(Claim {
            id: format!("m{member_no}c{k}"),
            submitted: d0 + Days::new(20),
            event,
            hospital_grade: Some(1 + rng.below(3) as u8),
            rehabilitation: rng.below(40) == 0,
            diagnoses,
            costs: Costs {
                self_borne: Money::from_fen(rng.below(5_000_000) as i64),
                ..Costs::default()
            },
            invoices: vec![format!("inv{}", rng.below(1_000_000))],
            documents: DOCS.iter().map(|d| (*d).to_string()).collect(),
        });
    }
    Scenario {
        member,
        claims: out,
    }
}

fn unreachable_id() -> IdNumber {
    // The constant IDs above are valid; this keeps the generator free of unwrap.
    IdNumber::from_stored(huzhu_domain::IdKind::Passport, "E00000000").unwrap_or_else(|_| {
        std::process::exit(3);
    })
}

/// Decides `members × claims_each` claims in chunks; returns (engine time, claims, checksum).
fn run(policy: &Policy, members: u64, claims_each: usize, seed: u64) -> (Duration, u64, i64) {
    let mut rng = Rng(seed);
    let mut spent = Duration::ZERO;
    let mut n = 0u64;
    let mut checksum = 0i64;
    let chunk = 5_000u64;
    let mut m = 0u64;
    while m < members {
        let batch: Vec<Scenario> = (m..(m + chunk).min(members))
            .map(|k| scenario(&mut rng, k, claims_each))
            .collect();
        let t = Instant::now();
        for s in &batch {
            let mut h = History::new(policy);
            for c in &s.claims {
                // Generated claims never overflow; one that did would count for nothing.
                if let Ok(d) = adjudicate(policy, &s.member, &mut h, c) {
                    checksum = checksum.wrapping_add(d.payable.fen());
                }
                n += 1;
            }
        }
        spent += t.elapsed();
        m += chunk;
    }
    (spent, n, checksum)
}

fn engine() -> ExitCode {
    let Some(Ok(policy)) = builtin("hangzhou-2022") else {
        eprintln!("hangzhou-2022 does not load");
        return ExitCode::FAILURE;
    };
    // Warm-up, so the baseline is not paying for cold caches.
    let _ = run(&policy, 2_000, 10, 7);
    let (t_small, n_small, c_small) = run(&policy, 10_000, 10, 42);
    let (t_big, n_big, c_big) = run(&policy, 100_000, 10, 42);
    let rate = |n: u64, t: Duration| n as f64 / t.as_secs_f64();
    let per_core = rate(n_big, t_big);
    let ratio = t_big.as_secs_f64() / t_small.as_secs_f64();
    println!("huzhu engine benchmark — hangzhou-2022, one thread, fixed seed");
    println!(
        "baseline: {n_small:>9} claims (10,000 members)  in {:>8.3} s  → {:>10.0} claims/s  (checksum {c_small})",
        t_small.as_secs_f64(),
        rate(n_small, t_small)
    );
    println!(
        "full:     {n_big:>9} claims (100,000 members) in {:>8.3} s  → {:>10.0} claims/s  (checksum {c_big})",
        t_big.as_secs_f64(),
        per_core
    );
    let speed_ok = per_core >= 200_000.0;
    let scale_ok = ratio <= 11.0;
    println!(
        "claims/s per core: {per_core:.0} (target ≥ 200,000: {})",
        if speed_ok { "ok" } else { "MISSED" }
    );
    println!(
        "time 1M / time 100k: {ratio:.2} for 10× the claims (target ≤ 11: {})",
        if scale_ok { "ok" } else { "MISSED" }
    );
    if speed_ok && scale_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match args.first().map(String::as_str) {
        Some("engine") | None => return engine(),
        Some("cycle") => {
            return match cycle::Args::parse(&args[1..]) {
                Ok(a) => cycle::run(&a),
                Err(usage) => {
                    eprintln!("{usage}");
                    ExitCode::from(2)
                }
            }
        }
        Some("campaign") => {
            return match campaign::Args::parse(&args[1..]) {
                Ok(a) => campaign::run(&a),
                Err(usage) => {
                    eprintln!("{usage}");
                    ExitCode::from(2)
                }
            };
        }
        Some("dashboard") => {
            return match dashboard::Args::parse(&args[1..]) {
                Ok(a) => dashboard::run(&a),
                Err(usage) => {
                    eprintln!("{usage}");
                    ExitCode::from(2)
                }
            }
        }
        Some("floor") => {
            return match floor::run(&args[1..]) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("roster-orgs") => roster::orgs(&mut out),
        Some("assess-cases") => match (args.get(1).and_then(|n| n.parse().ok()), args.get(2)) {
            (Some(n), Some(p)) => assess::cases(&mut out, n, p),
            _ => {
                eprintln!("usage: huzhu-bench assess-cases N PROGRAMME");
                return ExitCode::from(2);
            }
        },
        Some("json-echo") => assess::echo(&mut out),
        Some("roster-members") => match args.get(1).and_then(|n| n.parse().ok()) {
            Some(n) => roster::members(&mut out, n),
            None => {
                eprintln!("usage: huzhu-bench roster-members N");
                return ExitCode::from(2);
            }
        },
        Some(other) => {
            eprintln!(
                "unknown benchmark `{other}`; try: engine, cycle, campaign, dashboard, roster-orgs, roster-members N, assess-cases N PROGRAMME, json-echo"
            );
            return ExitCode::from(2);
        }
    };
    match written.and_then(|()| std::io::Write::flush(&mut out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
