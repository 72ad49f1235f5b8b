//! Who may do what (SPEC section 1): the seven roles and the capabilities each holds. Scope — which
//! organisations and members an actor may see — is the actor's organisation and its subtree, or,
//! for a member, the member alone; the app checks it against the tree, this module only names it.

use crate::org::{OrgCode, OrgLevel};
use serde::{Deserialize, Serialize};

/// A user's role. One role per account; a person with two duties has two accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 职工/会员: sees and claims for themselves only.
    Member,
    /// 基层工会干事: the unit's roster, enrolment, contributions, claims on a member's behalf.
    UnitOfficer,
    /// 市/区县总工会 staff at the service-centre window: accept, review, approve claims.
    FederationStaff,
    /// 医疗顾问: reviews claims sent to expert review.
    MedicalReviewer,
    /// 财务: payout batches, bank files, the ledger.
    Finance,
    /// 审计: reads everything in scope, the ledger and the audit log; changes nothing.
    Auditor,
    /// 系统管理员: organisation tree, accounts and roles, policies.
    Administrator,
}

/// Something an actor may be allowed to do, whatever the object's organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Read members, enrolments and claims in scope (masked).
    ReadMembers,
    /// Import rosters, edit members.
    ManageRoster,
    /// Enrol a unit's members for a cycle and see its bill.
    Enrol,
    /// Record that a contribution bill was paid.
    RecordPayment,
    /// Record that the federation paid a bill it owes (a federation-paid policy's contributions):
    /// the federation's own money, so finance only, never the unit.
    RecordFederationPayment,
    /// Submit a claim (for oneself, or for a member of one's unit).
    SubmitClaim,
    /// Accept or return claims at the window, compute and review them.
    HandleClaims,
    /// Decide claims sent to expert review.
    ExpertReview,
    /// Approve or reject claims (at the level the policy requires) and reopen them on appeal.
    ApproveClaims,
    /// Build payout batches, export bank files, mark them paid.
    ManagePayouts,
    /// Read the ledger and its balances.
    ReadLedger,
    /// Read the audit log.
    ReadAudit,
    /// See a personal field whole (logged each time).
    RevealPersonal,
    /// Create accounts and assign roles.
    ManageUsers,
    /// Set the review-selection rules of the federation.
    ConfigureReview,
    /// Read the hardship archive 困难职工档案 in scope (households, their timeline).
    ReadArchive,
    /// Open a household's record with its facts (the unit, SPEC 7.2).
    ApplyArchive,
    /// Take the archive's steps after the application: the home visit (street level or above),
    /// review, notice, objections, admission, yearly review, lapse and exit (district or above).
    ManageArchive,
    // donation module (春风行动, issue 16)
    /// Record donations at the window, confirm bank transfers, void and reissue receipts
    /// (SPEC 7.5).
    RecordDonations,
    /// Read donations, receipts and donors in scope.
    ReadDonations,
    /// Import bank statements and settle their lines (finance).
    ImportStatements,
    // legal aid 法律援助 and craftsman recognition 数字工匠 (issue 17)
    /// Read legal-aid cases in scope (a member: their own) and the panel of lawyers.
    ReadLegalAid,
    /// Open a legal-aid case: a member for themselves, an officer or staff for a member in scope.
    OpenLegalAid,
    /// Check, refuse, approve (district or above), assign, record and close cases; keep the
    /// panel of lawyers.
    ManageLegalAid,
    /// Read recognition calls, nominations, scores and the ranking in scope.
    ReadRecognition,
    /// Open calls (city), nominate (district and industry unions), confirm, record scores,
    /// approve the ranking (city), run the notice and award.
    ManageRecognition,
    // pairing and services (helper K, issue 16)
    /// Publish needy students for cloud pairing 云结对, record pledged payments and progress
    /// reports (federation staff, SPEC 7.6).
    ManagePairing,
    /// Keep the 81890 directory (teams, services) and take requests through their steps.
    ManageServices,
    // employment help 春风就业 (SPEC 7.11; docs/employment.md)
    /// Read job fairs, job-seekers, courses and the employment figures in scope.
    ReadEmployment,
    /// Register job-seekers (members of the unit, 阳光就业 graduates), withdraw them, place them
    /// in a post of a held fair and enrol them in a course: the unit's work and the
    /// federation's.
    RegisterSeekers,
    /// Organise job fairs (posts, held or cancelled) and skills courses (attendance, finish,
    /// certificates): federation staff, at district level or above (the app checks the level).
    OrganiseEmployment,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Member,
        Role::UnitOfficer,
        Role::FederationStaff,
        Role::MedicalReviewer,
        Role::Finance,
        Role::Auditor,
        Role::Administrator,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::UnitOfficer => "unit_officer",
            Role::FederationStaff => "federation_staff",
            Role::MedicalReviewer => "medical_reviewer",
            Role::Finance => "finance",
            Role::Auditor => "auditor",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == raw.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Member => "会员",
            Role::UnitOfficer => "基层工会干事",
            Role::FederationStaff => "总工会经办人员",
            Role::MedicalReviewer => "医疗顾问",
            Role::Finance => "财务",
            Role::Auditor => "审计",
            Role::Administrator => "系统管理员",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::UnitOfficer => "unit union officer",
            Role::FederationStaff => "federation staff",
            Role::MedicalReviewer => "medical reviewer",
            Role::Finance => "finance",
            Role::Auditor => "auditor",
            Role::Administrator => "administrator",
        }
    }

    /// Whether the role holds the capability (SPEC section 1's table). Scope is checked apart.
    pub fn can(self, c: Capability) -> bool {
        use Capability as C;
        use Role as R;
        match (self, c) {
            (_, C::ReadMembers) => true,
            (R::Member, C::SubmitClaim) => true,
            (R::Member, C::ReadLegalAid | C::OpenLegalAid) => true, // legal aid (issue 17)
            (R::Member, _) => false,
            (R::UnitOfficer, C::ManageRoster | C::Enrol | C::RecordPayment | C::SubmitClaim) => {
                true
            }
            (R::UnitOfficer, C::ReadArchive | C::ApplyArchive) => true,
            (R::FederationStaff, C::ReadArchive | C::ManageArchive) => true,
            (R::Auditor, C::ReadArchive) => true,
            (R::FederationStaff, C::HandleClaims | C::ApproveClaims | C::SubmitClaim) => true,
            (R::FederationStaff, C::ManageRoster | C::Enrol | C::RecordPayment) => true,
            (R::FederationStaff, C::RevealPersonal | C::ConfigureReview) => true,
            (R::MedicalReviewer, C::ExpertReview | C::RevealPersonal) => true,
            (
                R::Finance,
                C::ManagePayouts | C::ReadLedger | C::RecordPayment | C::RecordFederationPayment,
            ) => true,
            (R::Auditor, C::ReadLedger | C::ReadAudit | C::RevealPersonal) => true,
            (R::Administrator, C::ManageUsers | C::ManageRoster | C::ConfigureReview) => true,
            (R::Administrator, C::ReadAudit | C::ReadLedger) => true,
            // donation module (春风行动, issue 16)
            (R::FederationStaff | R::Finance, C::RecordDonations) => true,
            (R::FederationStaff | R::Finance | R::Auditor, C::ReadDonations) => true,
            (R::Finance, C::ImportStatements) => true,
            // legal aid and recognition (issue 17)
            (R::UnitOfficer, C::ReadLegalAid | C::OpenLegalAid) => true,
            (R::FederationStaff, C::ReadLegalAid | C::OpenLegalAid | C::ManageLegalAid) => true,
            (R::FederationStaff, C::ReadRecognition | C::ManageRecognition) => true,
            (R::Auditor, C::ReadLegalAid | C::ReadRecognition) => true,
            // pairing and services (helper K, issue 16)
            (R::FederationStaff, C::ManagePairing | C::ManageServices) => true,
            (R::UnitOfficer, C::ManageServices) => true,
            // employment help (SPEC 7.11)
            (R::UnitOfficer, C::ReadEmployment | C::RegisterSeekers) => true,
            (
                R::FederationStaff,
                C::ReadEmployment | C::RegisterSeekers | C::OrganiseEmployment,
            ) => true,
            (R::Auditor, C::ReadEmployment) => true,
            _ => false,
        }
    }
}

