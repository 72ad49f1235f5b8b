//! A roster import from the browser: a CSV chosen in the file input, the progress panel, and
//! the rejected rows reported while the good row is stored.

use crate::start;
use huzhu_domain::org::OrgCode;
use huzhu_e2e::Viewport;
use huzhu_store::{MemberFilter, Page, Store};

/// The 18th character of a resident ID number (GB 11643).
fn check_digit(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_imports_a_roster_and_sees_the_rejected_rows() {
    let Some((server, b)) = start("import_roster", Viewport::PHONE).await else {
        return;
    };
    let good = format!("33011219900307{}", "123");
    let good = format!("{good}{}", check_digit(&good));
    let bad17 = "33011219851112456";
    let right = check_digit(bad17);
    let wrong = if right == '0' { '1' } else { '0' };
    let bad = format!("{bad17}{wrong}");
    let unknown_unit = format!("33011219920518{}", "789");
    let unknown_unit = format!("{unknown_unit}{}", check_digit(&unknown_unit));
    let csv = format!(
        "姓名,身份证号,工会代码,在职状态\n\
         浏览器甲,{good},LA-01-001,在职\n\
         浏览器乙,{bad},LA-01-001,在职\n\
         浏览器丙,{unknown_unit},LA-99-999,在职\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("名册.csv");
    std::fs::write(&file, csv).unwrap();

    b.sign_in("officer.la01001").await.unwrap();
    b.goto("/import").await.unwrap();
    b.find("#file")
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    b.click("form[action='/import'] button[type=submit]")
        .await
        .unwrap();
    // The progress panel, polled by htmx until the import is done.
    b.wait_for("[data-testid=import-status]").await.unwrap();
    b.wait_until("the import to finish", || async {
        Ok(b.js(
            "const s = document.querySelector('[data-testid=import-status]'); \
             return s ? s.dataset.state : null;",
            vec![],
        )
        .await?
            == serde_json::json!("finished"))
    })
    .await
    .unwrap();
    assert_eq!(b.text("[data-testid=count-read]").await.unwrap(), "3");
    assert_eq!(b.text("[data-testid=count-created]").await.unwrap(), "1");
    assert_eq!(b.text("[data-testid=count-rejected]").await.unwrap(), "2");
    let errors = b
        .texts("[data-testid=import-errors] tbody tr")
        .await
        .unwrap();
    // Rows are numbered as in the file: the header is line 1.
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with('3') && e.contains("身份证号")),
        "the bad check digit is not reported on row 3: {errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with('4') && e.contains("工会代码")),
        "the unknown unit is not reported on row 4: {errors:?}"
    );
    assert_eq!(errors.len(), 2, "{errors:?}");

    // The good row is stored, the others are not.
    let found = server
        .store
        .search_members(
            &OrgCode::parse("LA-01-001").unwrap(),
            &MemberFilter {
                name: Some("浏览器".into()),
                ..MemberFilter::default()
            },
            Page {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    let names: Vec<&str> = found.iter().map(|m| m.record.name.as_str()).collect();
    assert_eq!(names, ["浏览器甲"]);
    b.close().await.unwrap();
}
