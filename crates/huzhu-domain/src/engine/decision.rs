//! The decision on one claim (SPEC section 10): a value, printed as JSON by [`Decision::to_json`].

pub use super::explain::Explain;
use crate::money::Money;
use std::fmt::Write as _;

/// Why a benefit is not payable. The order of the variants is the order of precedence of SPEC 4.1
/// "Decision details": when several apply, the first is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    LateSubmission,
    NotInService,
    OutsideCycle,
    NotEnrolled,
    WaitingPeriod,
    HospitalGrade,
    Rehabilitation,
    Gender,
    DuplicateInvoice,
    NotCovered,
    NotFirstDiagnosis,
    AlreadyPaidThisCycle,
    CapReached,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::LateSubmission => "late_submission",
            Reason::NotInService => "not_in_service",
            Reason::OutsideCycle => "outside_cycle",
            Reason::NotEnrolled => "not_enrolled",
            Reason::WaitingPeriod => "waiting_period",
            Reason::HospitalGrade => "hospital_grade",
            Reason::Rehabilitation => "rehabilitation",
            Reason::Gender => "gender",
            Reason::DuplicateInvoice => "duplicate_invoice",
            Reason::NotCovered => "not_covered",
            Reason::NotFirstDiagnosis => "not_first_diagnosis",
            Reason::AlreadyPaidThisCycle => "already_paid_this_cycle",
            Reason::CapReached => "cap_reached",
        }
    }
}

/// A review flag (SPEC 5 "Flags for review").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flag {
    /// An invoice number of this claim appears in an earlier claim of the member.
    DuplicateInvoice,
}

impl Flag {
    pub fn code(self) -> &'static str {
        match self {
            Flag::DuplicateInvoice => "duplicate_invoice",
        }
    }
}

/// An amount paid, with the clause that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub item: String,
    pub benefit: String,
    pub amount: Money,
    pub clause: String,
    pub explain: Explain,
}

/// A benefit not paid (or the part of it past a cap), with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub item: String,
    pub benefit: String,
    pub reason: Reason,
    pub clause: String,
    pub explain: Explain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub claim: String,
    /// Always the sum of the lines.
    pub payable: Money,
    pub lines: Vec<Line>,
    pub not_payable: Vec<Refusal>,
    /// Document identifiers, in the order the policy lists its documents.
    pub missing_documents: Vec<String>,
    pub flags: Vec<Flag>,
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Decision {
    /// The SPEC 10 object of one decision, on one line, keys in the SPEC's order. Byte-identical
    /// for the same decision.
    pub fn write_json(&self, out: &mut String) {
        out.push_str("{\"claim\":");
        json_str(out, &self.claim);
        let _ = write!(out, ",\"payable_fen\":{},\"lines\":[", self.payable.fen());
        for (i, l) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"item\":");
            json_str(out, &l.item);
            out.push_str(",\"benefit\":");
            json_str(out, &l.benefit);
            let _ = write!(out, ",\"amount_fen\":{},\"clause\":", l.amount.fen());
            json_str(out, &l.clause);
            out.push_str(",\"explain\":");
            json_str(out, &l.explain.joined());
            out.push('}');
        }
        out.push_str("],\"not_payable\":[");
        for (i, r) in self.not_payable.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"item\":");
            json_str(out, &r.item);
            out.push_str(",\"benefit\":");
            json_str(out, &r.benefit);
            out.push_str(",\"reason\":");
            json_str(out, r.reason.code());
            out.push_str(",\"clause\":");
            json_str(out, &r.clause);
            out.push_str(",\"explain\":");
            json_str(out, &r.explain.joined());
            out.push('}');
        }
        out.push_str("],\"missing_documents\":[");
        for (i, d) in self.missing_documents.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_str(out, d);
        }
        out.push_str("],\"flags\":[");
        for (i, f) in self.flags.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_str(out, f.code());
        }
        out.push_str("]}");
    }

    /// `{"decisions":[…]}` for a scenario, on one line.
    pub fn decisions_json(decisions: &[Decision]) -> String {
        let mut out = String::with_capacity(512 * decisions.len().max(1));
        out.push_str("{\"decisions\":[");
        for (i, d) in decisions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            d.write_json(&mut out);
        }
        out.push_str("]}");
        out
    }
}
