//! The integration-test harness: a real Laurel server on port 0 over a fresh database, and a
//! small GraphQL client.
//!
//! The database is a new SQLite file per test, or, when `LAUREL_TEST_DATABASE_URL` names a
//! PostgreSQL server, a new database on it per test (see `laurel_store::testing`).
// Tests read the wall clock to know the day the server (whose clock they may move) lives in.
#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)] // test harness: a panic is the report

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use laurel::{Running, ServeConfig};
use laurel_store::testing::TestDatabase;
use serde_json::{Value, json};

/// A GraphQL operation from `tests/queries/<name>.graphql`.
#[macro_export]
macro_rules! q {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/queries/",
            $name,
            ".graphql"
        ))
    };
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// A clock running `ahead` seconds ahead of the system's.
fn clock(ahead: &Arc<AtomicI64>) -> laurel_gateway::edge::Clock {
    let ahead = Arc::clone(ahead);
    laurel_gateway::edge::Clock::new(move || {
        time::OffsetDateTime::now_utc() + time::Duration::seconds(ahead.load(Ordering::SeqCst))
    })
}

/// The password every test account ends up with.
pub const PASSWORD: &str = "mật-khẩu-thử-nghiệm-2024";

/// A server under test.
#[derive(Debug)]
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The first administrator's one-time password.
    pub admin_password: String,
    client: reqwest::Client,
    running: Option<Running>,
    db: Option<TestDatabase>,
    url: String,
    documents: std::path::PathBuf,
    _documents_dir: Option<tempfile::TempDir>,
    /// Seconds the server's clock runs ahead of the system's (shared with twins).
    ahead: Arc<AtomicI64>,
}

impl TestServer {
    /// Starts a server on a fresh database.
    pub async fn start() -> TestServer {
        TestServer::start_with(|_| {}).await
    }

    /// Starts a server on a fresh database, with `configure` applied to its configuration.
    pub async fn start_with(configure: impl FnOnce(&mut ServeConfig)) -> TestServer {
        let db = TestDatabase::empty().await.unwrap();
        let documents_dir = tempfile::tempdir().unwrap();
        TestServer::start_on(db, documents_dir, None, configure).await
    }

    /// Runs `laurel seed --demo` on a fresh database, then starts a server on it. Returns the
    /// server and what the command printed.
    pub async fn start_demo() -> (TestServer, String) {
        let db = TestDatabase::empty().await.unwrap();
        let documents_dir = tempfile::tempdir().unwrap();
        let documents = documents_dir.path().to_str().unwrap().to_owned();
        let key_secret = format!("{documents}/key-secret");
        let (said, result) = laurel(&[
            "laurel",
            "seed",
            "--demo",
            "--database-url",
            &db.url,
            "--documents-dir",
            &documents,
            "--key-secret-file",
            &key_secret,
        ])
        .await;
        result.unwrap();
        let admin_password = said
            .lines()
            .find_map(|l| l.split("one-time password: ").nth(1))
            .unwrap()
            .trim()
            .to_owned();
        let server = TestServer::start_on(db, documents_dir, Some(admin_password), |_| {}).await;
        (server, said)
    }

    /// Starts a server on `db`; `admin_password` is the administrator's one-time password when
    /// the database has one already (otherwise the server makes the administrator).
    pub async fn start_on(
        db: TestDatabase,
        documents_dir: tempfile::TempDir,
        admin_password: Option<String>,
        configure: impl FnOnce(&mut ServeConfig),
    ) -> TestServer {
        let documents = documents_dir.path().to_path_buf();
        let ahead = Arc::new(AtomicI64::new(0));
        let mut config = ServeConfig::new(&db.url, "127.0.0.1:0".parse().unwrap());
        config.documents_dir = documents.clone();
        config.key_secret_file = documents.join("key-secret");
        config.clock = clock(&ahead);
        // Sessions outlive any travel in time a test makes.
        config.session_ttl = time::Duration::days(3650);
        configure(&mut config);
        let running = laurel::start(config).await.unwrap();
        let admin_password =
            admin_password.unwrap_or_else(|| running.bootstrap.as_ref().unwrap().password.clone());
        TestServer {
            base: format!("http://{}", running.addr),
            admin_password,
            client: client(),
            running: Some(running),
            url: db.url.clone(),
            db: Some(db),
            documents,
            _documents_dir: Some(documents_dir),
            ahead,
        }
    }

