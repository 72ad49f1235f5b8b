//! 春风就业 — employment help (SPEC 7.11, seed 003): job fairs (online and on site) with their
//! employers and posts, job-seekers' registrations (members, and 阳光就业 graduates of archived
//! hardship households), placements in posts, skills courses with attendance and certificates,
//! and the figures the seeds quote (28,089 online fairs placing 208,869 people in half a year).
//!
//! ```text
//! fair:    planned ─hold (on or after its date)─► held
//!          planned ─cancel─► cancelled
//! seeker:  registered ─place (a post of a held fair with an opening)─► placed
//!          registered ─withdraw─► withdrawn
//! course:  open ─finish─► finished        trainees enrol and attend while open;
//!          a certificate once per trainee, after the finish, at 80% attendance [assumed]
//! ```
//!
//! Every other step is refused naming the state and the step (a conflict, 409). The rules are
//! pure; the store keeps a post within its openings by a conditional UPDATE of its counter.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest name, note or reason kept, in characters.
pub const TEXT_MAX: usize = 200;

/// The most openings one post may offer, and the most sessions one course may have.
pub const MAX_OPENINGS: i64 = 10_000;
pub const MAX_SESSIONS: i64 = 1_000;

/// A certificate needs at least this share of a course's sessions attended [assumed], percent.
pub const CERTIFICATE_ATTENDANCE_PCT: i64 = 80;

macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vm])* $v,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn code(self) -> &'static str {
                match self {
                    $($name::$v => $code,)+
                }
            }

            pub fn parse(raw: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|s| s.code() == raw.trim())
            }

            pub fn label_zh(self) -> &'static str {
                match self {
                    $($name::$v => $zh,)+
                }
            }

            pub fn label_en(self) -> &'static str {
                match self {
                    $($name::$v => $en,)+
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownCode;

            fn try_from(raw: String) -> Result<$name, UnknownCode> {
                $name::parse(&raw).ok_or(UnknownCode(raw))
            }
        }
    };
}

/// A stored code that names no value (a corrupt row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code {0:?}")]
pub struct UnknownCode(pub String);

coded!(
    /// How a fair is held.
    FairMode {
        /// 网上招聘
        Online = "online", "网上招聘", "online";
        /// 现场招聘
        OnSite = "on_site", "现场招聘", "on site";
    }
);

coded!(
    /// Where a job fair stands.
    FairState {
        Planned = "planned", "计划中", "planned";
        Held = "held", "已举办", "held";
        Cancelled = "cancelled", "已取消", "cancelled";
    }
);

coded!(
    /// A step of a fair.
    FairStep {
        /// 举办: the fair took place (on or after its date).
        Hold = "hold", "举办", "hold";
        /// 取消
        Cancel = "cancel", "取消", "cancel";
    }
);

coded!(
    /// Who a job-seeker is.
    SeekerKind {
        /// 会员求职: a member of the union.
        Member = "member", "会员求职", "member";
        /// 阳光就业: a university graduate of an archived hardship household.
        Graduate = "graduate", "阳光就业（困难家庭高校毕业生）", "graduate of a hardship household";
    }
);

coded!(
    /// Where a job-seeker's registration stands.
    SeekerState {
        Registered = "registered", "已登记", "registered";
        Placed = "placed", "已就业", "placed";
        Withdrawn = "withdrawn", "已退出", "withdrawn";
    }
);

coded!(
    /// A step of a registration.
    SeekerStep {
        /// 安置就业: placed in a post.
        Place = "place", "安置就业", "place";
        /// 退出登记
        Withdraw = "withdraw", "退出登记", "withdraw";
    }
);

coded!(
    /// Where a skills course stands.
    CourseState {
        Open = "open", "开班中", "open";
        Finished = "finished", "已结业", "finished";
    }
);

coded!(
    /// A step of a course or of its trainees.
    CourseStep {
        Enrol = "enrol", "报名参训", "enrol";
        Attend = "attend", "记录出勤", "record attendance";
        Finish = "finish", "结业", "finish";
        Certify = "certify", "发放证书", "issue the certificate";
    }
);