/// The signed-in person on whose behalf a use case runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The organisation the account belongs to; its subtree is the actor's scope.
    pub org: OrgCode,
    pub org_level: OrgLevel,
    /// For [`Role::Member`]: the member's id (members.id); scope is that member alone.
    pub member_id: Option<i64>,
}

impl Actor {
    pub fn can(&self, c: Capability) -> bool {
        self.role.can(c)
    }

    /// Whether the actor's organisation is at `level` or above (城市 = 1 is the highest): how an
    /// approval "at city level" (policy item `approval = "city"`) is checked.
    pub fn is_at_or_above(&self, level: OrgLevel) -> bool {
        (self.org_level as u8) <= (level as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_code_parses_back() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn a_member_may_only_read_and_claim() {
        assert!(Role::Member.can(Capability::SubmitClaim));
        assert!(!Role::Member.can(Capability::HandleClaims));
        assert!(!Role::Member.can(Capability::RevealPersonal));
        assert!(!Role::Auditor.can(Capability::ApproveClaims));
        assert!(Role::Finance.can(Capability::ManagePayouts));
        assert!(!Role::UnitOfficer.can(Capability::ApproveClaims));
    }

    #[test]
    fn the_unit_applies_to_the_archive_and_the_federation_decides() {
        assert!(Role::UnitOfficer.can(Capability::ApplyArchive));
        assert!(!Role::UnitOfficer.can(Capability::ManageArchive));
        assert!(Role::FederationStaff.can(Capability::ManageArchive));
        assert!(!Role::FederationStaff.can(Capability::ApplyArchive));
        assert!(Role::Auditor.can(Capability::ReadArchive));
        assert!(!Role::Auditor.can(Capability::ManageArchive));
        assert!(!Role::Member.can(Capability::ReadArchive));
    }

    #[test]
    fn fairs_and_courses_are_the_federation_s_and_seekers_the_unit_s_too() {
        assert!(Role::FederationStaff.can(Capability::OrganiseEmployment));
        assert!(!Role::UnitOfficer.can(Capability::OrganiseEmployment));
        assert!(Role::UnitOfficer.can(Capability::RegisterSeekers));
        assert!(!Role::Auditor.can(Capability::RegisterSeekers));
        assert!(Role::Auditor.can(Capability::ReadEmployment));
        for r in [
            Role::Member,
            Role::Finance,
            Role::MedicalReviewer,
            Role::Administrator,
        ] {
            assert!(!r.can(Capability::ReadEmployment), "{r:?}");
            assert!(!r.can(Capability::RegisterSeekers), "{r:?}");
            assert!(!r.can(Capability::OrganiseEmployment), "{r:?}");
        }
    }
}
