//! huzhu's use cases (import a roster, list members, seed the demo), shared by the web server and
//! the CLI. This is the imperative shell around the pure domain: it owns the clock
//! ([`clock::Clock`]), reads files, and decides where transactions begin and end by calling the
//! store's atomic methods. It is generic over [`huzhu_store::Store`]: only the binary names a
//! backend. It must not depend on HTTP or on the terminal.

pub mod access;
pub mod accounts;
pub mod archive;
pub mod audit;
pub mod bank_changes;
pub mod batch;
pub mod campaign;
pub mod claim_list;
pub mod claims;
pub mod clock;
pub mod decision;
pub mod demo;
pub mod demo_claims;
pub mod demo_cycle;
pub mod demo_money;
pub mod demo_programmes;
pub mod digest;
pub mod documents;
pub mod enrolment;
pub mod error;
pub mod fund_report;
pub mod grant;
pub mod import;
pub mod ledger;
pub mod members;
pub mod orgs;
pub mod payouts;
pub mod policies;
pub mod programme_stats;
pub mod replay;
pub mod review;
pub mod stats;
pub mod support;
pub mod transfers;
// recuperation, procurement (helper M)
pub mod demo_registers;
pub mod procurement;
pub mod recuperation;
// donation module (春风行动, issue 16)
pub mod demo_donations;
pub mod donation;
// legal aid 法律援助 and craftsman recognition 数字工匠 (issue 17)
pub mod demo_cases;
pub mod legal_aid;
pub mod recognition;
// pairing and services (helper K, issue 16)
pub mod pairing;
pub mod services;
// FHIR R4 export of decided claims (helper E, issue 18)
pub mod fhir;
// employment help 春风就业 (helper D, issue 16)
pub mod demo_employment;
pub mod employment;
// bank statement import and matching (helper D, issue 16)
pub mod statement;

pub use clock::{Clock, FixedClock, SettableClock, SystemClock};
pub use error::{AppError, AuthFailure};

/// What the use cases need of a backend (the registry, the money path, accounts, statistics,
/// bank account changes, transfers). The web server and the CLI hold a `Backend` and hand it to
/// the use cases; they never call it themselves: every read and write goes through this crate,
/// which checks the actor's capability and scope first (ARCHITECTURE.md).
pub use huzhu_store::Repo as Backend;

/// The records the use cases hand out: one type per concept, declared once (in the store, which
/// fills them) and named here so that callers of this crate need no other.
pub mod model {
    pub use huzhu_store::archive::{HouseholdEvent, Objection};
    pub use huzhu_store::campaign::{
        AlreadyListed, Campaign, CampaignGranted, GrantRefusal, Listed, Recipient,
    };
    pub use huzhu_store::grant::{FundBalance, FundDeposit, Grant, GrantFilter, GrantId};
    // grant documents (issue 15)
    pub use huzhu_store::grant::GrantDocument;
    pub use huzhu_store::money::PayoutSubject;
    pub use huzhu_store::money::{
        Batch, BatchId, Bill, BillId, ClaimEvent, ClaimId, LedgerEntryView, PayoutLine,
        PolicyRecord, StoredDocument, StoredEnrolment,
    };
    pub use huzhu_store::{
        AuditEntry, AuditRecord, BankChange, Decision, ImportCounts, MemberFilter, MemberId, Org,
        OrgScope, Page, StoredMember, Transfer,
    };
    // recuperation, procurement (helper M)
    pub use huzhu_store::procurement::{CatalogueEntry, GiftValue, Purchase};
    pub use huzhu_store::recuperation::{Base, Batch as RecuperationBatch, Quota, SignUp, Spend};
    // donation module (春风行动, issue 16)
    pub use huzhu_store::donation::{
        Donation, DonationFilter, Donor, DonorSummary, FundPart, Receipt,
    };
    // legal aid and recognition (issue 17)
    pub use huzhu_store::legal_aid::{CaseEvent, Lawyer, LegalCase};
    pub use huzhu_store::recognition::{Call, Expert, Nomination, Score};
    // pairing and services (helper K, issue 16)
    pub use huzhu_store::pairing::{
        PairingPayment, PairingReport, PairingStudent, PublicListing, SponsorRecord, SponsorView,
    };
    pub use huzhu_store::services::{Offer, ServiceRequest, Team};
    // employment help (helper D, issue 16)
    pub use huzhu_store::employment::{Course, Fair, Post, Seeker, Trainee};
    // bank statements (helper D, issue 16)
    pub use huzhu_store::statement::{Imported, Statement, StatementLine};
}

/// The backend's name (`sqlite`, `postgres`), for logs and the health route.
pub fn backend_name<S: Backend>(store: &S) -> &'static str {
    store.backend().name()
}
