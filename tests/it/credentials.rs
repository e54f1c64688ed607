//! Open Badges 3.0: every signed certificate is also an `OpenBadgeCredential`, a JWT signed
//! with the issuer's key, whose key, profile and award are published under the issuer's id,
//! and whose annulment is published in a signed Bitstring Status List. An independent
//! verifier (openbadgeslib, Python; `tests/ob3/verify.py`) accepts it, refuses it tampered,
//! and refuses it once annulled.

use std::io::Read as _;

use data_encoding::BASE64URL_NOPAD;
use laurel_tests::{Org, TestServer, q};
use serde_json::{Value, json};

async fn get(server: &TestServer, url: &str) -> reqwest::Response {
    server.http().get(url).send().await.unwrap()
}

/// A JWT's header and payload, and whether its signature is the JWK's over both.
fn open(token: &str, jwk: &Value) -> (Value, Value, bool) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    let decode = |part: &str| -> Value {
        serde_json::from_slice(&BASE64URL_NOPAD.decode(part.as_bytes()).unwrap()).unwrap()
    };
    let valid = laurel_gateway::keys::verify(
        jwk["x"].as_str().unwrap(),
        format!("{}.{}", parts[0], parts[1]).as_bytes(),
        parts[2],
    );
    (decode(parts[0]), decode(parts[1]), valid)
}

/// The bit of a status list credential's list at `index`.
fn status_bit(list_credential: &Value, index: usize) -> bool {
    let encoded = list_credential["credentialSubject"]["encodedList"]
        .as_str()
        .unwrap();
    let compressed = BASE64URL_NOPAD
        .decode(encoded.strip_prefix('u').unwrap().as_bytes())
        .unwrap();
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_end(&mut bits)
        .unwrap();
    assert!(bits.len() >= 16 * 1024, "herd privacy: 16 KiB at least");
    bits[index / 8] & (0x80 >> (index % 8)) != 0
}

