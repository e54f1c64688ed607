//! The Gia Lai conference of seed `004_7b481aa43f29ee0d.txt`, replayed through the review
//! workflow: Bằng khen of Bộ Công an for 10 collectives, proposed by commune and district
//! police up through Công an tỉnh; Giấy khen of the Giám đốc Công an tỉnh for 18 collectives and
//! individuals, signed "KT. GIÁM ĐỐC" by the Phó Giám đốc. Along the way one return for a
//! missing biên bản and its resubmission, one rejection, one withdrawal; then one annulment under
//! Law 06/2022 Art 93.2 b.
//!
//! The ceremony rewarded 2022; this replay uses period 2024, so that it runs under the current
//! regime (Decree 98/2023). `laurel seed --demo` replays the same ceremony for 2022, under the old
//! one (Decree 91/2017; see tests/it/demo.rs).

use laurel_tests::{PDF, TestServer, q};
use serde_json::{Value, json};

const PERIOD: i32 = 2024;

/// A district police (Công an cấp huyện) and its communes.
struct District {
    name: &'static str,
    code: &'static str,
    /// Communes proposed for the Bằng khen.
    bk: [(&'static str, &'static str); 2],
    /// Communes given a Giấy khen.
    gk: &'static [(&'static str, &'static str)],
    /// Two officers of the first Giấy khen commune, given a Giấy khen.
    officers: [(&'static str, &'static str); 2],
}

const DISTRICTS: [District; 4] = [
    District {
        name: "Công an huyện Chư Păh",
        code: "CP",
        bk: [
            ("Công an xã Nghĩa Hưng", "CP-NH"),
            ("Công an xã Ia Ka", "CP-IK"),
        ],
        gk: &[
            ("Công an xã Ia Khươl", "CP-IKH"),
            ("Công an xã Hòa Phú", "CP-HP"),
            ("Công an xã Ia Nhin", "CP-IN"),
        ],
        officers: [
            ("Ksor H'Bia", "Trung úy"),
            ("Nguyễn Văn Thắng", "Thượng úy"),
        ],
    },
    District {
        name: "Công an thành phố Pleiku",
        code: "PK",
        bk: [
            ("Công an phường Diên Hồng", "PK-DH"),
            ("Công an phường Hoa Lư", "PK-HL"),
        ],
        gk: &[
            ("Công an phường Yên Đỗ", "PK-YD"),
            ("Công an phường Hội Thương", "PK-HT"),
            ("Công an phường Thống Nhất", "PK-TN"),
        ],
        officers: [
            ("Trần Thị Thu Hà", "Thiếu tá"),
            ("Rơ Châm Phiang", "Trung úy"),
        ],
    },
    District {
        name: "Công an huyện Ia Grai",
        code: "IG",
        bk: [
            ("Công an xã Ia Hrung", "IG-IH"),
            ("Công an xã Ia Dêr", "IG-ID"),
        ],
        gk: &[
            ("Công an xã Ia Sao", "IG-IS"),
            ("Công an xã Ia Tô", "IG-IT"),
        ],
        officers: [("Đinh Văn Hùng", "Đại úy"), ("Siu Thị Hơ", "Thiếu úy")],
    },
    District {
        name: "Công an thị xã An Khê",
        code: "AK",
        bk: [
            ("Công an phường Tây Sơn", "AK-TS"),
            ("Công an xã Song An", "AK-SA"),
        ],
        gk: &[
            ("Công an phường An Phú", "AK-AP"),
            ("Công an phường An Bình", "AK-AB"),
        ],
        officers: [
            ("Lê Quang Vinh", "Trung úy"),
            ("Phạm Thị Mỹ Duyên", "Thượng úy"),
        ],
    },
];

/// The people of the replay, by their tokens.
struct People {
    /// Bộ Công an's emulation office (receives and appraises its Bằng khen).
    bca_office: String,
    bca_secretary: String,
    /// A Thứ trưởng signing "KT. BỘ TRƯỞNG".
    bca_signer: String,
    /// The Giám đốc Công an tỉnh: endorses what goes up to Bộ Công an.
    director: String,
    cat_office: String,
    cat_secretary: String,
    /// Đại tá Nguyễn Ngọc Sơn, Phó Giám đốc: signs "KT. GIÁM ĐỐC".
    cat_signer: String,
    /// Per district: (unit id, head, clerk).
    districts: Vec<(String, String, String)>,
}

