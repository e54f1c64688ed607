//! Emulation clusters (cụm thi đua), issue 10 §2: members score themselves with evidence, the
//! cluster head and the organiser's office adjust with reasons, every change is audited, the
//! ranking changes only by those entries and is frozen once published, and its leader's flag
//! nomination is drafted from it.

use laurel_store::testing::{execute, select_text};
use laurel_tests::{Org, TestServer};
use serde_json::{Value, json};

const CLUSTER: &str = "id name version publishedOn head { code } \
    ranking { rank total scored leader unit { code } } \
    scores { criterionCode points party note member { code } }";

fn code(error: &Value) -> (&str, &str, &str) {
    let ext = &error["extensions"];
    (
        ext["code"].as_str().unwrap_or(""),
        ext["reason"].as_str().unwrap_or(""),
        ext["field"].as_str().unwrap_or(""),
    )
}

fn ranking(cluster: &Value) -> Vec<(String, u64, u64, bool)> {
    cluster["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["unit"]["code"].as_str().unwrap().to_owned(),
                s["rank"].as_u64().unwrap(),
                s["total"].as_u64().unwrap(),
                s["leader"].as_bool().unwrap(),
            )
        })
        .collect()
}

async fn score(
    server: &TestServer,
    token: &str,
    mutation: &str,
    input: Value,
) -> Result<Value, Value> {
    let field = if mutation == "scoreCluster" {
        "ScoreClusterInput"
    } else {
        "AdjustClusterScoreInput"
    };
    let body = server
        .gql(
            Some(token),
            &format!("mutation($input: {field}!) {{ {mutation}(input: $input) {{ {CLUSTER} }} }}"),
            json!({ "input": input }),
        )
        .await;
    match body.get("errors") {
        Some(errors) => Err(errors[0].clone()),
        None => Ok(body["data"][mutation].clone()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_ranking_changes_only_by_audited_scores_and_is_frozen_once_published() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let create = format!(
        "mutation($input: CreateClusterInput!) {{ createCluster(input: $input) {{ {CLUSTER} }} }}"
    );
    let input = |members: Value, head: &str| {
        json!({ "input": {
            "name": "Cụm thi đua số 1 — các phòng nghiệp vụ",
            "kind": "CUM",
            "year": 2025,
            "organiserUnitId": org.province,
            "headUnitId": head,
            "memberUnitIds": members,
            "criteria": [
                { "code": "1", "name": "Kết quả thực hiện nhiệm vụ chính trị", "maxPoints": 50, "weight": 2 },
                { "code": "2", "name": "Xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc", "maxPoints": 30 },
            ],
        } })
    };
    // Only the organiser's office sets it up; members lie below the organiser; the head is one.
    let members = json!([org.staff, org.police]);
    let refused = server
        .err(
            Some(&org.clerk),
            &create,
            input(members.clone(), &org.police),
        )
        .await;
    assert_eq!(code(&refused).0, "FORBIDDEN", "{refused}");
    let refused = server
        .err(
            Some(&org.office),
            &create,
            input(json!([org.staff, org.province]), &org.staff),
        )
        .await;
    assert_eq!(
        code(&refused),
        ("VALIDATION", "", "memberUnitIds"),
        "{refused}"
    );
    let refused = server
        .err(
            Some(&org.office),
            &create,
            input(json!([org.staff, org.police]), &org.province),
        )
        .await;
    assert_eq!(
        code(&refused),
        ("VALIDATION", "", "headUnitId"),
        "{refused}"
    );
    let cluster = server
        .ok(Some(&org.office), &create, input(members, &org.police))
        .await["createCluster"]
        .clone();
    let id = cluster["id"].as_str().unwrap().to_owned();
    assert_eq!(cluster["head"]["code"], "PC02");
    assert_eq!(
        ranking(&cluster),
        [("PTM".into(), 1, 0, false), ("PC02".into(), 1, 0, false)]
    );
    // Nothing scored: no leader, so nothing to publish (a frozen tie could never be proposed).
    let refused = server
        .err(
            Some(&org.office),
            "mutation($id: ID!) { publishClusterRanking(clusterId: $id, expectedVersion: 1) { id } }",
            json!({ "id": cluster["id"] }),
        )
        .await;
    assert_eq!(
        code(&refused),
        ("RULE_VIOLATION", "NO_LEADER", "clusterId"),
        "{refused}"
    );

    // Each member scores itself, with its evidence, and only itself.
    let own = |member: &str, criterion: &str, points: u32| json!({ "clusterId": id, "memberUnitId": member, "criterionCode": criterion, "points": points, "evidence": "Báo cáo tổng kết năm 2025 số 120/BC" });
    score(
        &server,
        &org.clerk,
        "scoreCluster",
        own(&org.staff, "1", 45),
    )
    .await
    .unwrap();
    score(&server, &org.head, "scoreCluster", own(&org.staff, "2", 20))
        .await
        .unwrap();
    let refused = score(
        &server,
        &org.clerk,
        "scoreCluster",
        own(&org.police, "1", 50),
    )
    .await
    .unwrap_err();
    assert_eq!(code(&refused).0, "FORBIDDEN", "{refused}");
    score(
        &server,
        &org.other_head,
        "scoreCluster",
        own(&org.police, "1", 48),
    )
    .await
    .unwrap();
    let after = score(
        &server,
        &org.other_head,
        "scoreCluster",
        own(&org.police, "2", 25),
    )
    .await
    .unwrap();
    // 2 × 45 + 20 = 110; 2 × 48 + 25 = 121.
    assert_eq!(
        ranking(&after),
        [("PC02".into(), 1, 121, true), ("PTM".into(), 2, 110, false)]
    );
    // The sheet's limits, and evidence required.
    for (input, expected) in [
        (
            own(&org.police, "2", 31),
            ("RULE_VIOLATION", "OVER_MAXIMUM", "points"),
        ),
        (
            own(&org.police, "9", 1),
            ("RULE_VIOLATION", "UNKNOWN_CRITERION", "criterionCode"),
        ),
        (
            json!({ "clusterId": id, "memberUnitId": org.police, "criterionCode": "1", "points": 1, "evidence": " " }),
            ("VALIDATION", "", "evidence"),
        ),
    ] {
        let refused = score(&server, &org.other_head, "scoreCluster", input)
            .await
            .unwrap_err();
        assert_eq!(code(&refused), expected, "{refused}");
    }

    // The head adjusts a member's score, the office another, each with a reason; a member may
    // not adjust, and no longer changes a criterion once adjusted.
    let adjust = |member: &str, criterion: &str, points: u32, reason: &str| json!({ "clusterId": id, "memberUnitId": member, "criterionCode": criterion, "points": points, "reason": reason });
    score(
        &server,
        &org.other_head,
        "adjustClusterScore",
        adjust(
            &org.staff,
            "2",
            25,
            "Bổ sung mô hình “Camera an ninh” chưa được tính",
        ),
    )
    .await
    .unwrap();
    let refused = score(
        &server,
        &org.clerk,
        "adjustClusterScore",
        adjust(&org.police, "1", 10, "Tự điều chỉnh"),
    )
    .await
    .unwrap_err();
    assert_eq!(code(&refused).0, "FORBIDDEN", "{refused}");
    let refused = score(
        &server,
        &org.office,
        "adjustClusterScore",
        adjust(&org.police, "1", 40, ""),
    )
    .await
    .unwrap_err();
    assert_eq!(code(&refused), ("VALIDATION", "", "reason"), "{refused}");
    let adjusted = score(
        &server,
        &org.office,
        "adjustClusterScore",
        adjust(
            &org.police,
            "1",
            40,
            "Chỉ tiêu 1.3 chưa đạt theo kết quả kiểm tra",
        ),
    )
    .await
    .unwrap();
    let refused = score(&server, &org.head, "scoreCluster", own(&org.staff, "2", 30))
        .await
        .unwrap_err();
    assert_eq!(
        code(&refused),
        ("RULE_VIOLATION", "ALREADY_ADJUSTED", "criterionCode"),
        "{refused}"
    );
    // The head (PC02) does not adjust its own unit, nor overrule the office.
    for (input, expected) in [(
        adjust(&org.police, "1", 50, "Đã hoàn thành chỉ tiêu 1.3"),
        ("RULE_VIOLATION", "OWN_SCORE", "memberUnitId"),
    )] {
        let refused = score(&server, &org.other_head, "adjustClusterScore", input)
            .await
            .unwrap_err();
        assert_eq!(code(&refused), expected, "{refused}");
    }
    // 2 × 45 + 25 = 115; 2 × 40 + 25 = 105.
    assert_eq!(
        ranking(&adjusted),
        [("PTM".into(), 1, 115, true), ("PC02".into(), 2, 105, false)]
    );
    let parties: Vec<(&str, &str)> = adjusted["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["party"].as_str().unwrap(),
                s["criterionCode"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parties,
        [
            ("MEMBER", "1"),
            ("MEMBER", "2"),
            ("MEMBER", "1"),
            ("MEMBER", "2"),
            ("HEAD", "2"),
            ("OFFICE", "1")
        ]
    );
    // Every change is in the audit log, each adjustment with its reason.
    let audited = select_text(
        server.store(),
        "SELECT action || ':' || COALESCE(reason, '') FROM audit_log WHERE entity = 'cluster' ORDER BY id",
    )
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            "CLUSTER_CREATED:",
            "CLUSTER_SCORED:",
            "CLUSTER_SCORED:",
            "CLUSTER_SCORED:",
            "CLUSTER_SCORED:",
            "CLUSTER_SCORE_ADJUSTED:Bổ sung mô hình “Camera an ninh” chưa được tính",
            "CLUSTER_SCORE_ADJUSTED:Chỉ tiêu 1.3 chưa đạt theo kết quả kiểm tra",
        ]
    );
    // The entries are append-only, whoever writes.
    assert!(
        execute(server.store(), "UPDATE cluster_score SET points = 0")
            .await
            .is_err()
    );
    assert!(
        execute(server.store(), "DELETE FROM cluster_score")
            .await
            .is_err()
    );

    // The leader's flag nomination waits for the publication.
    let propose = "mutation($id: ID!) { proposeClusterLeader(clusterId: $id) { id awardKind period achievement nominee { ... on Unit { code } } } }";
    let refused = server
        .err(Some(&org.clerk), propose, json!({ "id": id }))
        .await;
    assert_eq!(
        code(&refused),
        ("RULE_VIOLATION", "NOT_PUBLISHED", "clusterId"),
        "{refused}"
    );

    // Publication: at the version seen, by the office; frozen from then on.
    let publish = format!(
        "mutation($id: ID!, $v: Int!) {{ publishClusterRanking(clusterId: $id, expectedVersion: $v) {{ {CLUSTER} }} }}"
    );
    let version = adjusted["version"].as_i64().unwrap();
    let refused = server
        .err(
            Some(&org.office),
            &publish,
            json!({ "id": id, "v": version - 1 }),
        )
        .await;
    assert_eq!(code(&refused).0, "CONFLICT", "{refused}");
    let refused = server
        .err(
            Some(&org.clerk),
            &publish,
            json!({ "id": id, "v": version }),
        )
        .await;
    assert_eq!(code(&refused).0, "FORBIDDEN", "{refused}");
    let published = server
        .ok(
            Some(&org.office),
            &publish,
            json!({ "id": id, "v": version }),
        )
        .await["publishClusterRanking"]
        .clone();
    assert!(published["publishedOn"].is_string(), "{published}");
    assert_eq!(ranking(&published), ranking(&adjusted));
    let refused = score(
        &server,
        &org.office,
        "adjustClusterScore",
        adjust(&org.police, "1", 50, "Xem xét lại"),
    )
    .await
    .unwrap_err();
    assert_eq!(
        code(&refused),
        ("RULE_VIOLATION", "PUBLISHED", "clusterId"),
        "{refused}"
    );
    let refused = server
        .err(
            Some(&org.office),
            &publish,
            json!({ "id": id, "v": version + 1 }),
        )
        .await;
    assert_eq!(code(&refused).1, "PUBLISHED", "{refused}");
    assert!(
        execute(server.store(), "UPDATE cluster SET ranking = '[]'")
            .await
            .is_err(),
        "a published ranking is never changed"
    );
    assert!(
        execute(server.store(), "DELETE FROM cluster")
            .await
            .is_err(),
        "a published cluster is never deleted"
    );
    let listed = server
        .ok(
            Some(&org.office),
            &format!("{{ clusters {{ {CLUSTER} }} }}"),
            json!({}),
        )
        .await["clusters"]
        .clone();
    assert_eq!(ranking(&listed[0]), ranking(&published));
    let read = server
        .ok(
            Some(&org.other_head),
            &format!("query($id: ID!) {{ cluster(id: $id) {{ {CLUSTER} }} }}"),
            json!({ "id": id }),
        )
        .await["cluster"]
        .clone();
    assert_eq!(ranking(&read), ranking(&published));

    // The leader's clerk drafts its flag from the ranking.
    let flag = server
        .ok(Some(&org.clerk), propose, json!({ "id": id }))
        .await["proposeClusterLeader"]
        .clone();
    assert_eq!(flag["awardKind"], "CO_THI_DUA_BO_TINH");
    assert_eq!(flag["nominee"]["code"], "PTM");
    assert_eq!(flag["period"], 2025);
    assert!(
        flag["achievement"].as_str().unwrap().starts_with(
            "Dẫn đầu Cụm thi đua số 1 — các phòng nghiệp vụ năm 2025 (xếp thứ nhất, 115 điểm"
        ),
        "{flag}"
    );
    server.stop().await;
}
