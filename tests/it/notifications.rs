//! E-mail notifications: an SMTP sink on 127.0.0.1 receives what Laurel sends. The people whose
//! turn it is hear of new work, returns, overdue stages and decisions, in Vietnamese and
//! English; nobody hears of their own action or of a change that was refused; an account that
//! opted out gets nothing; one that chose the daily digest gets one e-mail at the digest hour.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use laurel_tests::{Org, TestServer, q};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One e-mail as the sink received it.
#[derive(Debug, Clone)]
struct Mail {
    to: Vec<String>,
    subject: String,
    body: String,
}

/// A minimal SMTP server: accepts every message and keeps it.
async fn smtp_sink() -> (String, Arc<Mutex<Vec<Mail>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&mails);
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let kept = Arc::clone(&kept);
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read);
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut to = Vec::new();
                loop {
                    let mut line = String::new();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                        b"250 ok\r\n"
                    } else if upper.starts_with("DATA") {
                        write.write_all(b"354 go on\r\n").await.unwrap();
                        let mut raw = Vec::new();
                        loop {
                            let mut l = String::new();
                            lines.read_line(&mut l).await.unwrap();
                            if l == ".\r\n" {
                                break;
                            }
                            raw.extend_from_slice(l.strip_prefix('.').unwrap_or(&l).as_bytes());
                        }
                        let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
                        kept.lock().unwrap().push(Mail {
                            to: std::mem::take(&mut to),
                            subject: parsed.subject().unwrap_or_default().to_owned(),
                            body: parsed.body_text(0).unwrap_or_default().into_owned(),
                        });
                        b"250 queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (format!("smtp://{addr}"), mails)
}

