//! `huzhu-bench assess-cases N PROGRAMME`: N varied SPEC 11 cases for a reference programme, one
//! JSON line each (for bench/assess.sh); and `huzhu-bench json-echo`: the baseline, every stdin
//! line parsed into a `serde_json::Value` and written back, nothing decided.

use huzhu_domain::id_number::check_character;
use serde_json::{json, Value};
use std::io::{BufRead, Write};

/// A small deterministic generator (xorshift): the same N gives the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A valid resident ID born in `year`, made unique by `seq`.
fn id(year: u64, seq: u64) -> String {
    let first17 = format!(
        "330106{year:04}{:02}{:02}{:03}",
        1 + seq % 12,
        1 + (seq / 12) % 28,
        seq % 1000
    );
    let check = check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

const LEVELS: [&str; 5] = [
    "postgraduate",
    "undergraduate",
    "junior_college",
    "senior_secondary",
    "none",
];
const CATEGORIES: [&str; 3] = ["deep", "relative", "accident"];
const TAGS: [&str; 5] = [
    "model_worker",
    "new_form_worker",
    "frontline",
    "migrant_worker",
    "rider",
];

fn case(r: &mut Rng, programme: &str, i: u64) -> Value {
    let member = id(1960 + r.below(40), i);
    let as_of = match programme {
        "two-festivals-2026" => format!("2026-{:02}-{:02}", 1 + r.below(3), 1 + r.below(28)),
        _ => format!("2026-{:02}-{:02}", 1 + r.below(12), 1 + r.below(28)),
    };
    let people: Vec<Value> = (0..r.below(4))
        .map(|k| {
            json!({"id_number": id(1995 + r.below(15), i * 4 + k), "relation": "child",
                   "school_level": LEVELS[r.below(5) as usize], "dialysis": r.below(4) == 0})
        })
        .collect();
    let archive = if r.below(5) == 0 {
        Value::Null
    } else {
        json!({"category": CATEGORIES[r.below(3) as usize], "active": r.below(6) != 0,
               "since": "2024-03-01"})
    };
    let tags: Vec<&str> = (0..r.below(3)).map(|_| TAGS[r.below(5) as usize]).collect();
    let mut c = json!({
        "as_of": as_of,
        "member": {"id_number": member, "status": "in_service", "tags": tags,
                   "employed_in_city_since": format!("20{:02}-03-01", 15 + r.below(12))},
        "household": {
            "size": 1 + r.below(5),
            "annual_income_fen": r.below(20_000_000),
            "medical_self_paid_fen": r.below(5_000_000),
            "education_fen": r.below(1_000_000),
            "disaster_loss_fen": r.below(3) * r.below(5_000_000),
            "people": people
        },
        "archive": archive,
        "medical": {"diagnoses": [{"disease": format!("md{:02}", 1 + r.below(30)),
                                   "date": format!("202{}-0{}-15", 5 + r.below(2), 1 + r.below(9))}],
                    "total_cost_fen": r.below(20_000_000), "insurance_paid_fen": r.below(5_000_000),
                    "mutual_aid_paid_fen": r.below(1_000_000)},
        "requested_fen": 40_000 + r.below(480_000),
        "grants": []
    });
    if r.below(4) == 0 {
        c["grants"] = json!([{"programme": programme, "key": format!("2026:{member}:1"),
                              "amount_fen": 100_000, "date": "2026-01-02"}]);
    }
    c
}

pub fn cases(out: &mut impl Write, n: u64, programme: &str) -> std::io::Result<()> {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ n);
    for i in 0..n {
        serde_json::to_writer(&mut *out, &case(&mut r, programme, i))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

pub fn echo(out: &mut impl Write) -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut input = std::io::BufReader::with_capacity(1 << 16, stdin.lock());
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let v: Value = serde_json::from_str(&line).map_err(std::io::Error::other)?;
        serde_json::to_writer(&mut *out, &v)?;
        out.write_all(b"\n")?;
    }
}