    /// A second, independent server (its own pool, own port) on this server's database: what
    /// two gateway processes sharing one database look like.
    pub async fn twin(&self) -> TestServer {
        let mut config = ServeConfig::new(&self.url, "127.0.0.1:0".parse().unwrap());
        config.documents_dir = self.documents.clone();
        config.key_secret_file = self.documents.join("key-secret");
        config.clock = clock(&self.ahead);
        config.session_ttl = time::Duration::days(3650);
        let running = laurel::start(config).await.unwrap();
        assert!(
            running.bootstrap.is_none(),
            "one administrator per database"
        );
        TestServer {
            base: format!("http://{}", running.addr),
            admin_password: self.admin_password.clone(),
            client: client(),
            running: Some(running),
            url: self.url.clone(),
            db: None,
            documents: self.documents.clone(),
            _documents_dir: None,
            ahead: Arc::clone(&self.ahead),
        }
    }

    /// Moves the server's clock (and its twins') `days` days forward: deadlines pass, notices
    /// close.
    pub fn travel(&self, days: i64) {
        self.ahead.fetch_add(days * 86_400, Ordering::SeqCst);
    }

    /// Moves the server's clock (and its twins') `seconds` seconds forward: leases lapse.
    pub fn travel_seconds(&self, seconds: i64) {
        self.ahead.fetch_add(seconds, Ordering::SeqCst);
    }

    /// The first working day on or after `day`, by the server's calendar.
    pub async fn working_day_from(&self, token: &str, mut day: time::Date) -> time::Date {
        loop {
            let calendar = self
                .ok(Some(token), q!("calendar"), json!({ "year": day.year() }))
                .await;
            let listed = calendar["calendar"]["days"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["date"] == day.to_string())
                .map(|d| d["kind"].clone());
            let weekend = matches!(
                day.weekday(),
                time::Weekday::Saturday | time::Weekday::Sunday
            );
            let working = match listed {
                Some(kind) => kind == "WORKING",
                None => !weekend,
            };
            if working {
                return day;
            }
            day = day.next_day().unwrap();
        }
    }

    /// Today in Vietnam by the server's clock.
    pub fn today(&self) -> time::Date {
        (time::OffsetDateTime::now_utc()
            + time::Duration::seconds(self.ahead.load(Ordering::SeqCst)))
        .to_offset(time::macros::offset!(+7))
        .date()
    }

    /// The directory the server keeps its documents in.
    pub fn documents_dir(&self) -> &std::path::Path {
        &self.documents
    }

    /// The database URL the server uses.
    pub fn database_url(&self) -> &str {
        &self.url
    }

    /// The store the server runs on (the same pool: closing it cuts the server off its
    /// database).
    pub fn store(&self) -> &laurel_store::Store {
        &self.running.as_ref().unwrap().store
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }

    /// GETs a PDF at `path` (from the server's base, or a whole URL) as `token`: it must answer
    /// 200 with `application/pdf`.
    pub async fn pdf(&self, token: &str, path: &str) -> Vec<u8> {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        let response = self
            .client
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let kind = response.headers().get("content-type").cloned();
        let body = response.bytes().await.unwrap().to_vec();
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        assert_eq!(
            kind.as_ref().map(|k| k.as_bytes()),
            Some(&b"application/pdf"[..]),
            "{path}"
        );
        body
    }

