//! Issue 13: the claim form lost the chosen files after a validation error (a browser cannot
//! refill a file input). Now the files that were themselves acceptable are kept for the session
//! and listed as "已上传：…（保留）" with a box to untick; the next submit attaches the ticked ones.

use crate::console_helpers::{Browser, Page};
use crate::helpers::spawn_app;
use crate::money::{enrol_and_pay, set_day};
use axum::http::StatusCode;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n";

/// A hospital stay as the form sends it, with the given self-borne amount and the kept files
/// ticked.
fn stay<'a>(member: &'a str, self_borne: &'a str, kept: &'a [String]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("member", member),
        ("kind", "hospital_stay"),
        ("admitted", "2022-05-01"),
        ("discharged", "2022-05-11"),
        ("hospital_grade", "3"),
        ("diag_disease_0", "md01"),
        ("diag_date_0", "2022-05-01"),
        ("total", "50,000.00"),
        ("self_borne", self_borne),
        ("invoices", "INV-KEPT-1"),
    ];
    f.extend(kept.iter().map(|k| ("kept", k.as_str())));
    f
}

/// The ids of the kept files listed on the form, in order.
fn kept_ids(page: &Page) -> Vec<String> {
    let needle = "name=\"kept\" value=\"";
    page.text
        .match_indices(needle)
        .map(|(i, _)| {
            let rest = &page.text[i + needle.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_claim_form_with_a_mistake_keeps_its_uploaded_files_until_the_claim_is_made() {
    let app = spawn_app().await;
    enrol_and_pay(&app).await;
    set_day(&app, 2022, 6, 1);
    let officer = app.login("officer.la01001").await;
    let (_, body) = app
        .get_as(&officer, "/api/v1/members?org=LA-01-001&limit=2")
        .await;
    let member = body["members"][1]["id"].as_i64().unwrap().to_string();
    let mut b = Browser::signed_in(&app, "officer.la01001").await;

    // A bad amount, with two good files and one that is not an image or a PDF.
    let mut fields = stay(&member, "abc", &[]);
    fields.extend([
        ("doc_kind_0", "application_form"),
        ("doc_kind_1", "invoice"),
        ("doc_kind_2", "settlement_statement"),
    ]);
    let page = b
        .post_multipart(
            "/claims/new",
            &fields,
            &[
                ("doc_file_0", "申请表.png", "image/png", PNG.to_vec()),
                ("doc_file_1", "发票.pdf", "application/pdf", PDF.to_vec()),
                (
                    "doc_file_2",
                    "notes.txt",
                    "text/plain",
                    b"just text".to_vec(),
                ),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.text);
    assert!(page.text.contains("data-field=\"self_borne\""));
    assert!(
        page.text
            .contains("请修改：<a href=\"#self_borne\">自负（元）</a>"),
        "the field is named in words, not by its code: {}",
        page.text
    );
    for name in ["申请表.png", "发票.pdf"] {
        assert!(
            page.text.contains(&format!(
                "已上传：<span data-testid=\"kept-name\">{name}</span>（保留）"
            )),
            "{name} is kept: {}",
            page.text
        );
    }
    assert!(!page.text.contains("notes.txt"), "a bad file is not kept");
    let kept = kept_ids(&page);
    assert_eq!(kept.len(), 2);
    assert!(
        page.text
            .contains(&format!("value=\"{}\" checked", kept[0])),
        "kept files are ticked"
    );

    // Another session of the same officer sees none of them.
    let mut other = Browser::signed_in(&app, "officer.la01001").await;
    let fresh = other
        .get(&format!("/claims/new?member={member}&kind=hospital_stay"))
        .await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert!(kept_ids(&fresh).is_empty(), "{}", fresh.text);
    // Nor can it attach them by naming their ids.
    let stolen = other
        .post_multipart("/claims/new", &stay(&member, "1,000.00", &kept), &[])
        .await;
    assert_eq!(stolen.status, StatusCode::SEE_OTHER, "{}", stolen.text);
    let stolen_claim = claim_of(&stolen);
    let (_, claim) = app
        .get_as(&officer, &format!("/api/v1/claims/{stolen_claim}"))
        .await;
    assert!(
        claim["documents"].as_array().unwrap().is_empty(),
        "another session's files are not attached: {claim}"
    );

    // Still wrong (the discharge before the admission): both still listed, nothing to choose again.
    let mut fields = stay(&member, "12,000.00", &kept);
    fields[3] = ("discharged", "2022-04-15");
    let page = b.post_multipart("/claims/new", &fields, &[]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.text.contains("data-field=\"discharged\""));
    assert_eq!(kept_ids(&page), kept);

    // Right at last, the invoice unticked and a new file chosen: the claim has the kept
    // application form and the new discharge record, not the invoice.
    let mut fields = stay(&member, "12,000.00", &kept[..1]);
    fields.push(("doc_kind_0", "discharge_record"));
    let done = b
        .post_multipart(
            "/claims/new",
            &fields,
            &[("doc_file_0", "出院记录.png", "image/png", PNG.to_vec())],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let id = claim_of(&done);
    let (_, claim) = app.get_as(&officer, &format!("/api/v1/claims/{id}")).await;
    let mut docs: Vec<(String, String)> = claim["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["file_name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    docs.sort();
    assert_eq!(
        docs,
        [
            ("application_form".to_string(), "申请表.png".to_string()),
            ("discharge_record".to_string(), "出院记录.png".to_string()),
        ]
    );
    // Made: nothing is kept any more.
    let again = b
        .get(&format!("/claims/new?member={member}&kind=hospital_stay"))
        .await;
    assert!(kept_ids(&again).is_empty(), "{}", again.text);
}

fn claim_of(page: &Page) -> i64 {
    let to = page.location();
    let path = to.split('?').next().unwrap();
    path.strip_prefix("/claims/").unwrap().parse().unwrap()
}
