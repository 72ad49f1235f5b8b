//! The demo city (`huzhu serve --demo`): 杭州市总工会 with four districts, three streets each,
//! four grassroots unions per street, and a few thousand members with valid, made-up ID
//! numbers. Deterministic (a fixed-seed generator), stored through the same idempotent batch
//! methods as an import, and loaded once: a setting records that it is there.

use crate::accounts::{create_user, UserInput};
use crate::{AppError, Clock};
use huzhu_domain::access::Role;
use huzhu_domain::id_number::{check_character, IdNumber};
use huzhu_domain::member::{EmploymentStatus, MemberFields, MemberRecord, MemberTag};
use huzhu_domain::org::{NewOrg, OrgCode, OrgLevel, RegionCode};
use huzhu_domain::personal::{BankAccount, PersonName, Phone};
use huzhu_store::{AccountStore, ImportCounts, ImportKind, ImportStart, Page, Store};
use std::collections::BTreeSet;

/// 开户行 of the demo's members' accounts (made up, like the accounts).
const DEMO_BANK_BRANCH: &str = "中国工商银行杭州分行营业部";

const DEMO_SETTING: &str = "demo.loaded";
const DEMO_ACCOUNTS_SETTING: &str = "demo.accounts";

/// The password of every demo account. It is a demo: never load the demo into a real database.
pub const DEMO_PASSWORD: &str = "huzhu-demo-2022";

/// One demo account per role and scope: (username, role, org, note). The member account belongs
/// to the first member of `LA-01-001`.
pub const DEMO_ACCOUNTS: [(&str, Role, &str, &str); 10] = [
    ("admin", Role::Administrator, "HZ", "系统管理员，全市"),
    (
        "city.staff",
        Role::FederationStaff,
        "HZ",
        "市总工会经办人员，全市",
    ),
    (
        "district.staff",
        Role::FederationStaff,
        "LA",
        "临安区总工会经办人员，仅临安区",
    ),
    ("reviewer", Role::MedicalReviewer, "HZ", "医疗顾问，全市"),
    ("finance", Role::Finance, "HZ", "财务，全市"),
    // A second finance account: the one that builds a payout batch may not settle it (four eyes).
    (
        "cashier",
        Role::Finance,
        "HZ",
        "出纳（财务），全市：结算支付批次",
    ),
    ("auditor", Role::Auditor, "HZ", "审计，全市（只读）"),
    (
        "officer.la01001",
        Role::UnitOfficer,
        "LA-01-001",
        "基层工会干事，仅本单位",
    ),
    (
        "officer.sc01001",
        Role::UnitOfficer,
        "SC-01-001",
        "基层工会干事（另一区），仅本单位",
    ),
    (
        "member.demo",
        Role::Member,
        "LA-01-001",
        "会员本人（LA-01-001 的第一位会员）",
    ),
];
pub const DEMO_MEMBERS_PER_UNIT: u32 = 64;

const DISTRICTS: [(&str, &str, &str); 4] = [
    ("SC", "上城区总工会", "330102"),
    ("GS", "拱墅区总工会", "330105"),
    ("XH", "西湖区总工会", "330106"),
    ("LA", "临安区总工会", "330112"),
];
const STREETS: [&str; 3] = ["街道总工会", "镇总工会", "园区联合工会"];
const STREET_NAMES: [&str; 12] = [
    "小营",
    "湖滨",
    "清波",
    "米市巷",
    "大关",
    "和睦",
    "北山",
    "灵隐",
    "翠苑",
    "锦南",
    "锦城",
    "青山湖",
];
const UNIT_KINDS: [&str; 4] = ["电缆股份有限公司", "人民医院", "实验学校", "物流有限公司"];
const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "沈",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "晓燕",
];

/// A small deterministic generator (xorshift64*): the demo must be the same on every machine.
pub(crate) struct Gen(pub(crate) u64);