    /// POSTs a GraphQL operation and returns the whole response body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        response.json().await.unwrap()
    }

    /// Runs an operation that must succeed; returns `data`.
    pub async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        assert!(
            body.get("errors").is_none(),
            "unexpected errors: {}",
            serde_json::to_string_pretty(&body).unwrap()
        );
        body["data"].clone()
    }

    /// Runs an operation that must fail; returns its first error.
    pub async fn err(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.gql(token, query, variables).await;
        let error = body["errors"][0].clone();
        assert!(
            error.is_object(),
            "expected an error, got {}",
            serde_json::to_string_pretty(&body).unwrap()
        );
        for key in ["code", "messageVi", "messageEn"] {
            assert!(
                error["extensions"][key].is_string(),
                "error without {key}: {error}"
            );
        }
        error
    }

    /// Logs in; returns the bearer token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let data = self
            .ok(
                None,
                q!("login"),
                json!({ "username": username, "password": password }),
            )
            .await;
        data["login"]["token"].as_str().unwrap().to_string()
    }

    /// Logs in as the first administrator and replaces the one-time password.
    pub async fn admin(&self) -> String {
        let token = self.login("admin", &self.admin_password).await;
        self.ok(
            Some(&token),
            q!("change_password"),
            json!({ "current": self.admin_password, "new": PASSWORD }),
        )
        .await;
        token
    }

    /// Stops the server (the database stays until the last handle on it is dropped). Before it
    /// does, the database of a test's own server is checked: every nomination's events fold back
    /// into its stored row, and the audit log verifies.
    pub async fn stop(self) {
        if self.db.is_some() {
            check_history(&self.url).await;
        }
        self.stop_unchecked().await;
    }

    /// Stops the server without checking its history (for tests that tamper with it).
    pub async fn stop_unchecked(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.unwrap();
        }
        drop(self.db.take());
    }
}