/// What the independent verifier says of `token`; `None` when it is not installed outside CI
/// (`.ci/run` installs it, and there its absence fails the test).
async fn independent(token: &str) -> Option<Value> {
    let Some(python) = std::env::var_os("LAUREL_OB3_PYTHON") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set LAUREL_OB3_PYTHON to a Python with openbadgeslib"
        );
        eprintln!("LAUREL_OB3_PYTHON is not set: the independent verifier is skipped outside CI");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("credential.jwt");
    std::fs::write(&file, token).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/ob3/verify.py");
    // The server answers on this runtime's other thread while the verifier fetches.
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(script)
            .arg(&file)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verdict: Value = serde_json::from_slice(&output.stdout).unwrap();
    eprintln!("openbadgeslib: {verdict}");
    Some(verdict)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_is_an_open_badge_that_verifies_abroad_until_annulled() {
    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let (nomination, decision, certificate) = org.certified(&server, "Đặng Quốc Bảo").await;
    let code = certificate["code"].as_str().unwrap().replace('-', "");
    let golden = usize::try_from(certificate["goldenBookNumber"].as_i64().unwrap()).unwrap();

    // The verification page links the credential.
    let verification: Value = server
        .http()
        .get(format!("{}/verify/{code}", server.base))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = verification["credentialUrl"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("{}/credentials/{code}.jwt", server.base));
    let response = get(&server, &url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/vc+jwt"
    );
    let token = response.text().await.unwrap();
    // The same certificate gives the same bytes.
    assert_eq!(get(&server, &url).await.text().await.unwrap(), token);

    // The header names its key by a URL under the issuer, which answers with the JWK.
    let issuer = format!("{}/issuers/{}", server.base, org.province);
    let header: Value = serde_json::from_slice(
        &BASE64URL_NOPAD
            .decode(token.split('.').next().unwrap().as_bytes())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "JWT");
    let kid = header["kid"].as_str().unwrap();
    assert!(kid.starts_with(&format!("{issuer}/keys/ed25519-")), "{kid}");
    let jwk: Value = get(&server, kid).await.json().await.unwrap();
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    assert_eq!(jwk["kid"], kid);
    let (_, credential, signature_valid) = open(&token, &jwk);
    assert!(signature_valid);

    // The credential: OB 3.0 on VCDM 2.0, what the paper says and nothing more.
    assert_eq!(
        credential["@context"],
        json!([
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ])
    );
    assert_eq!(
        credential["type"],
        json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    assert_eq!(credential["id"], format!("{}/verify/{code}", server.base));
    assert_eq!(credential["jti"], credential["id"]);
    assert_eq!(credential["issuer"]["id"], issuer);
    assert_eq!(credential["iss"], issuer);
    assert_eq!(
        credential["issuer"]["name"],
        "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI"
    );
    let subject = &credential["credentialSubject"];
    assert_eq!(subject["identifier"][0]["identityHash"], "Đặng Quốc Bảo");
    assert_eq!(subject["identifier"][0]["identityType"], "name");
    assert_eq!(subject["achievement"]["name"], "Giấy khen");
    assert_eq!(
        credential["evidence"][0]["narrative"],
        "Hoàn thành xuất sắc nhiệm vụ năm 2026"
    );
    let text = credential.to_string();
    assert!(
        !text.contains(&nomination) && !text.contains(&decision),
        "no database ids: {text}"
    );
    // Its award and its issuer are published where its ids point.
    let achievement = get(&server, subject["achievement"]["id"].as_str().unwrap()).await;
    assert_eq!(achievement.status(), 200);
    let achievement: Value = achievement.json().await.unwrap();
    assert_eq!(achievement["name"], "Giấy khen");
    let profile: Value = get(&server, &issuer).await.json().await.unwrap();
    assert_eq!(profile["type"], json!(["Profile"]));
    assert_eq!(profile["id"], issuer);

    // Its status: bit number `golden` of the issuer's list of the year, off while valid.
    let status = &credential["credentialStatus"];
    assert_eq!(status["type"], "BitstringStatusListEntry");
    assert_eq!(status["statusPurpose"], "revocation");
    assert_eq!(status["statusListIndex"], golden.to_string());
    let list_url = status["statusListCredential"].as_str().unwrap().to_owned();
    assert!(
        list_url.starts_with(&format!("{issuer}/status/")),
        "{list_url}"
    );
    let list_token = get(&server, &list_url).await.text().await.unwrap();
    let (_, list, list_signed) = open(&list_token, &jwk);
    assert!(list_signed);
    assert_eq!(
        list["type"],
        json!(["VerifiableCredential", "BitstringStatusListCredential"])
    );
    assert_eq!(list["issuer"]["id"], issuer);
    assert!(!status_bit(&list, golden));

    // The independent verifier accepts it, and refuses it with another name in it.
    if let Some(verdict) = independent(&token).await {
        assert_eq!(verdict["result"], "VERIFIED", "{verdict}");
        assert_eq!(verdict["issuer"], issuer);
        assert_eq!(verdict["achievement"], "Giấy khen");
        assert_eq!(verdict["statusEntries"], 1);
        let parts: Vec<&str> = token.split('.').collect();
        let forged_payload =
            String::from_utf8(BASE64URL_NOPAD.decode(parts[1].as_bytes()).unwrap())
                .unwrap()
                .replace("Đặng Quốc Bảo", "Đặng Quốc Báo");
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            BASE64URL_NOPAD.encode(forged_payload.as_bytes()),
            parts[2]
        );
        let verdict = independent(&forged).await.unwrap();
        assert_eq!(verdict["result"], "REFUSED", "{verdict}");
        assert!(
            verdict["reason"].as_str().unwrap().contains("signature"),
            "{verdict}"
        );
    }

    // Annulled: the credential itself does not change, but its bit is on and it is refused.
    let n = server
        .ok(
            Some(&org.signer),
            q!("nomination"),
            json!({ "id": nomination }),
        )
        .await;
    server
        .ok(
            Some(&org.signer),
            q!("annul_decision"),
            json!({ "input": {
                "decisionId": decision,
                "ground": "B",
                "reason": "Hồ sơ kê khai không đúng sự thật",
                "nominations": [{ "id": nomination, "expectedVersion": n["nomination"]["version"] }],
                "capacity": "KT",
                "signerTitle": "Phó Giám đốc",
            } }),
        )
        .await;
    assert_eq!(get(&server, &url).await.text().await.unwrap(), token);
    let list_token = get(&server, &list_url).await.text().await.unwrap();
    let (_, list, list_signed) = open(&list_token, &jwk);
    assert!(list_signed);
    assert!(status_bit(&list, golden));
    assert!(!status_bit(&list, golden + 1));
    if let Some(verdict) = independent(&token).await {
        assert_eq!(verdict["result"], "REFUSED", "{verdict}");
        assert!(
            verdict["reason"].as_str().unwrap().contains("revocation"),
            "{verdict}"
        );
    }

    // What is not there is not found.
    for missing in [
        format!("{}/credentials/0000000000000000.jwt", server.base),
        format!("{}/credentials/{code}.json", server.base),
        format!("{}/issuers/{}", server.base, org.staff),
        format!("{}/issuers/not-a-unit/status/2026", server.base),
        format!("{issuer}/keys/ed25519-0000000000000000"),
        format!("{issuer}/achievements/NO_SUCH_AWARD"),
    ] {
        assert_eq!(get(&server, &missing).await.status(), 404, "{missing}");
    }
    server.stop().await;
}