impl Gen {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// The demo's organisations, parents first.
pub fn demo_orgs() -> Result<Vec<NewOrg>, AppError> {
    let invalid = |e: huzhu_domain::org::OrgError| AppError::Invalid {
        field: "demo".into(),
        message: e.to_string(),
    };
    let code = |c: &str| OrgCode::parse(c).map_err(invalid);
    let region = |r: &str| RegionCode::parse(r).map_err(invalid);
    let mut out = vec![NewOrg::new(
        code("HZ")?,
        "杭州市总工会",
        None,
        OrgLevel::City,
        region("330100")?,
    )
    .map_err(invalid)?];
    for (d, (dcode, dname, dregion)) in DISTRICTS.iter().enumerate() {
        out.push(
            NewOrg::new(
                code(dcode)?,
                dname,
                Some(code("HZ")?),
                OrgLevel::District,
                region(dregion)?,
            )
            .map_err(invalid)?,
        );
        for (s, kind) in STREETS.iter().enumerate() {
            let scode = format!("{dcode}-{:02}", s + 1);
            let sname = format!("{}{}", STREET_NAMES[d * 3 + s], kind);
            out.push(
                NewOrg::new(
                    code(&scode)?,
                    &sname,
                    Some(code(dcode)?),
                    OrgLevel::Street,
                    region(dregion)?,
                )
                .map_err(invalid)?,
            );
            for (u, ukind) in UNIT_KINDS.iter().enumerate() {
                let ucode = format!("{scode}-{:03}", u + 1);
                let uname = format!("杭州{}{}工会", STREET_NAMES[d * 3 + s], ukind);
                out.push(
                    NewOrg::new(
                        code(&ucode)?,
                        &uname,
                        Some(code(&scode)?),
                        OrgLevel::Grassroots,
                        region(dregion)?,
                    )
                    .map_err(invalid)?,
                );
            }
        }
    }
    Ok(out)
}

/// The demo's members: [`DEMO_MEMBERS_PER_UNIT`] in each grassroots union.
pub fn demo_members(orgs: &[NewOrg], clock: &dyn Clock) -> Result<Vec<MemberRecord>, AppError> {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    let today = clock.today();
    let mut out = Vec::new();
    let mut serial = 0u32;
    for unit in orgs.iter().filter(|o| o.level == OrgLevel::Grassroots) {
        for _ in 0..DEMO_MEMBERS_PER_UNIT {
            serial += 1;
            let year = 1966 + g.below(36) as i32;
            let month = 1 + g.below(12) as u32;
            let day = 1 + g.below(28) as u32;
            // The sequence carries the serial so that every demo ID is distinct.
            let first17 = format!(
                "{}{year:04}{month:02}{day:02}{:03}",
                unit.region,
                serial % 1000
            );
            let check = check_character(&first17).unwrap_or('0');
            let raw = format!("{first17}{check}");
            let Ok(id_number) = IdNumber::parse(&raw, today) else {
                continue;
            };
            let name = format!("{}{}", g.pick(&SURNAMES), g.pick(&GIVEN));
            let status = match g.below(20) {
                0 => EmploymentStatus::Retired,
                1 => EmploymentStatus::ReemployedRetiree,
                _ => EmploymentStatus::InService,
            };
            let mut tags = BTreeSet::new();
            match g.below(30) {
                0 => {
                    tags.insert(MemberTag::Hardship);
                }
                1 | 2 => {
                    tags.insert(MemberTag::Migrant);
                }
                3 => {
                    tags.insert(MemberTag::NewForm);
                }
                4 => {
                    tags.insert(MemberTag::ModelWorker("市级".into()));
                }
                _ => {}
            }
            let phone = format!("1{}{:09}", 3 + g.below(7), g.below(1_000_000_000));
            let bank = format!("6222{:015}", g.below(1_000_000_000_000_000));
            let ss_region = if g.below(10) == 0 { "330200" } else { "330100" };
            let join = chrono::NaiveDate::from_ymd_opt(
                2005 + g.below(17) as i32,
                1 + g.below(12) as u32,
                1,
            );
            let fields = MemberFields {
                id_number,
                name: PersonName::parse(&name).map_err(|e| AppError::Invalid {
                    field: "demo".into(),
                    message: e.to_string(),
                })?,
                declared_gender: None,
                declared_birth: None,
                phone: Phone::parse(&phone).ok(),
                org: unit.code.clone(),
                status,
                hire_date: None,
                join_date: join,
                social_security_region: RegionCode::parse(ss_region).ok(),
                tags,
                bank_account: BankAccount::parse(&bank).ok(),
                bank_branch: huzhu_domain::personal::BankBranch::parse(DEMO_BANK_BRANCH).ok(),
            };
            if let Ok(m) = MemberRecord::new(fields, today) {
                out.push(m);
            }
        }
    }
    Ok(out)
}

/// Loads the demo city and its [`DEMO_ACCOUNTS`] unless they are already there. Returns whether
/// it loaded anything.
pub async fn load_demo<S: Store + AccountStore>(
    store: &S,
    clock: &dyn Clock,
) -> Result<bool, AppError> {
    let city = load_demo_city(store, clock).await?;
    let accounts = load_demo_accounts(store, clock).await?;
    Ok(city || accounts)
}

/// The demo accounts, once (a database loaded before accounts existed gets them too).
async fn load_demo_accounts<S: Store + AccountStore>(
    store: &S,
    clock: &dyn Clock,
) -> Result<bool, AppError> {
    if store.setting(DEMO_ACCOUNTS_SETTING).await?.is_some() {
        return Ok(false);
    }
    for (username, role, org, note) in DEMO_ACCOUNTS {
        let org = OrgCode::parse(org).map_err(|e| AppError::Invalid {
            field: "demo".into(),
            message: e.to_string(),
        })?;
        let member_id = match role {
            Role::Member => store
                .members_under(
                    &org,
                    Page {
                        after: None,
                        limit: 1,
                    },
                )
                .await?
                .first()
                .map(|m| m.id.0),
            _ => None,
        };
        let input = UserInput {
            username: username.to_string(),
            display_name: Some(format!("{}（演示）", role.label_zh())),
            password: DEMO_PASSWORD.to_string(),
            role,
            org,
            member_id,
        };
        match create_user(store, clock, "demo", &input).await {
            Ok(_) => {}
            // Created by hand before the demo was loaded: keep it as it is.
            Err(AppError::Invalid { field, .. }) if field == "username" => {}
            Err(e) => {
                return Err(AppError::Invalid {
                    field: "demo".into(),
                    message: format!("{username} ({note}): {e}"),
                })
            }
        }
    }
    store
        .set_setting(DEMO_ACCOUNTS_SETTING, &clock.now().to_rfc3339())
        .await?;
    Ok(true)
}

async fn load_demo_city<S: Store>(store: &S, clock: &dyn Clock) -> Result<bool, AppError> {
    if store.setting(DEMO_SETTING).await?.is_some() {
        return Ok(false);
    }
    let orgs = demo_orgs()?;
    let members = demo_members(&orgs, clock)?;
    let start = |kind, name: &str| ImportStart {
        kind,
        file_name: name.to_string(),
        file_sha256: format!("demo-{name}"),
        actor: "demo".into(),
    };
    let imp = store
        .begin_import(&start(ImportKind::Orgs, "demo-orgs"), clock.now())
        .await?;
    let rows: Vec<(u64, NewOrg)> = orgs
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, o)| (i as u64 + 2, o))
        .collect();
    store.import_org_batch(imp, &rows, clock.now()).await?;
    store
        .finish_import(
            imp,
            &ImportCounts {
                read: rows.len() as u64,
                ..Default::default()
            },
            clock.now(),
        )
        .await?;
    let imp = store
        .begin_import(&start(ImportKind::Members, "demo-members"), clock.now())
        .await?;
    let rows: Vec<(u64, MemberRecord)> = members
        .into_iter()
        .enumerate()
        .map(|(i, m)| (i as u64 + 2, m))
        .collect();
    for batch in rows.chunks(crate::import::BATCH_ROWS) {
        store
            .import_member_batch(imp, &huzhu_store::OrgScope::Everything, batch, clock.now())
            .await?;
    }
    store
        .finish_import(
            imp,
            &ImportCounts {
                read: rows.len() as u64,
                ..Default::default()
            },
            clock.now(),
        )
        .await?;
    store
        .set_setting(DEMO_SETTING, &clock.now().to_rfc3339())
        .await?;
    Ok(true)
}
