//! The public fund report 公示 of a mutual-aid cycle (issue 18): anyone may read it, so it needs
//! no actor — everything in it is either a total or masked (`huzhu_domain::fund_report`). The web
//! page, its workbook and `huzhu report fund --cycle` all call [`report`], so they agree.

use crate::clock::Clock;
use crate::error::AppError;
use crate::stats::yuan;
use huzhu_domain::fund_report::{build, FundReport};
use huzhu_store::{FundReportStore, MoneyStore};

/// The cycles a report can be asked for: 2000 … 2100 (a year outside is a clear error, not an
/// empty page that looks like a fund with nothing in it).
pub fn parse_cycle(raw: &str) -> Result<i32, AppError> {
    match raw.trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => Ok(y),
        _ => Err(AppError::Invalid {
            field: "cycle".into(),
            message: format!(
                "年度“{raw}”无效，应为 2000 至 2100 之间的年份 (cycle `{raw}` must be a year from 2000 to 2100)"
            ),
        }),
    }
}

/// The report of the cycles starting in `year`, with the items named as their policies name them.
pub async fn report<S: FundReportStore + MoneyStore>(
    store: &S,
    clock: &dyn Clock,
    year: i32,
) -> Result<FundReport, AppError> {
    let mut facts = store.fund_facts(year).await?;
    for p in &facts.policies {
        let policy = crate::policies::policy(store, clock, &p.id).await?;
        for item in &policy.items {
            facts
                .item_names
                .insert((p.id.clone(), item.id.clone()), item.name.clone());
        }
    }
    Ok(build(year, &facts))
}

/// The report as a workbook: a summary sheet, claims paid by item and by month, and the payees.
pub fn report_xlsx(r: &FundReport) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Io(std::io::Error::other(e.to_string()));
    let money = Format::new().set_num_format("#,##0.00");
    let bold = Format::new().set_bold();
    let mut wb = Workbook::new();

    let ws = wb.add_worksheet();
    ws.set_name("基金概况").map_err(xl)?;
    ws.write_string_with_format(0, 0, format!("{} 年度互助保障基金公示", r.cycle), &bold)
        .map_err(xl)?;
    let headers = [
        "政策",
        "应收会费（元）",
        "实收会费（元）",
        "审批补助（元）",
        "已付补助（元）",
        "基金余额（元）",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &bold)
            .map_err(xl)?;
    }
    let mut row = 2u32;
    let mut line = |ws: &mut rust_xlsxwriter::Worksheet, label: &str, v: [i64; 5]| {
        ws.write_string(row, 0, label)?;
        for (c, fen) in v.iter().enumerate() {
            ws.write_number_with_format(row, (c + 1) as u16, yuan(*fen), &money)?;
        }
        row += 1;
        Ok::<(), rust_xlsxwriter::XlsxError>(())
    };
    for p in &r.policies {
        line(
            ws,
            &format!("{} {}", p.id, p.name),
            [
                p.billed_fen,
                p.received_fen,
                p.approved_fen,
                p.paid_fen,
                p.balance_fen,
            ],
        )
        .map_err(xl)?;
    }
    line(
        ws,
        "合计",
        [
            r.billed_fen,
            r.received_fen,
            r.approved_fen,
            r.paid_fen,
            r.balance_fen,
        ],
    )
    .map_err(xl)?;
    ws.set_column_width(0, 36).map_err(xl)?;

    let ws = wb.add_worksheet();
    ws.set_name("按项目").map_err(xl)?;
    for (c, h) in ["政策", "项目", "件数", "已付（元）"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xl)?;
    }
    for (i, it) in r.by_item.iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_string(r, 0, &it.policy_id).map_err(xl)?;
        ws.write_string(r, 1, &it.name).map_err(xl)?;
        ws.write_number(r, 2, it.claims as f64).map_err(xl)?;
        ws.write_number_with_format(r, 3, yuan(it.paid_fen), &money)
            .map_err(xl)?;
    }
    ws.set_column_width(1, 30).map_err(xl)?;

    let ws = wb.add_worksheet();
    ws.set_name("按月份").map_err(xl)?;
    for (c, h) in ["月份", "人数", "已付（元）"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xl)?;
    }
    for (i, m) in r.by_month.iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_string(r, 0, &m.month).map_err(xl)?;
        ws.write_number(r, 1, m.payees as f64).map_err(xl)?;
        ws.write_number_with_format(r, 2, yuan(m.paid_fen), &money)
            .map_err(xl)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("受助名单").map_err(xl)?;
    for (c, h) in ["单位", "姓名", "身份证号", "件数", "已付（元）"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xl)?;
    }
    let mut row = 1u32;
    for p in &r.listed {
        ws.write_string(row, 0, &p.unit_name).map_err(xl)?;
        ws.write_string(row, 1, &p.name).map_err(xl)?;
        ws.write_string(row, 2, &p.id_number).map_err(xl)?;
        ws.write_number(row, 3, p.claims as f64).map_err(xl)?;
        ws.write_number_with_format(row, 4, yuan(p.paid_fen), &money)
            .map_err(xl)?;
        row += 1;
    }
    for u in &r.small_units {
        ws.write_string(row, 0, &u.unit_name).map_err(xl)?;
        ws.write_string(row, 1, format!("{} 人（不足 5 人，仅列合计）", u.payees))
            .map_err(xl)?;
        ws.write_number_with_format(row, 4, yuan(u.paid_fen), &money)
            .map_err(xl)?;
        row += 1;
    }
    ws.set_column_width(0, 30).map_err(xl)?;
    ws.set_column_width(2, 22).map_err(xl)?;
    wb.save_to_buffer().map_err(xl)
}
