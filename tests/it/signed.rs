//! Signed certificates: each issuer signs with its own Ed25519 key; `/verify/{code}` shows each
//! check; the PDF carries its proof, so `laurel verify --file` checks it offline against the
//! published keys; tampering, a stranger's key and an annulment are all caught; a rotated key
//! keeps verifying what it signed.

use laurel_gateway::keys::{KeySet, Proof};
use laurel_tests::{Org, TestServer, laurel, q};
use serde_json::{Value, json};

async fn verify_json(server: &TestServer, code: &str) -> Value {
    server
        .http()
        .get(format!("{}/verify/{code}", server.base))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn pdf(server: &TestServer, token: &str, certificate: &Value) -> Vec<u8> {
    server
        .pdf(token, certificate["pdfUrl"].as_str().unwrap())
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificates_are_signed_and_verify_online_and_offline() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (nomination, decision, certificate) = org.certified(&server, "Đặng Quốc Bảo").await;
    let code = certificate["code"].as_str().unwrap().replace('-', "");

    // The issuer's key is published.
    let keys: KeySet = server
        .http()
        .get(format!("{}/.well-known/laurel-keys.json", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(keys.keys.len(), 1);
    assert_eq!(keys.keys[0].issuer_code, "CAT");
    assert_eq!(keys.keys[0].crv, "Ed25519");
    assert_eq!(keys.keys[0].issuer_title, "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI");

    // Online: every check passes, and the answer names nothing but what the paper says.
    let online = verify_json(&server, &code).await;
    assert_eq!(online["status"], "VALID", "{online}");
    assert_eq!(
        online["checks"],
        json!({ "codeKnown": true, "signatureValid": true, "keyBelongsToIssuer": true, "notAnnulled": true })
    );
    assert_eq!(online["keyId"], json!(keys.keys[0].kid));
    assert_eq!(online["recipientName"], "Đặng Quốc Bảo");
    let text = online.to_string();
    assert!(
        !text.contains(&nomination) && !text.contains(&decision),
        "{text}"
    );
    // A person opening the QR code's page in a browser reads that it is valid.
    if let Some(status) = status_in_browser(&server, &code).await {
        assert_eq!(status, "valid");
    }

    // Offline: the PDF carries its proof; checked against the published keys.
    let dir = tempfile::tempdir().unwrap();
    let bytes = pdf(&server, &org.office, &certificate).await;
    let file = dir.path().join("giay-khen.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let keys_file = dir.path().join("keys.json");
    std::fs::write(&keys_file, serde_json::to_vec(&keys).unwrap()).unwrap();
    let file_arg = file.to_str().unwrap();
    let keys_arg = keys_file.to_str().unwrap();
    let (out, result) = laurel(&["laurel", "verify", "--file", file_arg, "--keys", keys_arg]).await;
    assert_eq!(result, Ok(()), "{out}");
    assert!(out.contains("\"signatureValid\": true"), "{out}");
    // The decision's PDF and the batch print are not one certificate: they carry no proof,
    // and verify says what to do.
    for path in [
        format!("/decisions/{decision}.pdf"),
        format!("/decisions/{decision}/certificates.pdf"),
    ] {
        let other_file = dir.path().join("khong-phai-giay-khen.pdf");
        std::fs::write(&other_file, server.pdf(&org.office, &path).await).unwrap();
        let (out, result) = laurel(&[
            "laurel",
            "verify",
            "--file",
            other_file.to_str().unwrap(),
            "--keys",
            keys_arg,
        ])
        .await;
        let said = result.unwrap_err();
        assert!(
            said.contains("carries no certificate's proof") && said.contains("by its code"),
            "{path}: {said}\n{out}"
        );
    }
    // And against the server, which also says it is not annulled; and by its code alone.
    let (out, result) = laurel(&[
        "laurel",
        "verify",
        "--file",
        file_arg,
        "--url",
        &server.base,
    ])
    .await;
    assert_eq!(result, Ok(()), "{out}");
    assert!(out.contains("\"notAnnulled\": true"), "{out}");
    let (out, result) = laurel(&["laurel", "verify", "--code", &code, "--url", &server.base]).await;
    assert_eq!(result, Ok(()), "{out}");

    // Tampering: another name in the content, or another signature, fails.
    let proof = Proof::find_in(&bytes).unwrap();
    let mut content: Value = serde_json::from_str(&proof.content).unwrap();
    content["recipient_name"] = json!("Đặng Quốc Báo");
    let flipped = if proof.sig.starts_with('A') { "B" } else { "A" };
    for forged in [
        Proof {
            content: content.to_string(),
            ..proof.clone()
        },
        Proof {
            sig: format!("{flipped}{}", &proof.sig[1..]),
            ..proof.clone()
        },
    ] {
        assert_ne!(forged, proof);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        assert!(text.contains(&proof.keyword()));
        let altered: Vec<u8> = replace(
            &bytes,
            proof.keyword().as_bytes(),
            forged.keyword().as_bytes(),
        );
        std::fs::write(&file, &altered).unwrap();
        let (out, result) =
            laurel(&["laurel", "verify", "--file", file_arg, "--keys", keys_arg]).await;
        assert!(result.unwrap_err().contains("not genuine"), "{out}");
    }
    // A key set without the issuer's key (a stranger's): fails.
    std::fs::write(&file, &bytes).unwrap();
    let mut stranger = keys.clone();
    stranger.keys[0].x = laurel_gateway::keys::generate(
        &laurel_gateway::keys::KeySecret::from_bytes([1; 32]),
        [2; 32],
    )
    .unwrap()
    .public_key;
    std::fs::write(&keys_file, serde_json::to_vec(&stranger).unwrap()).unwrap();
    let (out, result) = laurel(&["laurel", "verify", "--file", file_arg, "--keys", keys_arg]).await;
    assert!(result.is_err(), "{out}");

    // A rotation: the old certificate still verifies; the next one is signed by the new key.
    let rotated = server
        .ok(
            Some(&org.admin),
            q!("rotate_signing_key"),
            json!({ "unitId": org.province }),
        )
        .await["rotateSigningKey"]
        .clone();
    assert_eq!(rotated["generation"], 2);
    assert_eq!(
        verify_json(&server, &code).await["checks"]["signatureValid"],
        true
    );
    let (_, _, second) = org.certified(&server, "Lê Thị Vệ").await;
    let second_code = second["code"].as_str().unwrap().replace('-', "");
    let second_online = verify_json(&server, &second_code).await;
    assert_eq!(second_online["keyId"], rotated["id"], "{second_online}");
    assert_eq!(second_online["checks"]["signatureValid"], true);
    let (out, result) = laurel(&[
        "laurel",
        "verify",
        "--file",
        file_arg,
        "--url",
        &server.base,
    ])
    .await;
    assert_eq!(result, Ok(()), "{out}");

    // Annulled: still genuine, but the page and the command say it was annulled, and by what.
    org.annul(&server, &decision, &nomination).await;
    let annulled = verify_json(&server, &code).await;
    assert_eq!(annulled["status"], "ANNULLED", "{annulled}");
    assert_eq!(annulled["checks"]["notAnnulled"], false);
    assert_eq!(annulled["checks"]["signatureValid"], true);
    assert_eq!(annulled["annulledBy"]["ground"], "B");
    assert!(
        annulled["annulledBy"]["decisionNumber"]
            .as_str()
            .unwrap()
            .contains("QĐ-CAT")
    );
    let html = server
        .http()
        .get(format!("{}/verify/{code}", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"annulled-by\""), "{html}");
    if let Some(status) = status_in_browser(&server, &code).await {
        assert_eq!(status, "annulled");
    }
    let (out, result) = laurel(&[
        "laurel",
        "verify",
        "--file",
        file_arg,
        "--url",
        &server.base,
    ])
    .await;
    assert!(result.unwrap_err().contains("ANNULLED"), "{out}");

    // Its one award annulled, the decision is annulled whole: its certificates are neither
    // printed nor issued again, and each refusal says so by the decision's state.
    let response = server
        .http()
        .get(format!(
            "{}/decisions/{decision}/certificates.pdf",
            server.base
        ))
        .bearer_auth(&org.office)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    let refused: Value = response.json().await.unwrap();
    let extensions = &refused["errors"][0]["extensions"];
    assert_eq!(extensions["code"], "INVALID_TRANSITION", "{refused}");
    assert_eq!(extensions["reason"], "DECISION_ANNULLED", "{refused}");
    let said = extensions["messageEn"].as_str().unwrap();
    assert!(said.contains("was annulled"), "{said}");
    let error = server
        .err(
            Some(&org.office),
            q!("issue_certificates"),
            json!({ "decisionId": decision }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "INVALID_TRANSITION", "{error}");
    assert_eq!(error["extensions"]["reason"], "DECISION_ANNULLED");
    let out_file = dir.path().join("annulled.pdf");
    let (out, result) = laurel(&[
        "laurel",
        "print",
        "--database-url",
        server.database_url(),
        "--decision",
        &decision,
        "--out",
        out_file.to_str().unwrap(),
    ])
    .await;
    let said = result.unwrap_err();
    assert!(said.contains("was annulled"), "{out}{said}");
    assert!(!said.contains("malformed"), "{said}");
    assert!(!out_file.exists());
    server.stop().await;
}

/// The class of the status heading of `/verify/{code}` as headless Chromium renders the page
/// (`valid` or `annulled`); `None` when Chromium is not installed outside CI (`.ci/run`
/// installs it, and there its absence fails the test).
async fn status_in_browser(server: &TestServer, code: &str) -> Option<String> {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(chromium) = chromium else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Debian's chromium for the browser test"
        );
        eprintln!("chromium is not installed: the browser check is skipped outside CI");
        return None;
    };
    let profile = tempfile::tempdir().unwrap();
    let url = format!("{}/verify/{code}", server.base);
    let mut command = std::process::Command::new(chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            &url,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    // The server answers on this runtime's other thread while Chromium loads the page.
    let dom = tokio::task::spawn_blocking(move || {
        let child = command.spawn().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(child.wait_with_output()));
        let output = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("chromium answers within a minute")
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    })
    .await
    .unwrap();
    let at = dom
        .find("id=\"status\"")
        .unwrap_or_else(|| panic!("no status heading in what Chromium rendered: {dom}"));
    let class = dom[at..]
        .split("class=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    Some(class)
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = haystack
        .windows(from.len())
        .position(|w| w == from)
        .unwrap();
    let mut out = haystack[..at].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&haystack[at + from.len()..]);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_are_limited_per_client() {
    let server = TestServer::start().await;
    let mut statuses = Vec::new();
    for _ in 0..laurel_gateway::server::VERIFY_PER_MINUTE + 5 {
        let response = server
            .http()
            .get(format!("{}/verify/ABCDEFGHJKMNPQRS", server.base))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            assert_eq!(response.headers()["retry-after"], "60");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["status"], "RATE_LIMITED");
            assert!(
                body["messageVi"]
                    .as_str()
                    .unwrap()
                    .contains("Tra cứu quá nhiều lần")
            );
            assert!(
                body["messageEn"]
                    .as_str()
                    .unwrap()
                    .contains("Too many lookups")
            );
        }
    }
    // An unknown code answers 404 (or 400 when it cannot be a code) until the client's minute
    // is used up; then 429.
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert!(limited >= 4, "{statuses:?}");
    assert!(
        statuses[..laurel_gateway::server::VERIFY_PER_MINUTE as usize - 5]
            .iter()
            .all(|s| *s != 429),
        "{statuses:?}"
    );
    server.stop().await;
}
