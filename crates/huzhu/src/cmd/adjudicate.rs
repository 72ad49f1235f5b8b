//! `huzhu adjudicate --policy NAME|FILE scenario.json|scenarios.jsonl` (SPEC section 10): the
//! decisions as JSON on stdout, byte-identical for the same input. A `.jsonl` file holds one
//! scenario per line and gets one decisions object per line, in order, as each is decided.
//! Malformed input exits 2 with the offending field named on stderr.

use super::policy::load_policy;
use anyhow::Context as _;
use clap::Args;
use huzhu_domain::engine::{adjudicate_scenario, Decision};
use huzhu_domain::policy::Policy;
use huzhu_domain::scenario::{Scenario, ScenarioError};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct AdjudicateArgs {
    /// A built-in policy name (`huzhu policy list`) or a policy file path.
    #[arg(long)]
    pub policy: String,
    /// The scenario: a `.json` file, a `.jsonl` file (one scenario per line), or `-` for stdin.
    pub scenario: String,
    /// Read JSON Lines whatever the file name (for stdin).
    #[arg(long)]
    pub lines: bool,
    /// `json` (SPEC 10's decisions, the default) or `fhir`: per scenario, one line holding a
    /// FHIR R4 `collection` Bundle of each claim's `Claim` and `ExplanationOfBenefit`
    /// (docs/fhir.md; the member is named by the masked ID number only).
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Fhir,
}

const INPUT_ERROR: u8 = 2;

fn decide(policy: &Policy, text: &str, format: Format) -> Result<String, ScenarioError> {
    let scenario = Scenario::from_json(text)?;
    scenario.check_against(policy)?;
    // An amount past i64 fen is refused as input (exit 2), never decided on a wrong total.
    let decisions = adjudicate_scenario(policy, &scenario).map_err(|e| ScenarioError {
        field: "claims".into(),
        problem: e.to_string(),
    })?;
    Ok(match format {
        Format::Json => Decision::decisions_json(&decisions),
        Format::Fhir => fhir_bundle(policy, &scenario, &decisions),
    })
}

/// The scenario's claims and decisions as one FHIR Bundle: `Claim`, `ExplanationOfBenefit`, …
fn fhir_bundle(policy: &Policy, scenario: &Scenario, decisions: &[Decision]) -> String {
    use huzhu_domain::fhir::{bundle, DecidedClaim, DecisionFacts, Party, Standing};
    let mut resources = Vec::with_capacity(decisions.len() * 2);
    for (claim, decision) in scenario.claims.iter().zip(decisions) {
        let facts = DecisionFacts::of(decision);
        let decided = DecidedClaim {
            id: &claim.id,
            patient: Party::Named(scenario.member.id_number.masked()),
            provider: Party::Named("未指定：情景文件不含单位 (not given in the scenario)".into()),
            policy,
            claim,
            decision: &facts,
            standing: Standing {
                state: None,
                paid: huzhu_domain::money::Money::ZERO,
                decided_on: None,
            },
        };
        resources.push(decided.claim_resource());
        resources.push(decided.explanation_of_benefit());
    }
    bundle(resources).to_text()
}

pub fn run(args: AdjudicateArgs) -> anyhow::Result<ExitCode> {
    let policy = match load_policy(&args.policy) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(INPUT_ERROR));
        }
    };
    let input: Box<dyn Read> = if args.scenario == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(&args.scenario)
                .with_context(|| format!("while opening scenario file {}", args.scenario))?,
        )
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.lines || args.scenario.ends_with(".jsonl") {
        let reader = BufReader::new(input);
        for (n, line) in reader.lines().enumerate() {
            let line = line.with_context(|| format!("while reading line {}", n + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            match decide(&policy, &line, args.format) {
                Ok(json) => {
                    writeln!(out, "{json}")?;
                    out.flush()?;
                }
                Err(e) => {
                    eprintln!("{}: line {}: {e}", args.scenario, n + 1);
                    return Ok(ExitCode::from(INPUT_ERROR));
                }
            }
        }
    } else {
        let mut text = String::new();
        BufReader::new(input)
            .read_to_string(&mut text)
            .with_context(|| format!("while reading scenario file {}", args.scenario))?;
        match decide(&policy, &text, args.format) {
            Ok(json) => writeln!(out, "{json}")?,
            Err(e) => {
                eprintln!("{}: {e}", args.scenario);
                return Ok(ExitCode::from(INPUT_ERROR));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