/// Waits until `want` mails arrived for `to` (or 20 s pass); returns them.
async fn mails_to(mails: &Arc<Mutex<Vec<Mail>>>, to: &str, want: usize) -> Vec<Mail> {
    for _ in 0..400 {
        let got: Vec<Mail> = mails
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .cloned()
            .collect();
        if got.len() >= want {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{to} did not get {want} e-mails; the sink has {:#?}",
        mails.lock().unwrap()
    );
}

fn count_to(mails: &Arc<Mutex<Vec<Mail>>>, to: &str) -> usize {
    mails
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.to.iter().any(|t| t == to))
        .count()
}

async fn prefer(server: &TestServer, token: &str, email: &str, mode: &str) -> Value {
    server
        .ok(
            Some(token),
            q!("set_notification_preferences"),
            json!({ "input": { "email": email, "mode": mode } }),
        )
        .await["setNotificationPreferences"]
        .clone()
}

const OFFICE: &str = "tdkt@congan.gialai.gov.vn";
const CLERK: &str = "van.thu.ptm@congan.gialai.gov.vn";
const HEAD: &str = "truong.phong.ptm@congan.gialai.gov.vn";
const QUIET: &str = "khong.nhan@congan.gialai.gov.vn";
const DIGEST: &str = "ban.tin@congan.gialai.gov.vn";

/// A server sending mail from `from` to an SMTP sink, polling fast, with its organisation; the
/// office and the clerk have addresses and hear at once.
async fn mailing(from: &str) -> (TestServer, Arc<Mutex<Vec<Mail>>>, Org) {
    let (smtp, mails) = smtp_sink().await;
    let server = TestServer::start_with(|c| {
        let mut mail = laurel_gateway::notify::MailConfig::new(&smtp, from);
        mail.poll = Duration::from_millis(50);
        mail.sweep_every = Duration::ZERO;
        c.mail = Some(mail);
    })
    .await;
    let org = Org::create(&server).await;
    prefer(&server, &org.office, OFFICE, "IMMEDIATE").await;
    prefer(&server, &org.clerk, CLERK, "IMMEDIATE").await;
    (server, mails, org)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_people_whose_turn_it_is_hear_of_it_by_email() {
    let (server, mails, org) = mailing("Phòng Thi đua <thidua@congan.gialai.gov.vn>").await;
    let me = prefer(&server, &org.head, HEAD, "IMMEDIATE").await;
    assert_eq!(me["email"], HEAD);
    assert_eq!(me["notificationMode"], "IMMEDIATE");
    // Two more clerks of the province's office: one opted out, one reads a daily digest.
    let (quiet, _) = server
        .create_account(&org.admin, "tdkt.quiet", "CLERK", &org.province, None)
        .await;
    prefer(&server, &quiet, QUIET, "OFF").await;
    let (digest, _) = server
        .create_account(&org.admin, "tdkt.digest", "CLERK", &org.province, None)
        .await;
    prefer(&server, &digest, DIGEST, "DIGEST").await;

    // Submitted by the head of Phòng Tham mưu: the province's office has new work.
    let (id, version) = org
        .just_submitted(&server, &org.huyen, "Hoàn thành xuất sắc nhiệm vụ năm 2026")
        .await;
    let new_work = mails_to(&mails, OFFICE, 1).await;
    assert_eq!(
        new_work[0].subject,
        "[Laurel] Hồ sơ chờ đồng chí xử lý: Giấy khen – Nguyễn Thị Ngọc Huyền / A nomination awaits you"
    );
    let body = &new_work[0].body;
    assert!(body.starts_with("Kính gửi đồng chí tdkt.cat,"), "{body}");
    assert!(body.contains(&id), "{body}");
    assert!(body.contains("Dear tdkt.cat,"), "{body}");
    assert!(body.contains(&format!("{}/", server.base)), "{body}");

    // A refused change (a stale version) announces nothing.
    let refused = server
        .err(
            Some(&org.office),
            q!("return_nomination"),
            json!({ "input": { "id": id, "expectedVersion": version - 1, "reasons": ["Thiếu tài liệu"] } }),
        )
        .await;
    assert_eq!(refused["extensions"]["code"], "CONFLICT", "{refused}");

    // Returned by the office: the proposing unit hears of it, with the reason.
    server
        .ok(
            Some(&org.office),
            q!("return_nomination"),
            json!({ "input": { "id": id, "expectedVersion": version, "reasons": ["Thiếu báo cáo thành tích có xác nhận"] } }),
        )
        .await;
    let returned = mails_to(&mails, CLERK, 1).await;
    assert!(
        returned[0]
            .subject
            .starts_with("[Laurel] Hồ sơ bị trả lại để bổ sung"),
        "{returned:?}"
    );
    assert!(
        returned[0]
            .body
            .contains("Lý do: Thiếu báo cáo thành tích có xác nhận"),
        "{returned:?}"
    );
    // The office did it, so it is not told; the opted-out clerk never is.
    assert_eq!(count_to(&mails, OFFICE), 1);
    assert_eq!(count_to(&mails, QUIET), 0);

    // The digest reader got nothing yet; the next morning at 07:00 one e-mail lists both.
    assert_eq!(count_to(&mails, DIGEST), 0);
    server.travel(1);
    let digest_mails = mails_to(&mails, DIGEST, 1).await;
    assert!(
        digest_mails[0]
            .subject
            .starts_with("[Laurel] Bản tin công việc ngày "),
        "{digest_mails:?}"
    );
    assert!(
        digest_mails[0]
            .body
            .contains("- Hồ sơ chờ đồng chí xử lý: Giấy khen")
    );

    // What each account was told is listed for it.
    let listed = server
        .ok(
            Some(&org.office),
            q!("my_notifications"),
            json!({ "first": 10 }),
        )
        .await["myNotifications"]
        .clone();
    assert_eq!(listed[0]["reason"], "NEW_WORK", "{listed}");
    assert_eq!(listed[0]["status"], "SENT", "{listed}");
    assert_eq!(listed[0]["nominationId"], json!(id));
    let quiet_list = server
        .ok(Some(&quiet), q!("my_notifications"), json!({}))
        .await["myNotifications"]
        .clone();
    assert_eq!(quiet_list, json!([]));

    assert_eq!(count_to(&mails, QUIET), 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overdue_stages_and_decisions_are_told_once() {
    let (server, mails, org) = mailing("laurel@congan.gialai.gov.vn").await;
    prefer(&server, &org.head, HEAD, "IMMEDIATE").await;
    let (id, _) = org
        .just_submitted(&server, &org.huyen, "Phá án xuất sắc")
        .await;
    mails_to(&mails, OFFICE, 1).await;
    // Weeks later the reception stage is overdue: the office is told once, however many
    // sweeps run.
    server.travel(30);
    let overdue = mails_to(&mails, OFFICE, 2).await;
    assert!(
        overdue[1]
            .subject
            .starts_with("[Laurel] Đã quá hạn xử lý: Giấy khen"),
        "{overdue:?}"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(count_to(&mails, OFFICE), 2);

    // Taken through review and signed: whoever drafted and submitted it hears of the decision.
    let nomination = server
        .ok(Some(&org.office), q!("nomination"), json!({ "id": id }))
        .await;
    let version = nomination["nomination"]["version"].as_i64().unwrap();
    let version = org.review(&server, &id, version).await;
    server
        .ok(
            Some(&org.signer),
            q!("sign_decision"),
            json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } }),
        )
        .await;
    for to in [CLERK, HEAD] {
        let got = mails_to(&mails, to, 1).await;
        assert!(
            got.iter().any(|m| m
                .subject
                .starts_with("[Laurel] Đã có quyết định khen thưởng")),
            "{to}: {got:?}"
        );
    }

    // Bad input changes nothing and says why, in both languages.
    let bad = server
        .err(
            Some(&org.clerk),
            q!("set_notification_preferences"),
            json!({ "input": { "email": "van.thu.ptm" } }),
        )
        .await;
    assert_eq!(bad["extensions"]["code"], "VALIDATION", "{bad}");
    // Only an administrator sets another account's.
    let office_id = org.accounts["tdkt.cat"].clone();
    let forbidden = server
        .err(
            Some(&org.clerk),
            q!("set_notification_preferences"),
            json!({ "input": { "accountId": office_id, "mode": "OFF" } }),
        )
        .await;
    assert_eq!(forbidden["extensions"]["code"], "FORBIDDEN", "{forbidden}");
    let by_admin = server
        .ok(
            Some(&org.admin),
            q!("set_notification_preferences"),
            json!({ "input": { "accountId": office_id, "mode": "DIGEST" } }),
        )
        .await;
    assert_eq!(by_admin["setNotificationPreferences"]["email"], OFFICE);
    assert_eq!(
        by_admin["setNotificationPreferences"]["notificationMode"],
        "DIGEST"
    );
    // New work for the office now waits for the morning digest…
    let before = count_to(&mails, OFFICE);
    let someone = org.person(&server, "Lê Thị Vệ").await;
    org.just_submitted(&server, &someone, "Thành tích chờ bản tin")
        .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(count_to(&mails, OFFICE), before);
    // …until the office chooses to hear at once: then it goes out.
    prefer(&server, &org.office, OFFICE, "IMMEDIATE").await;
    let got = mails_to(&mails, OFFICE, before + 1).await;
    assert!(
        got.last()
            .unwrap()
            .subject
            .starts_with("[Laurel] Hồ sơ chờ đồng chí xử lý"),
        "{got:?}"
    );
    server.stop().await;
}