/// `GET /decisions/{id}/certificates.pdf` as `token`.
async fn print_all(server: &TestServer, token: &str, decision: &str) -> Vec<u8> {
    server
        .pdf(token, &format!("/decisions/{decision}/certificates.pdf"))
        .await
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

fn version(v: &Value) -> i64 {
    v["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("no version: {v}"))
}

fn achievement() -> String {
    format!(
        "Đã có thành tích xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc năm {PERIOD}"
    )
}

async fn draft(
    server: &TestServer,
    clerk: &str,
    nominee: Value,
    award: &str,
    issuer: &str,
) -> Value {
    let mut input = json!({
        "awardKind": award,
        "issuerUnitId": issuer,
        "period": PERIOD,
        "achievement": achievement(),
    });
    for (k, v) in nominee.as_object().unwrap() {
        input[k] = v.clone();
    }
    server
        .ok(
            Some(clerk),
            q!("create_nomination"),
            json!({ "input": input }),
        )
        .await["createNomination"]["nomination"]
        .clone()
}

async fn attach(server: &TestServer, token: &str, to: Value, kind: &str) {
    let mut input = to;
    input["kind"] = json!(kind);
    input["file"] = Value::Null;
    let body = server
        .upload(
            Some(token),
            input,
            &format!("{}.pdf", kind.to_lowercase()),
            PDF,
        )
        .await;
    assert!(body.get("errors").is_none(), "attach {kind}: {body}");
}

async fn nomination(server: &TestServer, token: &str, id: &str) -> Value {
    server
        .ok(Some(token), q!("nomination_history"), json!({ "id": id }))
        .await["nomination"]
        .clone()
}

/// The results of a bulk action, asserting each succeeded; returns the nominations.
fn all_ok(data: &Value, field: &str, expected: usize) -> Vec<Value> {
    let payload = &data[field];
    assert_eq!(payload["succeeded"], expected, "{payload}");
    assert_eq!(payload["failed"], 0, "{payload}");
    payload["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["nomination"].clone())
        .collect()
}

fn targets(nominations: &[Value]) -> Value {
    json!({
        "nominations": nominations
            .iter()
            .map(|n| json!({ "id": n["id"], "expectedVersion": n["version"] }))
            .collect::<Vec<_>>()
    })
}

async fn organise(server: &TestServer) -> (People, String, String, Vec<Vec<String>>) {
    let admin = server.admin().await;
    let bca = server
        .create_unit(&admin, "Bộ Công an", "BCA", "Bộ trưởng", None)
        .await;
    let cat = server
        .create_unit(
            &admin,
            "Công an tỉnh Gia Lai",
            "CAT",
            "Giám đốc",
            Some(&bca),
        )
        .await;
    let thu_truong = server
        .create_person(
            &admin,
            "Lê Văn Minh",
            Some("Trung tướng"),
            Some("Thứ trưởng"),
            &bca,
        )
        .await;
    let son = server
        .create_person(
            &admin,
            "Nguyễn Ngọc Sơn",
            Some("Đại tá"),
            Some("Phó Giám đốc"),
            &cat,
        )
        .await;
    let account =
        |username: &'static str, role: &'static str, unit: String, person: Option<String>| {
            let admin = admin.clone();
            async move {
                server
                    .create_account(&admin, username, role, &unit, person.as_deref())
                    .await
                    .0
            }
        };
    let bca_office = account("tdkt.bca", "CLERK", bca.clone(), None).await;
    let bca_secretary = account("thuky.bca", "COUNCIL_SECRETARY", bca.clone(), None).await;
    let bca_signer = account("thutruong.minh", "SIGNER", bca.clone(), Some(thu_truong)).await;
    let director = account("giamdoc.cat", "UNIT_HEAD", cat.clone(), None).await;
    let cat_office = account("tdkt.cat", "CLERK", cat.clone(), None).await;
    let cat_secretary = account("thuky.cat", "COUNCIL_SECRETARY", cat.clone(), None).await;
    let cat_signer = account("pgd.son", "SIGNER", cat.clone(), Some(son)).await;

    let mut districts = Vec::new();
    let mut communes = Vec::new();
    for d in &DISTRICTS {
        let id = server
            .create_unit(&admin, d.name, d.code, "Trưởng Công an", Some(&cat))
            .await;
        let mut ids = Vec::new();
        for (name, code) in d.bk.iter().chain(d.gk.iter()) {
            ids.push(
                server
                    .create_unit(&admin, name, code, "Trưởng Công an", Some(&id))
                    .await,
            );
        }
        let (head, _) = server
            .create_account(
                &admin,
                &format!("truong.{}", d.code.to_lowercase()),
                "UNIT_HEAD",
                &id,
                None,
            )
            .await;
        let (clerk, _) = server
            .create_account(
                &admin,
                &format!("vanthu.{}", d.code.to_lowercase()),
                "CLERK",
                &id,
                None,
            )
            .await;
        districts.push((id, head, clerk));
        communes.push(ids);
    }
    let people = People {
        bca_office,
        bca_secretary,
        bca_signer,
        director,
        cat_office,
        cat_secretary,
        cat_signer,
        districts,
    };
    (people, bca, cat, communes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gia_lai_2022_conference_goes_through_every_stage() {
    let server = TestServer::start().await;
    let (p, bca, cat, communes) = organise(&server).await;

    // ---- Bằng khen of Bộ Công an: each district proposes itself and two communes. ----
    let mut bk: Vec<Vec<Value>> = Vec::new(); // per district: [district, commune 1, commune 2]
    for (i, d) in DISTRICTS.iter().enumerate() {
        let (district, head, clerk) = &p.districts[i];
        let mut drafted = vec![
            draft(
                &server,
                clerk,
                json!({ "nomineeUnitId": district }),
                "BANG_KHEN_BO_TINH",
                &bca,
            )
            .await,
        ];
        for commune in &communes[i][..2] {
            drafted.push(
                draft(
                    &server,
                    clerk,
                    json!({ "nomineeUnitId": commune }),
                    "BANG_KHEN_BO_TINH",
                    &bca,
                )
                .await,
            );
        }
        let proposal = server
            .ok(
                Some(clerk),
                q!("create_proposal"),
                json!({ "input": {
                    "proposingUnitId": district,
                    "issuerUnitId": bca,
                    "number": format!("15/TTr-{}", d.code),
                    "signerName": "Trưởng Công an",
                    "nominations": targets(&drafted)["nominations"],
                } }),
            )
            .await["createProposal"]["proposal"]
            .clone();
        assert_eq!(proposal["status"], "DRAFT");
        assert_eq!(proposal["nominations"].as_array().unwrap().len(), 3);
        let proposal_id = s(&proposal["id"]);
        // The tờ trình serves all three; each has its report of achievements. Ia Grai attaches
        // its biên bản per nomination and forgets Ia Dêr's.
        attach(
            &server,
            clerk,
            json!({ "proposalId": proposal_id }),
            "TO_TRINH",
        )
        .await;
        if d.code == "IG" {
            for n in &drafted[..2] {
                attach(
                    &server,
                    clerk,
                    json!({ "nominationId": n["id"] }),
                    "BIEN_BAN_XET_KHEN_THUONG",
                )
                .await;
            }
        } else {
            attach(
                &server,
                clerk,
                json!({ "proposalId": proposal_id }),
                "BIEN_BAN_XET_KHEN_THUONG",
            )
            .await;
        }
        for n in &drafted {
            attach(
                &server,
                clerk,
                json!({ "nominationId": n["id"] }),
                "BAO_CAO_THANH_TICH",
            )
            .await;
        }
        // The district head submits the proposal: the district's own nomination waits for the
        // province; the communes' were endorsed at the district's level by that submission.
        let proposal = server
            .ok(Some(clerk), q!("proposal"), json!({ "id": proposal_id }))
            .await["proposal"]
            .clone();
        let submitted = server
            .ok(
                Some(head),
                q!("submit_nominations"),
                json!({ "target": { "proposalId": proposal_id, "expectedVersion": proposal["version"] } }),
            )
            .await;
        let submitted = all_ok(&submitted, "submitNominations", 3);
        for n in &submitted {
            assert_eq!(n["state"], "SUBMITTED");
            assert_eq!(n["stage"]["kind"], "ENDORSE");
            assert_eq!(n["stage"]["unit"]["code"], "CAT", "{n}");
        }
        let by_id = |id: &Value| submitted.iter().find(|n| &n["id"] == id).unwrap().clone();
        assert_eq!(by_id(&drafted[0]["id"])["stage"]["level"], 0);
        assert_eq!(by_id(&drafted[1]["id"])["stage"]["level"], 1);
        bk.push(drafted.iter().map(|n| by_id(&n["id"])).collect());
        let proposal = server
            .ok(Some(clerk), q!("proposal"), json!({ "id": proposal_id }))
            .await["proposal"]
            .clone();
        assert_eq!(proposal["status"], "IN_REVIEW");
    }
    let id_of = |d: usize, k: usize| s(&bk[d][k]["id"]);

    // An Khê withdraws Công an phường Tây Sơn before the province acts.
    let (_, ak_head, _) = &p.districts[3];
    let withdrawn = server
        .ok(
            Some(ak_head),
            q!("withdraw_nomination"),
            json!({ "input": { "id": id_of(3, 1), "expectedVersion": version(&bk[3][1]), "reason": "Đơn vị rút đề nghị để xét vào năm sau" } }),
        )
        .await["withdrawNomination"]["nomination"]
        .clone();
    assert_eq!(withdrawn["state"], "WITHDRAWN");

    // The province's director endorses the other eleven at once.
    let mut waiting: Vec<Value> = bk
        .iter()
        .flatten()
        .filter(|n| n["id"] != withdrawn["id"])
        .cloned()
        .collect();
    assert_eq!(waiting.len(), 11);
    let queue = server
        .ok(Some(&p.director), q!("work_queue"), json!({ "first": 50 }))
        .await;
    assert_eq!(
        queue["workQueue"]["nodes"].as_array().unwrap().len(),
        11,
        "{queue}"
    );
    let endorsed = server
        .ok(
            Some(&p.director),
            q!("endorse_nominations"),
            json!({ "input": { "target": targets(&waiting), "note": "Công an tỉnh Gia Lai đề nghị Bộ Công an tặng Bằng khen" } }),
        )
        .await;
    waiting = all_ok(&endorsed, "endorseNominations", 11);
    for n in &waiting {
        assert_eq!(
            (&n["stage"]["kind"], &n["stage"]["unit"]["code"]),
            (&json!("RECEIVE"), &json!("BCA"))
        );
    }
    let queue = server
        .ok(Some(&p.director), q!("work_queue"), json!({ "first": 50 }))
        .await;
    assert_eq!(queue["workQueue"]["nodes"], json!([]));

    // Bộ Công an's office receives them: Ia Dêr's dossier lacks its biên bản, the others go on.
    let received = server
        .ok(
            Some(&p.bca_office),
            q!("receive_nominations"),
            json!({ "target": targets(&waiting) }),
        )
        .await["receiveNominations"]
        .clone();
    assert_eq!(
        (received["succeeded"].as_i64(), received["failed"].as_i64()),
        (Some(10), Some(1)),
        "{received}"
    );
    let ia_der = id_of(2, 2);
    let refused = received["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ok"] == false)
        .unwrap();
    assert_eq!(refused["id"], json!(ia_der));
    assert_eq!(refused["code"], "RULE_VIOLATION");
    assert!(
        s(&refused["messageEn"]).contains("BIEN_BAN_XET_KHEN_THUONG"),
        "{refused}"
    );
    assert!(s(&refused["messageVi"]).contains("Biên bản"), "{refused}");
    let unchanged = nomination(&server, &p.bca_office, &ia_der).await;
    assert_eq!(unchanged["stage"]["kind"], "RECEIVE");
    let returned = server
        .ok(
            Some(&p.bca_office),
            q!("return_nomination"),
            json!({ "input": {
                "id": ia_der,
                "expectedVersion": version(&unchanged),
                "missingParts": ["BIEN_BAN_XET_KHEN_THUONG"],
                "reasons": ["Thiếu biên bản họp xét khen thưởng của Công an huyện Ia Grai"],
            } }),
        )
        .await["returnNomination"]["nomination"]
        .clone();
    assert_eq!(returned["state"], "RETURNED");
    // Ia Grai's clerk adds the biên bản; its head sends it back to reception.
    let (_, ig_head, ig_clerk) = &p.districts[2];
    attach(
        &server,
        ig_clerk,
        json!({ "nominationId": ia_der }),
        "BIEN_BAN_XET_KHEN_THUONG",
    )
    .await;
    let resubmitted = server
        .ok(
            Some(ig_head),
            q!("resubmit_nomination"),
            json!({ "input": { "id": ia_der, "expectedVersion": version(&returned) } }),
        )
        .await["resubmitNomination"]["nomination"]
        .clone();
    assert_eq!(
        (&resubmitted["state"], &resubmitted["stage"]["kind"]),
        (&json!("SUBMITTED"), &json!("RECEIVE"))
    );
    let ia_der_received = server
        .ok(
            Some(&p.bca_office),
            q!("receive_nomination"),
            json!({ "input": { "id": ia_der, "expectedVersion": version(&resubmitted) } }),
        )
        .await["receiveNomination"]["nomination"]
        .clone();
    assert_eq!(ia_der_received["stage"]["kind"], "APPRAISE");

    // Appraisal: Công an xã Song An is rejected; the other ten are eligible.
    let mut at_appraisal: Vec<Value> = received["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ok"] == true)
        .map(|r| r["nomination"].clone())
        .collect();
    at_appraisal.push(ia_der_received);
    let song_an = id_of(3, 2);
    let song_an_now = at_appraisal
        .iter()
        .find(|n| n["id"] == json!(song_an))
        .unwrap()
        .clone();
    let rejected = server
        .ok(
            Some(&p.bca_office),
            q!("reject_nomination"),
            json!({ "input": { "id": song_an, "expectedVersion": version(&song_an_now), "reason": "Năm 2024 trên địa bàn xã xảy ra vụ việc phức tạp về an ninh, trật tự chưa được giải quyết dứt điểm" } }),
        )
        .await["rejectNomination"]["nomination"]
        .clone();
    assert_eq!(rejected["state"], "REJECTED");
    at_appraisal.retain(|n| n["id"] != json!(song_an));
    let appraised = server
        .ok(
            Some(&p.bca_office),
            q!("appraise_nominations"),
            json!({ "input": { "target": targets(&at_appraisal), "verdict": "ELIGIBLE", "notes": "Đủ điều kiện theo Điều 74 Luật Thi đua, khen thưởng" } }),
        )
        .await;
    let appraised = all_ok(&appraised, "appraiseNominations", 10);
    let mut at_sign = Vec::new();
    for n in &appraised {
        assert_eq!(n["stage"]["kind"], "COUNCIL");
        let voted = server
            .ok(
                Some(&p.bca_secretary),
                q!("record_council_outcome"),
                json!({ "input": { "id": n["id"], "expectedVersion": n["version"], "members": 9, "present": 9, "votesFor": 9, "votesAgainst": 0 } }),
            )
            .await["recordCouncilOutcome"]["nomination"]
            .clone();
        assert_eq!(voted["stage"]["kind"], "SIGN");
        at_sign.push(voted);
    }
    let signed = server
        .ok(
            Some(&p.bca_signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": targets(&at_sign)["nominations"], "capacity": "KT", "signerTitle": "Thứ trưởng" } }),
        )
        .await["signDecision"]["decision"]
        .clone();
    assert_eq!(signed["number"], "1/QĐ-BCA");
    assert_eq!(signed["capacityLine"], "KT. BỘ TRƯỞNG");
    assert_eq!(signed["signerName"], "Trung tướng Lê Văn Minh");
    let decided = signed["nominations"].as_array().unwrap();
    assert_eq!(decided.len(), 10);
    assert!(decided.iter().all(|n| n["state"] == "DECIDED"));

    // The ministry's office prints the ten Bằng khen at once, each on 400 × 300 mm.
    let bk_decision = s(&signed["id"]);
    let issued = server
        .ok(
            Some(&p.bca_signer),
            q!("issue_certificates"),
            json!({ "decisionId": bk_decision }),
        )
        .await["issueCertificates"]["certificates"]
        .clone();
    let issued = issued.as_array().unwrap();
    assert_eq!(issued.len(), 10);
    let print = print_all(&server, &p.bca_office, &bk_decision).await;
    assert_eq!(laurel_tests::pdf_page_sizes(&print), vec![(400, 300); 10]);
    for (page, certificate) in issued.iter().enumerate() {
        let text = laurel_tests::pdf_page_text(&print, page + 1);
        for expected in ["BẰNG KHEN", "BỘ TRƯỞNG BỘ CÔNG AN", "Số sổ vàng"] {
            assert!(
                text.contains(expected),
                "page {}: {expected}:\n{text}",
                page + 1
            );
        }
        let name = s(&certificate["recipientName"]);
        assert!(
            text.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(&name),
            "page {} should be {name}:\n{text}",
            page + 1
        );
    }

    // The decision names the districts' tờ trình it answers.
    let decision_text = laurel_tests::pdf_text(
        &server
            .pdf(&p.bca_office, &format!("/decisions/{bk_decision}.pdf"))
            .await,
    )
    // Without its spaces: a number may break across lines.
    .split_whitespace()
    .collect::<String>();
    assert!(
        decision_text.contains("tạiTờtrìnhsố15/TTr-"),
        "{decision_text}"
    );
    // The award named as the ministry confers it, not by its category in the Law.
    assert!(
        decision_text.contains("TặngBằngkhencủaBộtrưởngBộCôngancho10tậpthể"),
        "{decision_text}"
    );
    assert!(
        !decision_text.contains("bộ,ban,ngành,tỉnh"),
        "{decision_text}"
    );
    let cited = DISTRICTS
        .iter()
        .filter(|d| decision_text.contains(&format!("15/TTr-{}", d.code)))
        .count();
    // Ten of the twelve nominations, three from each district, were signed: every district's
    // tờ trình is answered.
    assert_eq!(
        cited,
        DISTRICTS.len(),
        "{cited} tờ trình cited:\n{decision_text}"
    );

    // Ia Dêr's history tells its whole story, in order.
    let story = nomination(&server, ig_clerk, &ia_der).await;
    let actions: Vec<String> = story["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| s(&h["action"]))
        .collect();
    assert_eq!(
        actions,
        [
            "NOMINATION_CREATED",
            "NOMINATION_GROUPED",
            "NOMINATION_SUBMITTED",
            "NOMINATION_ENDORSED",
            "NOMINATION_ENDORSED",
            "NOMINATION_RETURNED",
            "NOMINATION_RESUBMITTED",
            "NOMINATION_RECEIVED",
            "NOMINATION_APPRAISED",
            "COUNCIL_APPROVED",
            "NOMINATION_DECIDED",
        ],
        "{story}"
    );
    let returned_entry = story["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["action"] == "NOMINATION_RETURNED")
        .unwrap();
    assert_eq!(
        returned_entry["reasons"],
        json!(["Thiếu biên bản họp xét khen thưởng của Công an huyện Ia Grai"])
    );
    assert_eq!(
        (&returned_entry["fromStage"], &returned_entry["toState"]),
        (&json!("RECEIVE"), &json!("RETURNED"))
    );
    assert_eq!(story["decision"]["number"], "1/QĐ-BCA");
    assert_eq!(story["state"], "DECIDED");

    // ---- Giấy khen of the Giám đốc Công an tỉnh: 10 collectives and 8 officers. ----
    let mut gk_signing = Vec::new();
    let mut last_proposal = None;
    let mut officers = Vec::new();
    for (i, d) in DISTRICTS.iter().enumerate() {
        let (district, head, clerk) = &p.districts[i];
        let mut drafted = Vec::new();
        for commune in &communes[i][2..] {
            drafted.push(
                draft(
                    &server,
                    clerk,
                    json!({ "nomineeUnitId": commune }),
                    "GIAY_KHEN",
                    &cat,
                )
                .await,
            );
        }
        for (name, rank) in d.officers {
            let person = server
                .create_person(
                    clerk,
                    name,
                    Some(rank),
                    Some("Phó Trưởng Công an xã"),
                    &communes[i][2],
                )
                .await;
            let n = draft(
                &server,
                clerk,
                json!({ "nomineePersonId": person }),
                "GIAY_KHEN",
                &cat,
            )
            .await;
            officers.push((name, s(&n["id"])));
            drafted.push(n);
        }
        let proposal = server
            .ok(
                Some(clerk),
                q!("create_proposal"),
                json!({ "input": {
                    "proposingUnitId": district,
                    "issuerUnitId": cat,
                    "number": format!("21/TTr-{}", d.code),
                    "nominations": targets(&drafted)["nominations"],
                } }),
            )
            .await["createProposal"]["proposal"]
            .clone();
        let proposal_id = s(&proposal["id"]);
        // The parts every nomination shares go with the proposal, once.
        let dossier = server
            .ok(
                Some(clerk),
                q!("nomination_dossier"),
                json!({ "id": drafted[0]["id"] }),
            )
            .await;
        for kind in dossier["nomination"]["dossier"]["required"]
            .as_array()
            .unwrap()
        {
            if kind != "BAO_CAO_THANH_TICH" {
                attach(
                    &server,
                    clerk,
                    json!({ "proposalId": proposal_id }),
                    kind.as_str().unwrap(),
                )
                .await;
            }
        }
        for n in &drafted {
            attach(
                &server,
                clerk,
                json!({ "nominationId": n["id"] }),
                "BAO_CAO_THANH_TICH",
            )
            .await;
        }
        let version = server
            .ok(Some(clerk), q!("proposal"), json!({ "id": proposal_id }))
            .await["proposal"]["version"]
            .clone();
        let submitted = server
            .ok(
                Some(head),
                q!("submit_nominations"),
                json!({ "target": { "proposalId": proposal_id, "expectedVersion": version } }),
            )
            .await;
        for n in all_ok(&submitted, "submitNominations", drafted.len()) {
            assert_eq!(n["stage"]["kind"], "RECEIVE", "{n}");
        }
        // The province's office receives and appraises the whole proposal.
        for (mutation, field, input) in [
            (
                q!("receive_nominations"),
                "receiveNominations",
                json!({ "target": { "proposalId": proposal_id } }),
            ),
            (
                q!("appraise_nominations"),
                "appraiseNominations",
                json!({ "input": { "target": { "proposalId": proposal_id }, "verdict": "ELIGIBLE", "notes": "Đủ điều kiện theo Điều 75" } }),
            ),
        ] {
            let version = server
                .ok(
                    Some(&p.cat_office),
                    q!("proposal"),
                    json!({ "id": proposal_id }),
                )
                .await["proposal"]["version"]
                .clone();
            let mut variables = input;
            let target = if field == "receiveNominations" {
                &mut variables["target"]
            } else {
                &mut variables["input"]["target"]
            };
            target["expectedVersion"] = version;
            let done = server.ok(Some(&p.cat_office), mutation, variables).await;
            all_ok(&done, field, drafted.len());
        }
        let proposal = server
            .ok(
                Some(&p.cat_office),
                q!("proposal"),
                json!({ "id": proposal_id }),
            )
            .await["proposal"]
            .clone();
        for n in proposal["nominations"].as_array().unwrap() {
            assert_eq!(n["stage"]["kind"], "COUNCIL");
            let voted = server
                .ok(
                    Some(&p.cat_secretary),
                    q!("record_council_outcome"),
                    json!({ "input": { "id": n["id"], "expectedVersion": n["version"], "members": 11, "present": 10, "votesFor": 10, "votesAgainst": 0 } }),
                )
                .await["recordCouncilOutcome"]["nomination"]
                .clone();
            gk_signing.push(voted);
        }
        last_proposal = Some(proposal_id);
    }
    assert_eq!(gk_signing.len(), 18);
    // One decision: the first three proposals' nominations listed, the last proposal whole.
    let last_proposal = last_proposal.unwrap();
    let last = server
        .ok(
            Some(&p.cat_signer),
            q!("proposal"),
            json!({ "id": last_proposal }),
        )
        .await["proposal"]
        .clone();
    let in_last: Vec<&Value> = last["nominations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["id"])
        .collect();
    let listed: Vec<Value> = gk_signing
        .iter()
        .filter(|n| !in_last.contains(&&n["id"]))
        .cloned()
        .collect();
    assert_eq!(listed.len(), 14);
    let signed = server
        .ok(
            Some(&p.cat_signer),
            q!("sign_decision"),
            json!({ "input": {
                "nominations": targets(&listed)["nominations"],
                "proposalId": last_proposal,
                "proposalVersion": last["version"],
                "capacity": "KT",
                "signerTitle": "Phó Giám đốc",
            } }),
        )
        .await["signDecision"]["decision"]
        .clone();
    assert_eq!(signed["number"], "1/QĐ-CAT");
    assert_eq!(signed["capacityLine"], "KT. GIÁM ĐỐC");
    assert_eq!(signed["titleLine"], "PHÓ GIÁM ĐỐC");
    assert_eq!(signed["signerName"], "Đại tá Nguyễn Ngọc Sơn");
    assert_eq!(signed["nominations"].as_array().unwrap().len(), 18);
    let gk_decision = s(&signed["id"]);
    let certificates = server
        .ok(
            Some(&p.cat_signer),
            q!("issue_certificates"),
            json!({ "decisionId": gk_decision }),
        )
        .await["issueCertificates"]["certificates"]
        .clone();
    assert_eq!(certificates.as_array().unwrap().len(), 18);

    // ---- Annulment (Art 93.2 b): one officer's report of achievements was falsified. ----
    let (hung, hung_id) = officers
        .iter()
        .find(|(name, _)| *name == "Đinh Văn Hùng")
        .unwrap()
        .clone();
    let hung_now = nomination(&server, &p.cat_signer, &hung_id).await;
    let code = s(&hung_now["certificate"]["code"]);
    let annulment = server
        .ok(
            Some(&p.cat_signer),
            q!("annul_decision"),
            json!({ "input": {
                "decisionId": gk_decision,
                "ground": "B",
                "reason": "Báo cáo thành tích kê khai không đúng sự thật, theo kết luận kiểm tra của Thanh tra Công an tỉnh",
                "nominations": [{ "id": hung_id, "expectedVersion": version(&hung_now) }],
                "capacity": "KT",
                "signerTitle": "Phó Giám đốc",
            } }),
        )
        .await["annulDecision"]["decision"]
        .clone();
    // A new decision in the same sequence; the first stands for the seventeen others.
    assert_eq!(annulment["number"], "2/QĐ-CAT");
    assert_eq!(annulment["kind"], "ANNULMENT");
    assert_eq!(annulment["ground"], "B");
    assert_eq!(annulment["annuls"]["number"], "1/QĐ-CAT");
    assert_eq!(annulment["annuls"]["state"], "SIGNED");
    assert_eq!(annulment["annulments"].as_array().unwrap().len(), 1);
    let hung_after = nomination(&server, &p.cat_signer, &hung_id).await;
    assert_eq!(hung_after["state"], "ANNULLED", "{hung}");
    assert_eq!(
        hung_after["annulment"]["annulmentDecision"]["number"],
        "2/QĐ-CAT"
    );
    assert_eq!(hung_after["annulment"]["recovered"], false);
    let verified = server
        .ok(None, q!("verify_certificate"), json!({ "code": code }))
        .await["verifyCertificate"]
        .clone();
    assert_eq!(verified["status"], "ANNULLED", "{verified}");
    // Printing the first decision now gives the seventeen certificates still in force, on A4.
    let print = print_all(&server, &p.cat_office, &gk_decision).await;
    assert_eq!(laurel_tests::pdf_page_sizes(&print), vec![(297, 210); 17]);
    let printed = laurel_tests::pdf_text(&print);
    assert!(!printed.contains("Đinh Văn Hùng"), "annulled, not printed");
    assert!(printed.contains("Siu Thị Hơ"), "{printed}");
    // The same, offline, from the database.
    let file = tempfile::tempdir().unwrap();
    let out = file.path().join("giay-khen.pdf");
    let args = [
        "laurel",
        "print",
        "--database-url",
        server.database_url(),
        "--decision",
        &gk_decision,
        "--out",
        out.to_str().unwrap(),
    ];
    let cli = <laurel::cli::Cli as clap::Parser>::try_parse_from(args).unwrap();
    let mut said = Vec::new();
    laurel::cli::run(cli, &mut said).await.unwrap();
    let said = String::from_utf8(said).unwrap();
    assert!(
        said.starts_with("Printed 17 certificate(s) of decision 1/QĐ-CAT to "),
        "{said}"
    );
    let offline = std::fs::read(&out).unwrap();
    assert_eq!(laurel_tests::pdf_page_sizes(&offline).len(), 17);
    assert_eq!(laurel_tests::pdf_text(&offline), printed);
    // A district's clerk prints the certificates of its own district only.
    let (_, _, pleiku_clerk) = &p.districts[1];
    let own = print_all(&server, pleiku_clerk, &gk_decision).await;
    let pages = laurel_tests::pdf_page_sizes(&own).len();
    assert!((1..17).contains(&pages), "{pages}");
    for page in 1..=pages {
        let text = laurel_tests::pdf_page_text(&own, page);
        assert!(text.contains("Pleiku"), "page {page}:\n{text}");
    }
    let others = officers
        .iter()
        .find(|(name, _)| *name == "Siu Thị Hơ")
        .unwrap();
    let other = nomination(&server, &p.cat_signer, &others.1).await;
    assert_eq!(other["state"], "DECIDED");
    let other_code = s(&other["certificate"]["code"]);
    let verified = server
        .ok(
            None,
            q!("verify_certificate"),
            json!({ "code": other_code }),
        )
        .await["verifyCertificate"]
        .clone();
    assert_eq!(verified["status"], "VALID", "{verified}");

    // The province's stages, all completed on time today.
    let today = server.today().to_string();
    let statistics = server
        .ok(
            Some(&p.cat_office),
            "query($issuer: ID!, $from: Date!, $until: Date!) { stageStatistics(issuerUnitId: $issuer, from: $from, until: $until) { stages { stage completed onTime late onTimePercent } } }",
            json!({ "issuer": cat, "from": today, "until": today }),
        )
        .await;
    let stages = statistics["stageStatistics"]["stages"]
        .as_array()
        .unwrap()
        .clone();
    for kind in ["RECEIVE", "APPRAISE", "COUNCIL", "SIGN"] {
        let stage = stages
            .iter()
            .find(|s| s["stage"] == kind)
            .unwrap_or_else(|| panic!("{kind}: {statistics}"));
        assert_eq!(
            (stage["completed"].as_i64(), stage["late"].as_i64()),
            (Some(18), Some(0)),
            "{kind}: {stage}"
        );
        assert_eq!(stage["onTimePercent"], 100.0, "{stage}");
    }
    server.stop().await;
}