/// Why an employment step or value is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmploymentError {
    #[error("招聘会状态为“{}”，不能进行“{}” (a fair that is {} cannot take the step '{}')",
        .from.label_zh(), .step.label_zh(), .from.label_en(), .step.label_en())]
    FairStep { from: FairState, step: FairStep },
    #[error("招聘会定于{on}举办，今天（{today}）还不能登记为已举办 (the fair is set for {on}: it cannot be held on {today})")]
    FairNotYet { on: NaiveDate, today: NaiveDate },
    #[error("招聘会状态为“{}”，不能再添加岗位 (a fair that is {} takes no more posts)",
        .from.label_zh(), .from.label_en())]
    FairClosedToPosts { from: FairState },
    #[error("招聘会状态为“{}”，其岗位不能安置 (posts of a fair that is {} take no placement: only a held fair's)",
        .from.label_zh(), .from.label_en())]
    FairNotHeld { from: FairState },
    #[error("求职登记状态为“{}”，不能进行“{}” (a registration that is {} cannot take the step '{}')",
        .from.label_zh(), .step.label_zh(), .from.label_en(), .step.label_en())]
    SeekerStep { from: SeekerState, step: SeekerStep },
    #[error("岗位{openings}个名额已全部安置 (all {openings} openings of the post are filled)")]
    PostFull { openings: i64 },
    #[error("岗位人数须在1至{MAX_OPENINGS}之间 (openings must be between 1 and {MAX_OPENINGS})")]
    Openings,
    #[error("课时数须在1至{MAX_SESSIONS}之间 (sessions must be between 1 and {MAX_SESSIONS})")]
    Sessions,
    #[error("出勤{attended}次超过课时数{sessions} (attendance {attended} exceeds the course's {sessions} sessions)")]
    Attendance { attended: i64, sessions: i64 },
    #[error("培训班状态为“{}”，不能进行“{}” (a course that is {} cannot take the step '{}')",
        .from.label_zh(), .step.label_zh(), .from.label_en(), .step.label_en())]
    CourseStep { from: CourseState, step: CourseStep },
    #[error("出勤{attended}/{sessions}次，未达到{CERTIFICATE_ATTENDANCE_PCT}%，不能发证 (attended {attended} of {sessions} sessions: below {CERTIFICATE_ATTENDANCE_PCT}%, no certificate)")]
    TooFewSessions { attended: i64, sessions: i64 },
    #[error("已发证书{number}，不能重复发放 (the certificate {number} was issued already)")]
    Certified { number: String },
    #[error("求职登记已退出，不能报名参训 (a withdrawn job-seeker takes no course)")]
    SeekerWithdrawn,
    #[error("结束日期{end}早于开始日期{start} (the course ends before it starts)")]
    CourseDates { start: NaiveDate, end: NaiveDate },
    #[error(
        "安置日期{placed_on}早于招聘会日期{fair_on} (the placement date is before the fair's)"
    )]
    PlacedBeforeFair {
        placed_on: NaiveDate,
        fair_on: NaiveDate,
    },
}

/// The state a fair in `from` reaches by `step` on `today`.
pub fn fair_step(
    from: FairState,
    held_on: NaiveDate,
    today: NaiveDate,
    step: FairStep,
) -> Result<FairState, EmploymentError> {
    match (from, step) {
        (FairState::Planned, FairStep::Hold) if today < held_on => {
            Err(EmploymentError::FairNotYet { on: held_on, today })
        }
        (FairState::Planned, FairStep::Hold) => Ok(FairState::Held),
        (FairState::Planned, FairStep::Cancel) => Ok(FairState::Cancelled),
        _ => Err(EmploymentError::FairStep { from, step }),
    }
}

/// Posts are added to a fair that is planned or held (an online fair runs for days).
pub fn check_post(fair: FairState, openings: i64) -> Result<(), EmploymentError> {
    if fair == FairState::Cancelled {
        return Err(EmploymentError::FairClosedToPosts { from: fair });
    }
    if !(1..=MAX_OPENINGS).contains(&openings) {
        return Err(EmploymentError::Openings);
    }
    Ok(())
}

/// A seeker in `from` is placed in a post of a fair in `fair` held on `fair_on`, on `placed_on`.
pub fn check_placement(
    from: SeekerState,
    fair: FairState,
    fair_on: NaiveDate,
    placed_on: NaiveDate,
) -> Result<(), EmploymentError> {
    seeker_step(from, SeekerStep::Place)?;
    if fair != FairState::Held {
        return Err(EmploymentError::FairNotHeld { from: fair });
    }
    if placed_on < fair_on {
        return Err(EmploymentError::PlacedBeforeFair { placed_on, fair_on });
    }
    Ok(())
}

