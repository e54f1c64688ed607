//! Movements in the web console (issue 10 §1, issue 12 §4): the movements list, a movement's
//! page, and a participating unit's clerk registering a citizen and a residential group from
//! outside the tree there. They are then marked as such in the unit tree and the nominee
//! choices, and a registered group is never offered as an issuer or a proposing unit. A refused
//! registration keeps what was typed; a unit head is offered no form.

use laurel_tests::*;
use reqwest::StatusCode;
use serde_json::json;

use crate::console::{Browser, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_registers_a_citizen_and_a_group_for_a_movement_in_the_console() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let today = server.today();
    let launched = server
        .ok(
            Some(&org.signer),
            q!("launch_movement"),
            json!({ "input": {
                "unitId": org.province, "name": "Toàn dân bảo vệ an ninh Tổ quốc", "kind": "THEO_DOT_CHUYEN_DE",
                "fromYear": today.year(), "participantUnitIds": [org.staff], "offerings": ["GIAY_KHEN"],
                "opensOn": today.to_string(), "closesOn": (today + time::Duration::days(10)).to_string(),
            }}),
        )
        .await;
    let movement = launched["launchMovement"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut clerk = Browser::login(&server.base, "clerk.ptm", PASSWORD).await;
    let list = clerk.get("/movements").await;
    assert_eq!(list.status, StatusCode::OK);
    let shown = text(&list.body);
    assert!(shown.contains("Toàn dân bảo vệ an ninh Tổ quốc"), "{shown}");
    assert!(shown.contains("Theo đợt, chuyên đề"), "{shown}");
    assert!(shown.contains("đang nhận"), "{shown}");
    let page = clerk.get(&format!("/movements/{movement}")).await;
    let shown = text(&page.body);
    assert!(shown.contains("Chưa có ai được đăng ký."), "{shown}");
    // Only the participating department is offered to register under.
    assert!(
        page.body
            .contains(&format!("<option value=\"{}\"", org.staff))
    );
    assert!(
        !page
            .body
            .contains(&format!("<option value=\"{}\"", org.police))
    );

    // No address: refused beside the field, the name kept as typed.
    let path = format!("/movements/{movement}/nominees");
    let refused = clerk
        .post(
            &path,
            &[
                ("unitId", &org.staff),
                ("kind", "INDIVIDUAL"),
                ("name", "Nguyễn Văn Dân"),
                ("address", " "),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        text(&refused.body)
    );
    assert!(refused.body.contains("value=\"Nguyễn Văn Dân\""), "kept");
    assert!(
        refused.body.contains("id=\"r-address-error\""),
        "{}",
        refused.body
    );

    let citizen = clerk
        .post(
            &path,
            &[
                ("unitId", &org.staff),
                ("kind", "INDIVIDUAL"),
                ("name", "Nguyễn Văn Dân"),
                ("address", "Tổ 5, phường Hội Thương, thành phố Pleiku"),
                ("position", "Tổ trưởng tổ tự quản"),
            ],
        )
        .await;
    assert_eq!(
        citizen.to(),
        format!("/movements/{movement}?done=registered")
    );
    let group = clerk
        .post(
            &path,
            &[
                ("unitId", &org.staff),
                ("kind", "COLLECTIVE"),
                ("name", "Tổ tự quản về an ninh trật tự tổ 5"),
                ("address", "Tổ 5, phường Hội Thương"),
                ("organisation", "Ủy ban nhân dân phường Hội Thương"),
            ],
        )
        .await;
    assert_eq!(group.to(), format!("/movements/{movement}?done=registered"));
    let page = clerk.get(group.to()).await;
    let shown = text(&page.body);
    assert!(shown.contains("Đã đăng ký."), "{shown}");
    assert!(
        shown.contains("Nguyễn Văn Dân, Tổ trưởng tổ tự quản"),
        "{shown}"
    );
    assert!(
        shown.contains("Tổ 5, phường Hội Thương; Ủy ban nhân dân phường Hội Thương"),
        "{shown}"
    );
    assert!(shown.contains("Phòng Tham mưu"), "registered by: {shown}");

    // In the tree, both are marked as outside it.
    let tree = text(&clerk.get("/units").await.body);
    assert!(
        tree.contains("Nguyễn Văn Dân, Tổ trưởng tổ tự quản — ngoài hệ thống, đăng ký theo phong trào (Tổ 5, phường Hội Thương, thành phố Pleiku)"),
        "{tree}"
    );
    assert!(
        tree.contains("Tổ tự quản về an ninh trật tự tổ 5 — ngoài hệ thống"),
        "{tree}"
    );
    // The group may be nominated, marked, but it never issues or proposes.
    let group_id = server
        .ok(Some(&org.admin), "{ units { id name } }", json!({}))
        .await["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Tổ tự quản về an ninh trật tự tổ 5")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let form = clerk.get("/nominations/new").await.body;
    assert!(
        form.contains(&format!("<option value=\"unit:{group_id}\"")),
        "offered as a nominee"
    );
    assert!(
        text(&form).contains(
            "Tổ tự quản về an ninh trật tự tổ 5 (ngoài hệ thống, đăng ký theo phong trào)"
        ),
        "{}",
        text(&form)
    );
    assert!(
        !form.contains(&format!("<option value=\"{group_id}\"")),
        "never an issuer"
    );
    for page in ["/import", "/proposals", "/settings"] {
        let body = clerk.get(page).await.body;
        assert!(
            !body.contains(&format!("<option value=\"{group_id}\"")),
            "offered as a unit on {page}"
        );
    }
    // Nor to those who may not read where it lives: the head of another department, the
    // administrator's forms, the signer's council form.
    let mut browsers = [
        Browser::login(&server.base, "head.pc02", PASSWORD).await,
        Browser::login(&server.base, "admin", PASSWORD).await,
        Browser::login(&server.base, "pgd.binh", PASSWORD).await,
    ];
    for (who, page) in [
        (0, "/nominations/new"),
        (0, "/reports"),
        (1, "/admin"),
        (1, "/settings"),
        (2, "/councils"),
    ] {
        let body = browsers[who].get(page).await.body;
        assert!(
            !body.contains(&format!("<option value=\"{group_id}\"")),
            "offered as a unit on {page}"
        );
        assert!(
            body.contains("<option value=\""),
            "a page with choices: {page}"
        );
    }
    let tree = text(&browsers[0].get("/units").await.body);
    assert!(
        tree.contains(
            "Tổ tự quản về an ninh trật tự tổ 5 — ngoài hệ thống, đăng ký theo phong trào"
        ),
        "marked for another department too: {tree}"
    );
    assert!(
        !tree.contains("Tổ 5, phường Hội Thương"),
        "without its address: {tree}"
    );

    // A unit head is offered no form, and registering anyway is refused by the API.
    let mut head = Browser::login(&server.base, "head.ptm", PASSWORD).await;
    let page = head.get(&format!("/movements/{movement}")).await;
    assert!(!page.body.contains("name=\"address\""));
    let refused = head
        .post(
            &path,
            &[
                ("unitId", &org.staff),
                ("kind", "INDIVIDUAL"),
                ("name", "Lê Thị Em"),
                ("address", "Tổ 6"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "{}",
        text(&refused.body)
    );
    assert!(
        text(&refused.body).contains("ghi nhận cá nhân"),
        "the reason is shown: {}",
        text(&refused.body)
    );
    let people = server
        .ok(
            Some(&org.admin),
            "{ people(first: 200) { nodes { fullName } } }",
            json!({}),
        )
        .await;
    assert!(!people.to_string().contains("Lê Thị Em"), "nothing changed");
}
