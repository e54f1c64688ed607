//! Emulation clusters in the web console (issue 10 §2, issue 12 §4): the organiser's office
//! sets a cluster up with its scoring sheet, each member's clerk or head scores its own unit
//! with evidence, the cluster head adjusts another member with a reason, the office publishes
//! the ranking, and the leader's clerk drafts its flag nomination. Each caller is offered only
//! the forms it may use; a refused form keeps what was typed.

use laurel_tests::*;
use reqwest::StatusCode;

use crate::console::{Browser, between, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_sets_up_a_cluster_members_score_and_the_leader_is_proposed_in_the_console() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;

    let mut office = Browser::login(&server.base, "tdkt.cat", PASSWORD).await;
    let list = office.get("/clusters").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        text(&list.body).contains("Chưa có cụm, khối thi đua nào mà bạn xem được."),
        "{}",
        text(&list.body)
    );
    // Only the office's own unit is offered as the organiser.
    let organisers = between(&list.body, "name=\"organiserUnitId\"", "</select>").unwrap();
    assert!(organisers.contains(&org.province), "{organisers}");
    assert!(!organisers.contains(&org.staff), "{organisers}");
    // Members are offered from below the organiser only.
    let offered = between(&list.body, "name=\"memberUnitIds\"", "</fieldset>").unwrap();
    assert!(offered.contains(&org.police), "{offered}");
    assert!(!offered.contains(&org.province), "{offered}");

    // A sheet line without its most points: refused beside the sheet, with its line number,
    // and what was typed and ticked stays.
    let sheet = "1 | Kết quả thực hiện nhiệm vụ chính trị | 50 | 2\n2\tXây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc\t30\t";
    let form = |criteria: &'static str| {
        vec![
            ("name", "Cụm thi đua số 1 — các phòng nghiệp vụ"),
            ("kind", "CUM"),
            ("year", "2025"),
            ("organiserUnitId", org.province.as_str()),
            ("memberUnitIds", org.staff.as_str()),
            ("memberUnitIds", org.police.as_str()),
            ("headUnitId", org.police.as_str()),
            ("criteria", criteria),
        ]
    };
    let refused = office
        .post(
            "/clusters",
            &form("1 | Kết quả thực hiện nhiệm vụ chính trị"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = between(&refused.body, "id=\"k-criteria-error\">", "</p>").unwrap();
    assert!(error.contains("Dòng 1"), "{error}");
    assert!(
        refused
            .body
            .contains("value=\"Cụm thi đua số 1 — các phòng nghiệp vụ\"")
    );
    assert!(
        refused
            .body
            .contains(&format!("value=\"{}\" checked", org.police)),
        "the members stay ticked"
    );
    // The head must be a member: the API's refusal, beside the head.
    let mut outside_head = form(sheet);
    outside_head[6] = ("headUnitId", org.province.as_str());
    let refused = office.post("/clusters", &outside_head).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"k-head-error\""),
        "{}",
        refused.body
    );

    let created = office.post("/clusters", &form(sheet)).await;
    let to = created.to().to_owned();
    assert!(to.ends_with("?done=created"), "{to}");
    let path = to.trim_end_matches("?done=created").to_owned();
    let page = office.get(&to).await;
    let shown = text(&page.body);
    assert!(shown.contains("Đã lập cụm, khối thi đua."), "{shown}");
    assert!(
        shown.contains("Xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc"),
        "{shown}"
    );
    assert!(shown.contains("chưa công bố"), "{shown}");
    // The office adjusts and publishes; it scores no unit of its own.
    assert!(page.body.contains("/adjust\""));
    assert!(page.body.contains("/publish\""));
    assert!(!page.body.contains("/score\""));
    assert_eq!(office.get("/clusters").await.status, StatusCode::OK);
    assert!(text(&office.get("/clusters").await.body).contains("đang chấm điểm"));

    // A clerk of another province neither sees the cluster nor acts on it.
    let other = server
        .create_unit(&org.admin, "Công an tỉnh Kon Tum", "CAKT", "Giám đốc", None)
        .await;
    server
        .create_account(&org.admin, "vanthu.kt", "CLERK", &other, None)
        .await;
    let mut stranger = Browser::login(&server.base, "vanthu.kt", PASSWORD).await;
    let page = stranger.get(&path).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!text(&page.body).contains("Phòng Tham mưu"));
    assert!(!text(&stranger.get("/clusters").await.body).contains("Cụm thi đua số 1"));
    for action in ["score", "adjust", "publish", "propose"] {
        let refused = stranger
            .post(
                &format!("{path}/{action}"),
                &[
                    ("memberUnitId", org.staff.as_str()),
                    ("criterionCode", "1"),
                    ("points", "50"),
                    ("evidence", "x"),
                    ("reason", "x"),
                    ("expectedVersion", "1"),
                    ("awardKind", "CO_THI_DUA_BO_TINH"),
                ],
            )
            .await;
        // Refused by the API, then answered as the page it may not read.
        assert_eq!(
            refused.status,
            StatusCode::NOT_FOUND,
            "{action}: {}",
            text(&refused.body)
        );
        assert!(!text(&refused.body).contains("Phòng Tham mưu"));
    }

    // The department's clerk scores its own unit only, with evidence.
    let mut clerk = Browser::login(&server.base, "clerk.ptm", PASSWORD).await;
    let page = clerk.get(&path).await;
    let own = between(&page.body, "name=\"memberUnitId\"", "</select>").unwrap();
    assert!(
        own.contains(&org.staff) && !own.contains(&org.police),
        "{own}"
    );
    assert!(!page.body.contains("/adjust\"") && !page.body.contains("/publish\""));
    let score = |member: &'static str, criterion: &'static str, points: &'static str| {
        vec![
            ("memberUnitId", member),
            ("criterionCode", criterion),
            ("points", points),
            ("evidence", "Báo cáo tổng kết năm 2025 số 120/BC"),
        ]
    };
    let staff: &'static str = Box::leak(org.staff.clone().into_boxed_str());
    let police: &'static str = Box::leak(org.police.clone().into_boxed_str());
    // Over the criterion's maximum: refused beside the points, the evidence kept.
    let refused = clerk
        .post(&format!("{path}/score"), &score(staff, "2", "31"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"s-points-error\""),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("value=\"Báo cáo tổng kết năm 2025 số 120/BC\"")
    );
    for (criterion, points) in [("1", "45"), ("2", "20")] {
        let done = clerk
            .post(&format!("{path}/score"), &score(staff, criterion, points))
            .await;
        assert_eq!(done.to(), format!("{path}?done=scored"));
    }
    // The police's head scores its own unit and, as the cluster's head, adjusts the other.
    let mut head = Browser::login(&server.base, "head.pc02", PASSWORD).await;
    for (criterion, points) in [("1", "40"), ("2", "25")] {
        let done = head
            .post(&format!("{path}/score"), &score(police, criterion, points))
            .await;
        assert_eq!(done.to(), format!("{path}?done=scored"));
    }
    let adjust = |reason: &'static str| {
        vec![
            ("memberUnitId", staff),
            ("criterionCode", "2"),
            ("points", "28"),
            ("reason", reason),
        ]
    };
    // The head adjusts the others, never its own unit.
    let page = head.get(&path).await;
    let others = between(&page.body, "id=\"a-member\"", "</select>").unwrap();
    assert!(
        others.contains(staff) && !others.contains(police),
        "{others}"
    );
    let refused = head.post(&format!("{path}/adjust"), &adjust(" ")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"a-reason-error\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"28\""), "the points stay");
    let done = head
        .post(
            &format!("{path}/adjust"),
            &adjust("Bổ sung mô hình “Camera an ninh” chưa được tính"),
        )
        .await;
    assert_eq!(done.to(), format!("{path}?done=scored"));

    // A form the page does not offer (the signer adjusts nothing): the refusal is still said,
    // at the top.
    let mut signer = Browser::login(&server.base, "pgd.binh", PASSWORD).await;
    let refused = signer
        .post(
            &format!("{path}/adjust"),
            &adjust("Điều chỉnh theo kết quả kiểm tra"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("role=\"alert\""), "{}", refused.body);

    // 2 × 45 + 28 = 118 leads 2 × 40 + 25 = 105; the adjusted points are marked.
    let page = office.get(&path).await;
    let ranking = text(between(&page.body, "<tbody>", "</tbody>").unwrap());
    assert!(
        ranking.starts_with("1 Phòng Tham mưu — dẫn đầu 45 28* 118"),
        "{ranking}"
    );
    let history = text(&page.body);
    assert!(history.contains("Cụm trưởng điều chỉnh"), "{history}");
    assert!(history.contains("Bổ sung mô hình “Camera an ninh” chưa được tính"));

    // A stale publication is refused; the one at the version shown freezes the ranking.
    let refused = office
        .post(&format!("{path}/publish"), &[("expectedVersion", "1")])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::CONFLICT,
        "{}",
        text(&refused.body)
    );
    let version = between(&page.body, "name=\"expectedVersion\" value=\"", "\"")
        .unwrap()
        .to_owned();
    let done = office
        .post(&format!("{path}/publish"), &[("expectedVersion", &version)])
        .await;
    assert_eq!(done.to(), format!("{path}?done=published"));
    let page = head.get(&path).await;
    assert!(text(&page.body).contains("đã công bố ngày"));
    assert!(!page.body.contains("/score\"") && !page.body.contains("/adjust\""));

    // The leader's clerk, or a clerk above it, drafts the flag nomination from the ranking.
    assert!(office.get(&path).await.body.contains("/propose\""));
    let page = clerk.get(&path).await;
    assert!(page.body.contains("/propose\""), "{}", text(&page.body));
    let drafted = clerk
        .post(
            &format!("{path}/propose"),
            &[("awardKind", "CO_THI_DUA_BO_TINH")],
        )
        .await;
    let nomination = drafted.to().to_owned();
    assert!(
        nomination.starts_with("/nominations/") && nomination.ends_with("?done=created"),
        "{nomination}"
    );
    let shown = text(&clerk.get(&nomination).await.body);
    assert!(shown.contains("Cờ thi đua"), "{shown}");
    assert!(shown.contains("Phòng Tham mưu"), "{shown}");
    // The runner-up's head drafts nothing for the leader.
    assert!(!head.get(&path).await.body.contains("/propose\""));
}