/// The state a registration in `from` reaches by `step`.
pub fn seeker_step(from: SeekerState, step: SeekerStep) -> Result<SeekerState, EmploymentError> {
    match (from, step) {
        (SeekerState::Registered, SeekerStep::Place) => Ok(SeekerState::Placed),
        (SeekerState::Registered, SeekerStep::Withdraw) => Ok(SeekerState::Withdrawn),
        _ => Err(EmploymentError::SeekerStep { from, step }),
    }
}

/// A course's dates and sessions.
pub fn check_course(
    start: NaiveDate,
    end: NaiveDate,
    sessions: i64,
) -> Result<(), EmploymentError> {
    if end < start {
        return Err(EmploymentError::CourseDates { start, end });
    }
    if !(1..=MAX_SESSIONS).contains(&sessions) {
        return Err(EmploymentError::Sessions);
    }
    Ok(())
}

/// Whether a course in `from` takes `step` (enrol, attend and finish while open; certify after).
pub fn course_step(from: CourseState, step: CourseStep) -> Result<(), EmploymentError> {
    match (from, step) {
        (CourseState::Open, CourseStep::Enrol | CourseStep::Attend | CourseStep::Finish)
        | (CourseState::Finished, CourseStep::Certify) => Ok(()),
        _ => Err(EmploymentError::CourseStep { from, step }),
    }
}

/// Sessions attended, within the course's.
pub fn check_attendance(attended: i64, sessions: i64) -> Result<(), EmploymentError> {
    if !(0..=sessions).contains(&attended) {
        return Err(EmploymentError::Attendance { attended, sessions });
    }
    Ok(())
}

/// A certificate: the course finished, not issued before, at least 80% of the sessions attended.
pub fn check_certificate(
    course: CourseState,
    issued: Option<&str>,
    attended: i64,
    sessions: i64,
) -> Result<(), EmploymentError> {
    course_step(course, CourseStep::Certify)?;
    if let Some(number) = issued {
        return Err(EmploymentError::Certified {
            number: number.to_string(),
        });
    }
    if attended.saturating_mul(100) < sessions.saturating_mul(CERTIFICATE_ATTENDANCE_PCT) {
        return Err(EmploymentError::TooFewSessions { attended, sessions });
    }
    Ok(())
}

/// A certificate's number: `JN2026-000042`, the year it is issued and the trainee's id (unique).
pub fn certificate_number(issued_on: NaiveDate, trainee: i64) -> String {
    format!("JN{}-{trainee:06}", issued_on.year())
}

/// What one fact counts towards the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactKind {
    /// A fair held (counted on its date).
    FairHeld,
    /// An employer at a held fair.
    Employer,
    /// Openings offered by a post of a held fair.
    PostsOffered,
    /// A seeker registered (counted on the registration date).
    Registered,
    /// A seeker placed (counted on the placement date).
    Placed,
    /// A course started.
    Course,
    /// A trainee of a course (counted on the course's start).
    Trainee,
    /// A certificate issued.
    Certificate,
}

/// One dated fact of an org: `n` of `kind` on `on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub org: String,
    pub on: NaiveDate,
    pub kind: FactKind,
    pub n: i64,
}

/// The figures of one org and month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// 招聘会场次
    pub fairs_held: i64,
    /// 参会企业
    pub employers: i64,
    /// 提供岗位
    pub posts_offered: i64,
    /// 求职登记人数
    pub registered: i64,
    /// 实现就业人数
    pub placed: i64,
    /// 培训班
    pub courses: i64,
    /// 培训人数
    pub trainees: i64,
    /// 发放证书
    pub certificates: i64,
}

impl Figures {
    pub fn add(&mut self, kind: FactKind, n: i64) {
        let slot = match kind {
            FactKind::FairHeld => &mut self.fairs_held,
            FactKind::Employer => &mut self.employers,
            FactKind::PostsOffered => &mut self.posts_offered,
            FactKind::Registered => &mut self.registered,
            FactKind::Placed => &mut self.placed,
            FactKind::Course => &mut self.courses,
            FactKind::Trainee => &mut self.trainees,
            FactKind::Certificate => &mut self.certificates,
        };
        *slot = slot.saturating_add(n);
    }