impl TestServer {
    /// Creates a unit (as an administrator); returns its id.
    pub async fn create_unit(
        &self,
        admin: &str,
        name: &str,
        code: &str,
        head_title: &str,
        parent: Option<&str>,
    ) -> String {
        let data = self
            .ok(
                Some(admin),
                q!("create_unit"),
                json!({ "input": { "name": name, "code": code, "headTitle": head_title, "place": "Gia Lai", "parentId": parent } }),
            )
            .await;
        data["createUnit"]["unit"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Records a person (as `token`); returns their id.
    pub async fn create_person(
        &self,
        token: &str,
        full_name: &str,
        rank: Option<&str>,
        position: Option<&str>,
        unit: &str,
    ) -> String {
        let data = self
            .ok(
                Some(token),
                q!("create_person"),
                json!({ "input": { "fullName": full_name, "rank": rank, "position": position, "unitId": unit } }),
            )
            .await;
        data["createPerson"]["person"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Creates an account holding `role` at `unit` (as an administrator) and logs it in;
    /// returns (token, account id).
    pub async fn create_account(
        &self,
        admin: &str,
        username: &str,
        role: &str,
        unit: &str,
        person: Option<&str>,
    ) -> (String, String) {
        let created = self
            .ok(
                Some(admin),
                q!("create_account"),
                json!({ "input": { "username": username, "password": PASSWORD, "personId": person, "mustChangePassword": false } }),
            )
            .await;
        let account = created["createAccount"]["account"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        self.ok(
            Some(admin),
            q!("grant_role"),
            json!({ "input": { "accountId": account, "role": role, "unitId": unit } }),
        )
        .await;
        (self.login(username, PASSWORD).await, account)
    }
}

/// A small organisation: the provincial police with two departments, and one account per role.
#[derive(Debug)]
pub struct Org {
    /// Administrator's token.
    pub admin: String,
    /// The issuer: Công an tỉnh Gia Lai (code CAT), or Chính phủ (CP) in [`Org::government`].
    pub province: String,
    /// Phòng Tham mưu (code PTM), under the province.
    pub staff: String,
    /// Phòng Cảnh sát hình sự (code PC02), under the province.
    pub police: String,
    /// A person in Phòng Tham mưu whose name was sent in NFD.
    pub huyen: String,
    /// A person in Phòng Cảnh sát hình sự.
    pub other_person: String,
    /// Clerk of Phòng Tham mưu.
    pub clerk: String,
    /// Head of Phòng Tham mưu.
    pub head: String,
    /// Head of Phòng Cảnh sát hình sự.
    pub other_head: String,
    /// Deputy director signing for Công an tỉnh Gia Lai (KT. GIÁM ĐỐC).
    pub signer: String,
    /// Clerk of the province's emulation office: receives and appraises.
    pub office: String,
    /// Secretary of the province's council: records its outcomes.
    pub secretary: String,
    /// Account ids by username.
    pub accounts: std::collections::BTreeMap<&'static str, String>,
}

/// The units, people and accounts of an [`Org`].
struct Tree {
    /// The issuer: name, code, its head's title.
    top: (&'static str, &'static str, &'static str),
    /// The proposing unit under it.
    staff: (&'static str, &'static str, &'static str),
    /// Another unit under it.
    police: (&'static str, &'static str, &'static str),
    /// A person of `staff` (name sent in NFD), rank, position.
    huyen: (&'static str, &'static str, &'static str),
    /// A person of `police`.
    other_person: (&'static str, &'static str, &'static str),
    /// The signing deputy of `top`: name, rank, position.
    deputy: (&'static str, Option<&'static str>, &'static str),
    /// Clerk and head of `staff`, head of `police`, signer, emulation clerk and council
    /// secretary of `top`.
    usernames: [&'static str; 6],
}

const GIA_LAI: Tree = Tree {
    top: ("Công an tỉnh Gia Lai", "CAT", "Giám đốc"),
    staff: ("Phòng Tham mưu", "PTM", "Trưởng phòng"),
    police: ("Phòng Cảnh sát hình sự", "PC02", "Trưởng phòng"),
    huyen: ("Nguyễn Thị Ngọc Huyền", "Đại úy", "Phó Trưởng phòng"),
    other_person: ("Rơ Mah Thị Hằng", "Thượng úy", "Điều tra viên"),
    deputy: ("Nguyễn Hữu Bình", Some("Đại tá"), "Phó Giám đốc"),
    usernames: [
        "clerk.ptm",
        "head.ptm",
        "head.pc02",
        "pgd.binh",
        "tdkt.cat",
        "thuky.hd",
    ],
};

const GOVERNMENT: Tree = Tree {
    top: ("Chính phủ", "CP", "Thủ tướng"),
    staff: ("Bộ Công an", "BCA", "Bộ trưởng"),
    police: ("Bộ Nội vụ", "BNV", "Bộ trưởng"),
    huyen: ("Lê Thị Thu Trang", "Thượng tá", "Phó Cục trưởng"),
    other_person: ("Đỗ Văn Nam", "Chuyên viên chính", "Phó Vụ trưởng"),
    deputy: ("Phạm Quang Minh", None, "Phó Thủ tướng"),
    usernames: [
        "clerk.bca",
        "head.bca",
        "head.bnv",
        "ptt.minh",
        "tdkt.tw",
        "thuky.tw",
    ],
};

/// The smallest file recognised as a PDF by its content.
pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

impl TestServer {
    /// Sends an `attachDocument` as a GraphQL multipart request; returns the whole body.
    pub async fn upload(
        &self,
        token: Option<&str>,
        input: Value,
        filename: &str,
        content: &[u8],
    ) -> Value {
        let operations = json!({
            "query": q!("attach_document"),
            "variables": { "input": input },
        });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.input.file"] }).to_string())
            .part(
                "0",
                reqwest::multipart::Part::bytes(content.to_vec()).file_name(filename.to_string()),
            );
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .multipart(form);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap().json().await.unwrap()
    }
}

impl Org {
    /// Attaches, as the clerk, every part the nomination's dossier is missing (a small PDF
    /// each).
    pub async fn attach_dossier(&self, server: &TestServer, id: &str) {
        let dossier = server
            .ok(
                Some(&self.clerk),
                q!("nomination_dossier"),
                json!({ "id": id }),
            )
            .await;
        let missing: Vec<String> = dossier["nomination"]["dossier"]["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        for kind in missing {
            let body = server
                .upload(
                    Some(&self.clerk),
                    json!({ "nominationId": id, "kind": kind, "file": null }),
                    &format!("{}.pdf", kind.to_lowercase()),
                    PDF,
                )
                .await;
            assert!(body.get("errors").is_none(), "upload {kind}: {body}");
        }
    }

    /// The issuer's office receives a submitted nomination waiting for it and appraises it
    /// `ELIGIBLE`; returns the appraised nomination (`version`, `stage { kind }`).
    pub async fn receive_and_appraise(&self, server: &TestServer, id: &str, version: i64) -> Value {
        let received = server
            .ok(
                Some(&self.office),
                q!("receive_nomination"),
                json!({ "input": { "id": id, "expectedVersion": version } }),
            )
            .await;
        let version = &received["receiveNomination"]["nomination"]["version"];
        let appraised = server
            .ok(
                Some(&self.office),
                q!("appraise_nomination"),
                json!({ "input": { "id": id, "expectedVersion": version, "verdict": "ELIGIBLE", "notes": "Đủ điều kiện" } }),
            )
            .await;
        appraised["appraiseNomination"]["nomination"].clone()
    }

    /// Takes a submitted nomination waiting at the issuer's office through reception,
    /// appraisal, its public notice and its consultation if its award has them, and the
    /// council; returns its version at the SIGN stage.
    pub async fn review(&self, server: &TestServer, id: &str, version: i64) -> i64 {
        let appraised = &self.receive_and_appraise(server, id, version).await;
        let mut version = appraised["version"].as_i64().unwrap();
        let mut stage = appraised["stage"]["kind"].as_str().unwrap().to_owned();
        if stage == "PUBLIC_NOTICE" {
            // An award noticed publicly (a title, a flag): the clock moves past the notice's last
            // day (working days, so Tết makes it longer) and the office closes it.
            let notice = server
                .ok(
                    Some(&self.office),
                    "query($id: ID!) { nomination(id: $id) { noticeClosesOn } }",
                    json!({ "id": id }),
                )
                .await;
            let closes = time::Date::parse(
                notice["nomination"]["noticeClosesOn"].as_str().unwrap(),
                &time::format_description::well_known::Iso8601::DATE,
            )
            .unwrap();
            server.travel((closes - server.today()).whole_days() + 1);
            let closed = server
                .ok(
                    Some(&self.office),
                    "mutation($input: NominationVersionInput!) { closePublicNotice(input: $input) { nomination { version stage { kind } } } }",
                    json!({ "input": { "id": id, "expectedVersion": version } }),
                )
                .await;
            let closed = &closed["closePublicNotice"]["nomination"];
            version = closed["version"].as_i64().unwrap();
            stage = closed["stage"]["kind"].as_str().unwrap().to_owned();
        }
        if stage == "CONSULT" {
            // An award the Prime Minister decides: the office closes the consultation (hiệp y)
            // with no body asked.
            let closed = server
                .ok(
                    Some(&self.office),
                    "mutation($input: NominationVersionInput!) { closeConsultation(input: $input) { nomination { version } } }",
                    json!({ "input": { "id": id, "expectedVersion": version } }),
                )
                .await;
            version = closed["closeConsultation"]["nomination"]["version"]
                .as_i64()
                .unwrap();
        }
        let voted = server
            .ok(
                Some(&self.secretary),
                q!("record_council_outcome"),
                json!({ "input": { "id": id, "expectedVersion": version, "members": 7, "present": 7, "votesFor": 7, "votesAgainst": 0 } }),
            )
            .await;
        let n = &voted["recordCouncilOutcome"]["nomination"];
        assert_eq!(n["stage"]["kind"], "SIGN", "{n}");
        n["version"].as_i64().unwrap()
    }
}

/// `s` in Unicode NFD, as macOS keyboards produce it.
/// The text of a PDF as pdftotext (poppler-utils) reads it.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

/// Each page's size of a PDF in whole millimetres, as pdfinfo (poppler-utils) reads it.
pub fn pdf_page_sizes(pdf: &[u8]) -> Vec<(u32, u32)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdfinfo")
        .args(["-f", "1", "-l", "100000"])
        .arg(&path)
        .output()
        .expect("pdfinfo (poppler-utils) must be installed");
    assert!(output.status.success());
    let mm = |pt: &str| (pt.parse::<f64>().unwrap() * 25.4 / 72.0).round() as u32;
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|line| line.starts_with("Page ") && line.contains(" size: "))
        .map(|line| {
            let words: Vec<&str> = line
                .split(": ")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .collect();
            (mm(words[0]), mm(words[2]))
        })
        .collect()
}

/// The text of one page of a PDF (from 1), as pdftotext reads it.
pub fn pdf_page_text(pdf: &[u8], page: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let page = page.to_string();
    let output = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-f", &page, "-l", &page])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

pub fn nfd(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}

impl Org {
    /// Creates the organisation through the API.
    pub async fn create(server: &TestServer) -> Org {
        Org::create_tree(server, &GIA_LAI).await
    }

    /// The Government (Chính phủ, code CP) as the issuer, with Bộ Công an (BCA) and Bộ Nội vụ
    /// (BNV) under it: for the awards the Prime Minister decides. `huyen` is a Bộ Công an
    /// officer; `signer` a Deputy Prime Minister (KT. THỦ TƯỚNG); `office` the Central
    /// Emulation and Commendation Board's clerk.
    pub async fn government(server: &TestServer) -> Org {
        Org::create_tree(server, &GOVERNMENT).await
    }

    async fn create_tree(server: &TestServer, tree: &Tree) -> Org {
        let admin = server.admin().await;
        let (name, code, head) = tree.top;
        let province = server.create_unit(&admin, name, code, head, None).await;
        let (name, code, head) = tree.staff;
        let staff = server
            .create_unit(&admin, name, code, head, Some(&province))
            .await;
        let (name, code, head) = tree.police;
        let police = server
            .create_unit(&admin, name, code, head, Some(&province))
            .await;
        let (name, rank, position) = tree.huyen;
        let huyen = server
            .create_person(&admin, &nfd(name), Some(rank), Some(position), &staff)
            .await;
        let (name, rank, position) = tree.other_person;
        let other_person = server
            .create_person(&admin, name, Some(rank), Some(position), &police)
            .await;
        let (name, rank, position) = tree.deputy;
        let deputy = server
            .create_person(&admin, name, rank, Some(position), &province)
            .await;
        let mut accounts = std::collections::BTreeMap::new();
        let mut tokens = Vec::new();
        let [clerk, head, other_head, signer, office, secretary] = tree.usernames;
        for (username, role, unit, person) in [
            (clerk, "CLERK", &staff, None),
            (head, "UNIT_HEAD", &staff, None),
            (other_head, "UNIT_HEAD", &police, None),
            (signer, "SIGNER", &province, Some(deputy.as_str())),
            (office, "CLERK", &province, None),
            (secretary, "COUNCIL_SECRETARY", &province, None),
        ] {
            let (token, id) = server
                .create_account(&admin, username, role, unit, person)
                .await;
            accounts.insert(username, id);
            tokens.push(token);
        }
        let [clerk, head, other_head, signer, office, secretary]: [String; 6] =
            tokens.try_into().unwrap();
        Org {
            admin,
            province,
            staff,
            police,
            huyen,
            other_person,
            clerk,
            head,
            other_head,
            signer,
            office,
            secretary,
            accounts,
        }
    }

    /// Drafts a Giấy khen for `person`, issued by the province; returns (id, version).
    pub async fn draft(
        &self,
        server: &TestServer,
        person: &str,
        achievement: &str,
    ) -> (String, i64) {
        let data = server
            .ok(
                Some(&self.clerk),
                q!("create_nomination"),
                json!({ "input": {
                    "nomineePersonId": person,
                    "awardKind": "GIAY_KHEN",
                    "issuerUnitId": self.province,
                    "period": 2024,
                    "achievement": achievement,
                } }),
            )
            .await;
        let n = &data["createNomination"]["nomination"];
        (
            n["id"].as_str().unwrap().to_string(),
            n["version"].as_i64().unwrap(),
        )
    }

    /// Records a person in Phòng Tham mưu (as its clerk); returns the id.
    pub async fn person(&self, server: &TestServer, full_name: &str) -> String {
        let data = server
            .ok(
                Some(&self.clerk),
                q!("create_person"),
                json!({ "input": { "fullName": full_name, "unitId": self.staff } }),
            )
            .await;
        data["createPerson"]["person"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Drafts a Giấy khen for Huyền and takes it through review to signing; returns (id,
    /// version).
    pub async fn submitted(&self, server: &TestServer, achievement: &str) -> (String, i64) {
        self.submitted_for(server, &self.huyen, achievement).await
    }

    /// Of [`Org::government`]: `huyen`'s record made eligible for the Bằng khen của Thủ tướng
    /// Chính phủ (a Bằng khen bộ/tỉnh in 2019, five years done well with three CSTĐ cơ sở,
    /// Law 06/2022 Art 73.1.b), and the nomination for 2024 drafted, its dossier attached and
    /// submitted by Bộ Công an's head; returns (id, version).
    pub async fn prime_ministers_merit(&self, server: &TestServer) -> (String, i64) {
        let prior = |award: &str, year: i32| {
            json!({ "input": { "nomineePersonId": self.huyen, "awardKind": award, "year": year,
                               "decisionReference": format!("{}/QĐ-BCA", 100 + year - 2000) } })
        };
        let mut priors = vec![prior("BANG_KHEN_BO_TINH", 2019)];
        priors.extend([2020, 2022, 2024].map(|year| prior("CSTD_CO_SO", year)));
        for input in priors {
            server
                .ok(Some(&self.clerk), q!("record_prior_award"), input)
                .await;
        }
        for year in 2020..=2024 {
            server
                .ok(
                    Some(&self.clerk),
                    q!("record_rating"),
                    json!({ "input": { "nomineePersonId": self.huyen, "year": year, "rating": "HTTNV" } }),
                )
                .await;
        }
        let verdict = server
            .ok(
                Some(&self.clerk),
                q!("check_eligibility"),
                json!({ "input": { "nomineePersonId": self.huyen, "awardKind": "BANG_KHEN_THU_TUONG", "period": 2024, "asOf": "2024-12-31" } }),
            )
            .await;
        assert_eq!(
            verdict["checkEligibility"]["verdict"], "ELIGIBLE",
            "{verdict}"
        );
        let created = server
            .ok(
                Some(&self.clerk),
                q!("create_nomination"),
                json!({ "input": { "nomineePersonId": self.huyen, "awardKind": "BANG_KHEN_THU_TUONG", "issuerUnitId": self.province, "period": 2024,
                                   "achievement": "Đã có thành tích xuất sắc trong công tác từ năm 2020 đến năm 2024, góp phần vào sự nghiệp xây dựng chủ nghĩa xã hội và bảo vệ Tổ quốc" } }),
            )
            .await;
        let id = created["createNomination"]["nomination"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        self.attach_dossier(server, &id).await;
        let submitted = server
            .ok(
                Some(&self.head),
                q!("submit_nomination"),
                json!({ "id": id, "expectedVersion": 1 }),
            )
            .await;
        let version = submitted["submitNomination"]["nomination"]["version"]
            .as_i64()
            .unwrap();
        (id, version)
    }

    /// Of [`Org::government`]: [`Org::prime_ministers_merit`] received and appraised by the
    /// office, at its consultation (hiệp y), with a third body, Bộ Quốc phòng (BQP), that has
    /// no account to answer for it; returns (id, version, Bộ Quốc phòng's id).
    pub async fn at_consultation(&self, server: &TestServer) -> (String, i64, String) {
        let (id, version) = self.prime_ministers_merit(server).await;
        let defence = server
            .create_unit(
                &self.admin,
                "Bộ Quốc phòng",
                "BQP",
                "Bộ trưởng",
                Some(&self.province),
            )
            .await;
        let n = &self.receive_and_appraise(server, &id, version).await;
        assert_eq!(n["stage"]["kind"], "CONSULT", "{n}");
        (id, n["version"].as_i64().unwrap(), defence)
    }

    /// Drafts a Giấy khen for `person`, attaches its dossier, submits it and takes it through
    /// reception, appraisal and the council to its SIGN stage; returns (id, version).
    pub async fn submitted_for(
        &self,
        server: &TestServer,
        person: &str,
        achievement: &str,
    ) -> (String, i64) {
        let (id, version) = self.just_submitted(server, person, achievement).await;
        let version = self.review(server, &id, version).await;
        (id, version)
    }

    /// Records `name` in Phòng Tham mưu, takes a Giấy khen for them to a signed decision and
    /// issues its certificate; returns (nomination id, decision id, certificate).
    pub async fn certified(&self, server: &TestServer, name: &str) -> (String, String, Value) {
        let person = self.person(server, name).await;
        let (id, version) = self
            .submitted_for(server, &person, "Hoàn thành xuất sắc nhiệm vụ năm 2026")
            .await;
        let decision = server
            .ok(
                Some(&self.signer),
                q!("sign_decision"),
                json!({ "input": { "nominations": [{ "id": id, "expectedVersion": version }], "capacity": "KT", "signerTitle": "Phó Giám đốc" } }),
            )
            .await["signDecision"]["decision"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let issued = server
            .ok(
                Some(&self.office),
                q!("issue_certificates"),
                json!({ "decisionId": decision }),
            )
            .await;
        let certificate = issued["issueCertificates"]["certificates"][0].clone();
        (id, decision, certificate)
    }

    /// The signer annuls one nomination of `decision` on ground B (Law 06/2022 Art 93.2.b:
    /// false declarations); returns the `annulDecision` answer.
    pub async fn annul(&self, server: &TestServer, decision: &str, nomination: &str) -> Value {
        let n = server
            .ok(
                Some(&self.signer),
                q!("nomination"),
                json!({ "id": nomination }),
            )
            .await;
        server
            .ok(
                Some(&self.signer),
                q!("annul_decision"),
                json!({ "input": {
                    "decisionId": decision,
                    "ground": "B",
                    "reason": "Hồ sơ kê khai không đúng sự thật.",
                    "nominations": [{ "id": nomination, "expectedVersion": n["nomination"]["version"] }],
                    "capacity": "KT",
                    "signerTitle": "Phó Giám đốc",
                } }),
            )
            .await["annulDecision"]
            .clone()
    }

    /// Drafts a Giấy khen for `person`, attaches its dossier and submits it; returns (id,
    /// version), the nomination waiting for the province's office.
    pub async fn just_submitted(
        &self,
        server: &TestServer,
        person: &str,
        achievement: &str,
    ) -> (String, i64) {
        let (id, version) = self.draft(server, person, achievement).await;
        self.attach_dossier(server, &id).await;
        let data = server
            .ok(
                Some(&self.head),
                q!("submit_nomination"),
                json!({ "id": id, "expectedVersion": version }),
            )
            .await;
        (
            id,
            data["submitNomination"]["nomination"]["version"]
                .as_i64()
                .unwrap(),
        )
    }
}

/// Runs the `laurel` command in-process; returns what it printed and whether it succeeded.
pub async fn laurel(args: &[&str]) -> (String, Result<(), String>) {
    use clap::Parser;
    let cli = laurel::cli::Cli::try_parse_from(args).unwrap();
    let mut out = Vec::new();
    let result = laurel::cli::run(cli, &mut out)
        .await
        .map_err(|e| format!("{e:#}"));
    (String::from_utf8(out).unwrap(), result)
}

/// Every nomination's events, read back from the audit log, fold into the nomination as
/// stored; and every audit chain verifies.
pub async fn check_history(url: &str) {
    use laurel_domain::events::{Kind, NominationEvent, fold_nomination};
    use laurel_store::Read;
    let store = laurel_store::Store::connect(url).await.unwrap();
    for id in laurel_store::testing::nomination_ids(&store).await.unwrap() {
        let stored = store.nomination(id).await.unwrap().unwrap().nomination;
        let events: Vec<NominationEvent> = store
            .audit_of(id.0)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.entity == "nomination" && Kind::from_code(&e.action).is_none())
            .map(|e| {
                serde_json::from_value(e.details.clone())
                    .unwrap_or_else(|err| panic!("{} of {id}: {err}", e.action))
            })
            .collect();
        assert_eq!(
            fold_nomination(&events).as_ref(),
            Some(&stored),
            "the events of nomination {id} do not fold into it"
        );
    }
    let report = store.verify_audit().await.unwrap();
    assert_eq!(report.problems, [], "the audit log does not verify");
    store.close().await.unwrap();
}

/// Checks that `body` answers with the code `UNAVAILABLE`, in both languages (each message
/// starting as given) and without any of `driver_words` (lower-case) in the whole answer: what
/// a person is shown when the database cannot serve.
pub fn assert_unavailable(body: &Value, (en, vi): (&str, &str), driver_words: &[&str]) {
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "UNAVAILABLE", "{body}");
    for (key, start) in [("messageEn", en), ("messageVi", vi)] {
        let message = error["extensions"][key].as_str().unwrap_or_default();
        assert!(message.starts_with(start), "{key}: {body}");
    }
    let text = body.to_string().to_lowercase();
    for words in driver_words {
        assert!(!text.contains(words), "{words}: {body}");
    }
}
