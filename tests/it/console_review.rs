//! Review stages in the web console beyond the everyday ones (issue 12 §4, Nominations): the
//! consultation (hiệp y) before an award the Prime Minister decides. The office ticks the
//! bodies to ask; a consulted body's head answers for it, and nobody else is offered the form;
//! refused forms keep what was chosen; the office closes the consultation once the deadline
//! has passed.

use laurel_tests::*;
use reqwest::StatusCode;
use serde_json::json;

use crate::console::{Browser, between, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_asks_two_ministries_for_their_opinion_and_one_answers_in_the_console() {
    let server = TestServer::start().await;
    let gov = Org::government(&server).await;
    let (id, _, defence) = gov.at_consultation(&server).await;

    // The office is offered the units it sees, not the Government itself.
    let mut office = Browser::login(&server.base, "tdkt.tw", PASSWORD).await;
    let page = office.get(&format!("/nominations/{id}")).await;
    let form = between(&page.body, "value=\"REQUEST_OPINIONS\"", "</form>")
        .unwrap_or_else(|| panic!("no REQUEST_OPINIONS form: {}", page.body));
    for unit in [&gov.police, &defence] {
        assert!(form.contains(&format!("value=\"{unit}\"")), "{form}");
    }
    assert!(!form.contains(&format!("value=\"{}\"", gov.province)));
    // Nothing ticked: refused beside the field.
    let refused = office.act(&id, "REQUEST_OPINIONS", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("id=\"REQUEST_OPINIONS-unitIds-error\""),
        "{}",
        text(&refused.body)
    );
    assert!(text(&refused.body).contains("Hãy chọn ít nhất một đơn vị để lấy ý kiến."));
    let asked = office
        .act(
            &id,
            "REQUEST_OPINIONS",
            &[("unitIds", &gov.police), ("unitIds", &defence)],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", text(&asked.body));
    let page = office.get(&format!("/nominations/{id}")).await;
    let table = text(between(&page.body, "id=\"consultation-h\"", "</table>").unwrap());
    assert!(
        table.contains("Bộ Nội vụ") && table.contains("Bộ Quốc phòng"),
        "{table}"
    );
    assert_eq!(table.matches("Chưa trả lời").count(), 2, "{table}");
    // Asked already: the office is offered no unit twice.
    assert!(
        !page
            .body
            .contains(&format!("name=\"unitIds\" value=\"{}\"", gov.police))
    );

    // Bộ Công an's head, who proposed it, is not asked and is offered no answer.
    let mut proposer = Browser::login(&server.base, "head.bca", PASSWORD).await;
    let page = proposer.get(&format!("/nominations/{id}")).await;
    assert!(!page.body.contains("value=\"GIVE_OPINION\""));

    // Bộ Nội vụ's head finds it in the work queue and answers for Bộ Nội vụ.
    let mut interior = Browser::login(&server.base, "head.bnv", PASSWORD).await;
    let queue = interior.get("/").await;
    assert!(queue.body.contains(&id), "{}", text(&queue.body));
    let page = interior.get(&format!("/nominations/{id}")).await;
    let form = between(&page.body, "value=\"GIVE_OPINION\"", "</form>").unwrap();
    assert!(
        text(form).contains("Trả lời thay mặt Bộ Nội vụ"),
        "{}",
        text(form)
    );
    // Without reasons: refused beside the field, the verdict chosen kept.
    let refused = interior
        .act(
            &id,
            "GIVE_OPINION",
            &[
                ("unitId", &gov.police),
                ("verdict", "OBJECT"),
                ("opinion", " "),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"GIVE_OPINION-opinion-error\""),
        "{}",
        text(&refused.body)
    );
    assert!(refused.body.contains("value=\"OBJECT\" checked"));
    let answered = interior
        .act(
            &id,
            "GIVE_OPINION",
            &[
                ("unitId", &gov.police),
                ("verdict", "OBJECT"),
                ("opinion", "Đề nghị làm rõ thành tích năm 2023"),
            ],
        )
        .await;
    assert_eq!(
        answered.status,
        StatusCode::SEE_OTHER,
        "{}",
        text(&answered.body)
    );
    let page = interior.get(&format!("/nominations/{id}")).await;
    let table = text(between(&page.body, "id=\"consultation-h\"", "</table>").unwrap());
    assert!(
        table.contains("Không đồng ý") && table.contains("Đề nghị làm rõ thành tích năm 2023"),
        "{table}"
    );
    assert!(!page.body.contains("value=\"GIVE_OPINION\""));

    // Bộ Quốc phòng is silent: the office may not close before its deadline, and may after.
    let refused = office.act(&id, "CLOSE_CONSULTATION", &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        text(&refused.body)
    );
    let due = server
        .ok(
            Some(&gov.office),
            "query($id: ID!) { nomination(id: $id) { consultations { dueOn } } }",
            json!({ "id": id }),
        )
        .await;
    let due = time::Date::parse(
        due["nomination"]["consultations"][0]["dueOn"]
            .as_str()
            .unwrap(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .unwrap();
    server.travel((due - server.today()).whole_days() + 1);
    let closed = office.act(&id, "CLOSE_CONSULTATION", &[]).await;
    assert_eq!(
        closed.status,
        StatusCode::SEE_OTHER,
        "{}",
        text(&closed.body)
    );
    let page = office.get(&format!("/nominations/{id}")).await;
    let state = text(between(&page.body, "Trạng thái</dt><dd>", "</dd>").unwrap());
    assert!(
        state.contains("Hội đồng Thi đua - Khen thưởng xét"),
        "{state}"
    );
    assert!(!page.body.contains("value=\"CLOSE_CONSULTATION\""));
    server.stop().await;
}
