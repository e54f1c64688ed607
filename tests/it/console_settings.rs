//! Settings in the web console (issue 12 §4, Administration): an administrator records a
//! delegation and revokes it, sets an issuer's quota, corrects the working-day calendar and
//! registers a webhook (its secret shown once) and turns it off; refused forms come back with
//! their values and the API's reason; a clerk sees the lists but not the administrators' forms,
//! and is refused when posting one anyway.

use laurel_tests::*;
use reqwest::StatusCode;

use crate::console::{Browser, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_keeps_delegations_quotas_the_calendar_and_webhooks() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let today = server.today();
    let year = today.year();
    let mut admin = Browser::login(&server.base, "admin", PASSWORD).await;
    let shown = admin.get("/settings").await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(text(&shown.body).contains("Chưa có uỷ quyền nào."));

    // A delegation of the deputy director's signature to the emulation office's clerk.
    let (signer, clerk) = (&org.accounts["pgd.binh"], &org.accounts["tdkt.cat"]);
    let from = today.to_string();
    let until = (today + time::Duration::days(10)).to_string();
    let backwards = admin
        .post(
            "/settings/delegations",
            &[
                ("delegatorAccountId", signer),
                ("delegateAccountId", clerk),
                ("role", "SIGNER"),
                ("unitId", &org.province),
                ("from", &until),
                ("until", &from),
            ],
        )
        .await;
    assert_eq!(
        backwards.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        text(&backwards.body)
    );
    assert!(
        backwards.body.contains(&format!("value=\"{until}\"")),
        "kept as typed"
    );
    let done = admin
        .post(
            "/settings/delegations",
            &[
                ("delegatorAccountId", signer),
                ("delegateAccountId", clerk),
                ("role", "SIGNER"),
                ("unitId", &org.province),
                ("from", &from),
                ("until", &until),
            ],
        )
        .await;
    assert_eq!(done.to(), "/settings?done=saved", "{}", text(&done.body));
    let listed = admin.get("/settings").await;
    let said = text(&listed.body);
    assert!(said.contains("pgd.binh → tdkt.cat"), "{said}");
    assert!(said.contains("đang có hiệu lực"), "{said}");
    let id = crate::console::between(&listed.body, "/settings/delegations/", "/revoke")
        .unwrap()
        .to_owned();
    let revoked = admin
        .post(&format!("/settings/delegations/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.to(), "/settings?done=saved");
    assert!(text(&admin.get("/settings").await.body).contains("đã thu hồi"));

    // A quota for the province's Giấy khen this year; words where a number belongs refused.
    admin
        .get(&format!("/settings?issuer={}", org.province))
        .await;
    let words = admin
        .post(
            "/settings/quotas",
            &[
                ("issuerUnitId", &org.province),
                ("awardKind", "GIAY_KHEN"),
                ("period", &year.to_string()),
                ("maxCount", "năm"),
            ],
        )
        .await;
    assert_ne!(words.status, StatusCode::OK);
    assert!(
        words.body.contains("value=\"năm\""),
        "{}",
        text(&words.body)
    );
    let set = admin
        .post(
            "/settings/quotas",
            &[
                ("issuerUnitId", &org.province),
                ("awardKind", "GIAY_KHEN"),
                ("period", &year.to_string()),
                ("maxCount", "5"),
            ],
        )
        .await;
    assert_eq!(
        set.to(),
        format!("/settings?done=saved&issuer={}", org.province)
    );
    let quotas = admin
        .get(&format!("/settings?issuer={}", org.province))
        .await;
    assert!(
        text(&quotas.body).contains(&format!("Giấy khen · {year} · tối đa 5")),
        "{}",
        text(&quotas.body)
    );

    // A day off announced late, on the calendar.
    let day = format!("{year}-12-24");
    let saved = admin
        .post(
            "/settings/calendar",
            &[
                ("year", &year.to_string()),
                ("date", &day),
                ("kind", "HOLIDAY"),
                ("name", "Nghỉ bù"),
                ("source", "Thông báo 12/TB"),
            ],
        )
        .await;
    assert_eq!(
        saved.to(),
        format!("/settings?done=saved&year={year}"),
        "{}",
        text(&saved.body)
    );
    let calendar = admin.get(&format!("/settings?year={year}")).await;
    let said = text(&calendar.body);
    assert!(
        said.contains(&format!("24/12/{year} ngày nghỉ Nghỉ bù Thông báo 12/TB")),
        "{said}"
    );

    // A webhook: its secret once, then off.
    let registered = admin
        .post(
            "/settings/webhooks",
            &[
                ("url", "https://hooks.example.org/laurel"),
                ("description", "Cổng TĐKT"),
            ],
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::OK,
        "{}",
        text(&registered.body)
    );
    assert!(text(&registered.body).contains("Khoá ký (chỉ hiện một lần, hãy lưu lại):"));
    let page = admin.get("/settings").await;
    assert!(text(&page.body).contains("https://hooks.example.org/laurel Cổng TĐKT"));
    let hook = crate::console::between(&page.body, "/settings/webhooks/", "/enabled")
        .unwrap()
        .to_owned();
    let version = crate::console::between(&page.body, "name=\"version\" value=\"", "\"")
        .unwrap()
        .to_owned();
    let off = admin
        .post(
            &format!("/settings/webhooks/{hook}/enabled"),
            &[("version", &version), ("enabled", "false")],
        )
        .await;
    assert_eq!(off.to(), "/settings?done=saved");
    assert!(text(&admin.get("/settings").await.body).contains("đang tắt"));

    // A clerk sees the lists, not the administrators' forms, and is refused when posting one.
    let mut clerk = Browser::login(&server.base, "clerk.ptm", PASSWORD).await;
    let mine = clerk.get("/settings").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(
        !mine.body.contains("/settings/webhooks")
            && !mine.body.contains("action=\"/console/settings/calendar\"")
    );
    let refused = clerk
        .post("/settings/calendar", &[("date", &day), ("kind", "WORKING")])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "{}",
        text(&refused.body)
    );
    server.stop().await;
}