    pub fn values(&self) -> [i64; 8] {
        [
            self.fairs_held,
            self.employers,
            self.posts_offered,
            self.registered,
            self.placed,
            self.courses,
            self.trainees,
            self.certificates,
        ]
    }
}

/// `YYYY-MM` of a date.
pub fn month(on: NaiveDate) -> String {
    format!("{:04}-{:02}", on.year(), on.month())
}

/// The facts summed by org and month (ordered, so the same facts give the same table).
pub fn figures(facts: &[Fact]) -> BTreeMap<(String, String), Figures> {
    let mut out: BTreeMap<(String, String), Figures> = BTreeMap::new();
    for f in facts {
        out.entry((f.org.clone(), month(f.on)))
            .or_default()
            .add(f.kind, f.n);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_fair_is_held_on_or_after_its_date_and_only_once() {
        let on = d("2026-03-01");
        assert_eq!(
            fair_step(FairState::Planned, on, d("2026-02-28"), FairStep::Hold),
            Err(EmploymentError::FairNotYet {
                on,
                today: d("2026-02-28")
            })
        );
        assert_eq!(
            fair_step(FairState::Planned, on, on, FairStep::Hold),
            Ok(FairState::Held)
        );
        let e = fair_step(FairState::Held, on, on, FairStep::Hold).unwrap_err();
        assert!(e.to_string().contains("已举办"), "{e}");
        assert!(fair_step(FairState::Cancelled, on, on, FairStep::Cancel).is_err());
        assert!(fair_step(FairState::Held, on, on, FairStep::Cancel).is_err());
    }

    #[test]
    fn a_placement_needs_a_registered_seeker_and_a_held_fair() {
        let on = d("2026-03-01");
        assert!(check_placement(SeekerState::Registered, FairState::Held, on, on).is_ok());
        assert_eq!(
            check_placement(SeekerState::Placed, FairState::Held, on, on),
            Err(EmploymentError::SeekerStep {
                from: SeekerState::Placed,
                step: SeekerStep::Place
            })
        );
        assert_eq!(
            check_placement(SeekerState::Registered, FairState::Planned, on, on),
            Err(EmploymentError::FairNotHeld {
                from: FairState::Planned
            })
        );
        assert!(check_placement(
            SeekerState::Registered,
            FairState::Held,
            on,
            d("2026-02-01")
        )
        .is_err());
        assert!(seeker_step(SeekerState::Withdrawn, SeekerStep::Withdraw).is_err());
    }

    #[test]
    fn a_certificate_needs_the_finish_eighty_percent_and_is_issued_once() {
        assert!(check_certificate(CourseState::Open, None, 10, 10).is_err());
        assert!(check_certificate(CourseState::Finished, None, 8, 10).is_ok());
        assert_eq!(
            check_certificate(CourseState::Finished, None, 7, 10),
            Err(EmploymentError::TooFewSessions {
                attended: 7,
                sessions: 10
            })
        );
        assert!(check_certificate(CourseState::Finished, Some("JN2026-000001"), 10, 10).is_err());
        assert!(course_step(CourseState::Finished, CourseStep::Enrol).is_err());
        assert!(check_attendance(11, 10).is_err());
        assert_eq!(certificate_number(d("2026-05-01"), 42), "JN2026-000042");
    }

    #[test]
    fn facts_are_summed_by_org_and_month() {
        let fact = |org: &str, on: &str, kind, n| Fact {
            org: org.into(),
            on: d(on),
            kind,
            n,
        };
        let f = figures(&[
            fact("LA", "2026-03-01", FactKind::FairHeld, 1),
            fact("LA", "2026-03-20", FactKind::FairHeld, 1),
            fact("LA", "2026-03-20", FactKind::PostsOffered, 12),
            fact("LA", "2026-04-02", FactKind::Placed, 1),
            fact("SC", "2026-03-05", FactKind::Registered, 1),
        ]);
        assert_eq!(f.len(), 3);
        let la_march = f[&("LA".to_string(), "2026-03".to_string())];
        assert_eq!((la_march.fairs_held, la_march.posts_offered), (2, 12));
        assert_eq!(f[&("LA".to_string(), "2026-04".to_string())].placed, 1);
        assert_eq!(f[&("SC".to_string(), "2026-03".to_string())].registered, 1);
    }
}
