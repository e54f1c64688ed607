//! `laurel bench`: prepares its own data on a fresh database, runs Laurel over HTTP the way
//! clients do, and prints one table where each Laurel figure stands beside a baseline measured
//! in the same run, as a ratio.
//!
//! The load generator is in-repo: tokio tasks with reqwest, one connection pool per client,
//! each looping for the given time and recording every request's latency. A GraphQL error
//! inside an HTTP 200 counts as an error, not a success.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use laurel_domain::award::AwardKind;
use laurel_domain::rules::{NomineeFacts, Rulesets};
use serde_json::{Value, json};

use crate::{ServeConfig, start};

/// What to run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// An empty database to run on; a fresh SQLite file in a temporary directory when `None`.
    pub database_url: Option<String>,
    /// How long each measurement runs.
    pub seconds: f64,
    /// The concurrent client counts to measure writes and reads at.
    pub clients: Vec<usize>,
    /// Recipients of the decision the bench takes through the workflow and prints.
    pub recipients: usize,
    /// Certificates in the largest batch laid out in-process (0: none).
    pub batch: usize,
    /// Lines of the XLSX file imported through `importNominations` (0: none).
    pub import_rows: usize,
    /// `laurel serve` processes the write and the read are spread over, beside the one
    /// process (1: no scale-out figures). More than one needs this program's own binary.
    pub processes: usize,
    /// The table sizes (nominations) reads and startup are measured at, the tables filled up
    /// to each in turn (empty or 0: none).
    pub nominations: Vec<usize>,
}

/// One measurement.
#[derive(Debug, Clone, Default)]
struct Stats {
    ops: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Stats {
    fn rate(&self) -> f64 {
        self.ops as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted[at.min(sorted.len() - 1)]
    }
}

/// Runs `op` from `clients` concurrent tasks for `duration`.
async fn measure<F, Fut>(clients: usize, duration: Duration, op: F) -> Stats
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let deadline = Instant::now() + duration;
    measure_while(
        clients,
        move || Instant::now() < deadline,
        move |c, i| {
            let done = op(c, i);
            async move { Some(done.await) }
        },
    )
    .await
}

/// Runs `op` from `clients` concurrent tasks as long as `going()` says so, each until its `op`
/// answers `None` (nothing left to do: not counted).
async fn measure_while<G, F, Fut>(clients: usize, going: G, op: F) -> Stats
where
    G: Fn() -> bool + Clone + Send + 'static,
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Option<bool>> + Send,
{
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..clients {
        let (op, going) = (op.clone(), going.clone());
        tasks.spawn(async move {
            let mut stats = Stats::default();
            let mut i = 0;
            while going() {
                let t = Instant::now();
                let Some(ok) = op(client, i).await else {
                    break;
                };
                stats.latencies.push(t.elapsed());
                stats.ops += 1;
                if !ok {
                    stats.errors += 1;
                }
                i += 1;
            }
            stats
        });
    }
    let mut total = Stats::default();
    while let Some(Ok(s)) = tasks.join_next().await {
        total.ops += s.ops;
        total.errors += s.errors;
        total.latencies.extend(s.latencies);
    }
    total.elapsed = started.elapsed();
    total
}

/// A GraphQL client of the bench's server.
#[derive(Clone)]
struct Gql {
    http: reqwest::Client,
    url: String,
}

impl Gql {
    /// The answer's `data`, or an error (HTTP or GraphQL).
    async fn call(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .post(&self.url)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let body: Value = request.send().await?.error_for_status()?.json().await?;
        if let Some(errors) = body.get("errors") {
            anyhow::bail!("GraphQL error: {errors}");
        }
        Ok(body["data"].clone())
    }

    async fn ok(&self, token: Option<&str>, query: &str, variables: Value) -> bool {
        self.call(token, query, variables).await.is_ok()
    }
}

const PASSWORD: &str = "mat-khau-do-dac-2026";

struct Prepared {
    admin: String,
    clerk: String,
    staff: String,
    province: String,
    people: Vec<String>,
}

/// An administrator, a province with one department, its clerk, and people with draft
/// nominations to read.
async fn prepare(
    gql: &Gql,
    bootstrap_password: &str,
    nominations: usize,
) -> anyhow::Result<Prepared> {
    let login = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }";
    let first = gql
        .call(
            None,
            login,
            json!({ "u": "admin", "p": bootstrap_password }),
        )
        .await?["login"]["token"]
        .as_str()
        .context("no token")?
        .to_owned();
    gql.call(
        Some(&first),
        "mutation($c: String!, $n: String!) { changePassword(input: {currentPassword: $c, newPassword: $n}) { account { username } } }",
        json!({ "c": bootstrap_password, "n": PASSWORD }),
    )
    .await?;
    let admin = gql
        .call(None, login, json!({ "u": "admin", "p": PASSWORD }))
        .await?["login"]["token"]
        .as_str()
        .context("no token")?
        .to_owned();
    let unit = |name: &str, code: &str, parent: Option<&str>| json!({ "input": { "name": name, "code": code, "headTitle": "Giám đốc", "place": "Gia Lai", "parentId": parent } });
    let create_unit =
        "mutation($input: CreateUnitInput!) { createUnit(input: $input) { unit { id } } }";
    let province = gql
        .call(
            Some(&admin),
            create_unit,
            unit("Công an tỉnh Gia Lai", "CAT", None),
        )
        .await?["createUnit"]["unit"]["id"]
        .as_str()
        .context("no unit")?
        .to_owned();
    let staff = gql
        .call(
            Some(&admin),
            create_unit,
            unit("Phòng Tham mưu", "PTM", Some(&province)),
        )
        .await?["createUnit"]["unit"]["id"]
        .as_str()
        .context("no unit")?
        .to_owned();
    let account = gql
        .call(
            Some(&admin),
            "mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } } }",
            json!({ "input": { "username": "clerk.ptm", "password": PASSWORD, "mustChangePassword": false } }),
        )
        .await?["createAccount"]["account"]["id"]
        .as_str()
        .context("no account")?
        .to_owned();
    gql.call(
        Some(&admin),
        "mutation($input: GrantRoleInput!) { grantRole(input: $input) { granted } }",
        json!({ "input": { "accountId": account, "role": "CLERK", "unitId": staff } }),
    )
    .await?;
    let clerk = gql
        .call(None, login, json!({ "u": "clerk.ptm", "p": PASSWORD }))
        .await?["login"]["token"]
        .as_str()
        .context("no token")?
        .to_owned();
    let mut people = Vec::new();
    for i in 0..nominations {
        let person = create_person(gql, &clerk, &staff, i).await?;
        gql.call(
            Some(&clerk),
            "mutation($input: CreateNominationInput!) { createNomination(input: $input) { nomination { id } } }",
            json!({ "input": { "nomineePersonId": person, "awardKind": "GIAY_KHEN", "issuerUnitId": province, "period": 2025, "achievement": "Hoàn thành xuất sắc nhiệm vụ năm 2025" } }),
        )
        .await?;
        people.push(person);
    }
    Ok(Prepared {
        admin,
        clerk,
        staff,
        province,
        people,
    })
}

/// The rows the raw transition baseline moves, round-robin.
const TRANSITION_ROWS: usize = 1_000;

const SUBMIT: &str = "mutation($input: NominationVersionInput!) { submitNomination(input: $input) { nomination { id } } }";

/// An account (of `person`, if given) with one role at a unit, signed in: its token.
async fn account(
    gql: &Gql,
    p: &Prepared,
    username: &str,
    (role, unit): (&str, &str),
    person: Option<&str>,
) -> anyhow::Result<String> {
    let id = gql
        .call(
            Some(&p.admin),
            "mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } } }",
            json!({ "input": { "username": username, "password": PASSWORD, "mustChangePassword": false, "personId": person } }),
        )
        .await?["createAccount"]["account"]["id"]
        .as_str()
        .context("no account")?
        .to_owned();
    gql.call(
        Some(&p.admin),
        "mutation($input: GrantRoleInput!) { grantRole(input: $input) { granted } }",
        json!({ "input": { "accountId": id, "role": role, "unitId": unit } }),
    )
    .await?;
    Ok(gql
        .call(
            None,
            "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { token } }",
            json!({ "u": username, "p": PASSWORD }),
        )
        .await?["login"]["token"]
        .as_str()
        .context("no token")?
        .to_owned())
}

/// `n` drafts of new people of the staff office, imported by its clerk: their ids.
async fn import_drafts(
    gql: &Gql,
    p: &Prepared,
    names: &str,
    n: usize,
) -> anyhow::Result<Vec<String>> {
    let file = import_file(names, n)?;
    let form = reqwest::multipart::Form::new()
        .text(
            "operations",
            json!({ "query": IMPORT, "variables": { "input": { "proposingUnitId": p.staff, "dryRun": false, "file": null } } })
                .to_string(),
        )
        .text("map", json!({ "0": ["variables.input.file"] }).to_string())
        .part("0", reqwest::multipart::Part::bytes(file).file_name("trinh.xlsx"));
    let answer: Value = gql
        .http
        .post(&gql.url)
        .bearer_auth(&p.clerk)
        .multipart(form)
        .send()
        .await?
        .json()
        .await?;
    if answer["data"]["importNominations"]["committed"] != json!(true) {
        anyhow::bail!("importing the transition's drafts: {answer}");
    }
    let ids = answer["data"]["importNominations"]["nominationIds"]
        .as_array()
        .with_context(|| format!("importing drafts: {answer}"))?;
    Ok(ids
        .iter()
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect())
}

async fn create_person(gql: &Gql, token: &str, unit: &str, i: usize) -> anyhow::Result<String> {
    Ok(gql
        .call(
            Some(token),
            CREATE_PERSON,
            json!({ "input": { "fullName": format!("Nguyễn Văn Thứ {i}"), "rank": "Đại úy", "unitId": unit } }),
        )
        .await?["createPerson"]["person"]["id"]
        .as_str()
        .context("no person")?
        .to_owned())
}

const CREATE_PERSON: &str =
    "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }";

/// A multipart GraphQL upload of a one-page PDF into a proposal's dossier.
async fn attach_to_proposal(
    gql: &Gql,
    token: &str,
    proposal: &str,
    kind: &str,
) -> anyhow::Result<()> {
    let operations = json!({
        "query": "mutation($input: AttachDocumentInput!) { attachDocument(input: $input) { document { id } } }",
        "variables": { "input": { "proposalId": proposal, "kind": kind, "file": null } },
    });
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.input.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(pdf.to_vec()).file_name(format!("{kind}.pdf")),
        );
    let body: Value = gql
        .http
        .post(&gql.url)
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if let Some(errors) = body.get("errors") {
        anyhow::bail!("attaching {kind}: {errors}");
    }
    Ok(())
}

/// A signed decision of `n` Giấy khen with its certificates issued, made the way an office
/// does: the clerk drafts and groups them in a proposal with its shared dossier, the unit head
/// submits, the province's office receives and appraises them in bulk, the council's secretary
/// records each outcome, the signer signs the proposal, the office issues the certificates.
/// Returns (decision id, certificate ids).
async fn decided(gql: &Gql, p: &Prepared, n: usize) -> anyhow::Result<(String, Vec<String>)> {
    let signer_person = create_person(gql, &p.admin, &p.province, usize::MAX).await?;
    let mut tokens = Vec::new();
    for (username, role, unit, person) in [
        ("head.ptm", "UNIT_HEAD", &p.staff, None),
        ("tdkt.cat", "CLERK", &p.province, None),
        ("thuky.cat", "COUNCIL_SECRETARY", &p.province, None),
        (
            "giamdoc.cat",
            "SIGNER",
            &p.province,
            Some(signer_person.as_str()),
        ),
    ] {
        tokens.push(account(gql, p, username, (role, unit), person).await?);
    }
    let [head, office, secretary, signer]: [String; 4] = tokens
        .try_into()
        .map_err(|_| anyhow::anyhow!("four accounts"))?;
    let mut drafted = Vec::new();
    for i in 0..n {
        let person = create_person(gql, &p.clerk, &p.staff, 1_000_000 + i).await?;
        let id = gql
            .call(
                Some(&p.clerk),
                "mutation($input: CreateNominationInput!) { createNomination(input: $input) { nomination { id version } } }",
                json!({ "input": { "nomineePersonId": person, "awardKind": "GIAY_KHEN", "issuerUnitId": p.province, "period": 2025, "achievement": "Hoàn thành xuất sắc nhiệm vụ năm 2025, tích cực tham gia phong trào Toàn dân bảo vệ an ninh Tổ quốc" } }),
            )
            .await?["createNomination"]["nomination"]["id"]
            .as_str()
            .context("no nomination")?
            .to_owned();
        drafted.push(json!({ "id": id, "expectedVersion": 1 }));
    }
    let proposal = gql
        .call(
            Some(&p.clerk),
            "mutation($input: CreateProposalInput!) { createProposal(input: $input) { proposal { id nominations { dossier { missing } } } } }",
            json!({ "input": { "issuerUnitId": p.province, "proposingUnitId": p.staff, "nominations": drafted, "number": "1/TTr-PTM" } }),
        )
        .await?["createProposal"]["proposal"]
        .clone();
    let proposal_id = proposal["id"].as_str().context("no proposal")?.to_owned();
    let missing: Vec<String> = proposal["nominations"][0]["dossier"]["missing"]
        .as_array()
        .context("no dossier")?
        .iter()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect();
    for kind in &missing {
        attach_to_proposal(gql, &p.clerk, &proposal_id, kind).await?;
    }
    let version = |gql: &Gql, token: String| {
        let (gql, id) = (gql.clone(), proposal_id.clone());
        async move {
            let data = gql
                .call(
                    Some(&token),
                    "query($id: ID!) { proposal(id: $id) { version nominations { id version } } }",
                    json!({ "id": id }),
                )
                .await?;
            anyhow::Ok(data["proposal"].clone())
        }
    };
    let bulk = |name: &'static str, field: &'static str, token: String, extra: Value| {
        let gql = gql.clone();
        let id = proposal_id.clone();
        async move {
            let seen = version(&gql, token.clone()).await?;
            let target = json!({ "proposalId": id, "expectedVersion": seen["version"] });
            let (query, variables) = if extra.is_null() {
                (
                    format!(
                        "mutation($t: BulkTargetInput!) {{ {field}(target: $t) {{ failed results {{ messageEn }} }} }}"
                    ),
                    json!({ "t": target }),
                )
            } else {
                let mut input = extra;
                input["target"] = target;
                (
                    format!(
                        "mutation($i: {name}!) {{ {field}(input: $i) {{ failed results {{ messageEn }} }} }}"
                    ),
                    json!({ "i": input }),
                )
            };
            let done = gql.call(Some(&token), &query, variables).await?;
            if done[field]["failed"].as_i64() != Some(0) {
                anyhow::bail!("{field}: {}", done[field]);
            }
            anyhow::Ok(())
        }
    };
    bulk("", "submitNominations", head, Value::Null).await?;
    bulk("", "receiveNominations", office.clone(), Value::Null).await?;
    bulk(
        "AppraiseNominationsInput",
        "appraiseNominations",
        office.clone(),
        json!({ "verdict": "ELIGIBLE", "notes": "Đủ điều kiện" }),
    )
    .await?;
    let seen = version(gql, office.clone()).await?;
    for n in seen["nominations"].as_array().context("no nominations")? {
        gql.call(
            Some(&secretary),
            "mutation($input: RecordCouncilOutcomeInput!) { recordCouncilOutcome(input: $input) { nomination { id } } }",
            json!({ "input": { "id": n["id"], "expectedVersion": n["version"], "members": 7, "present": 7, "votesFor": 7, "votesAgainst": 0 } }),
        )
        .await?;
    }
    let seen = version(gql, office.clone()).await?;
    let decision = gql
        .call(
            Some(&signer),
            "mutation($input: SignDecisionInput!) { signDecision(input: $input) { decision { id } } }",
            json!({ "input": { "proposalId": proposal_id, "proposalVersion": seen["version"], "capacity": "DIRECT", "signerTitle": "Giám đốc" } }),
        )
        .await?["signDecision"]["decision"]["id"]
        .as_str()
        .context("no decision")?
        .to_owned();
    let issued = gql
        .call(
            Some(&office),
            "mutation($d: ID!) { issueCertificates(input: {decisionId: $d}) { certificates { id } } }",
            json!({ "d": decision }),
        )
        .await?;
    let certificates = issued["issueCertificates"]["certificates"]
        .as_array()
        .context("no certificates")?
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect();
    Ok((decision, certificates))
}

/// One certificate's PDF over HTTP: whether it came whole.
async fn download(http: &reqwest::Client, base: &str, token: &str, id: &str) -> bool {
    match http
        .get(format!("{base}/certificates/{id}.pdf"))
        .bearer_auth(token)
        .send()
        .await
    {
        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
        _ => false,
    }
}

/// A realistic certificate's data, numbered.
fn certificate_data(i: usize) -> laurel_certificates::CertificateData {
    laurel_certificates::CertificateData {
        issuer_title: "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI".into(),
        award_title: "GIẤY KHEN".into(),
        recipient_name: format!("Đại úy Nguyễn Thị Ngọc Huyền {i}"),
        recipient_detail: Some("Phó Trưởng phòng, Phòng Tham mưu, Công an tỉnh Gia Lai".into()),
        achievement:
            "Đã có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2025"
                .into(),
        decision_line: "Quyết định số 12/QĐ-CAT ngày 05/01/2026".into(),
        golden_book_line: format!("Số sổ vàng: {}", i + 1),
        place_date_line: "Gia Lai, ngày 05 tháng 01 năm 2026".into(),
        signer_capacity_line: Some("KT. GIÁM ĐỐC".into()),
        signer_title: "PHÓ GIÁM ĐỐC".into(),
        signer_name: "Nguyễn Văn Bình".into(),
        verification_code: "7KQ2-M9XD-4TPA-WJ3C".into(),
        verification_url: format!(
            "https://thiduakhenthuong.gialai.gov.vn/verify/7KQ2M9XD4TPA{i:04}"
        ),
        form: laurel_certificates::CertificateForm::GiayKhen,
        period_line: None,
    }
}

/// typst's own time for one certificate on one core, in this process: pages per second, of
/// certificates numbered from `from` (each thread of a parallel run lays out its own, so that
/// none is a memoised copy of another's).
fn page_rate(renderer: &laurel_certificates::Renderer, for_at_least: Duration, from: usize) -> f64 {
    let started = Instant::now();
    let mut n = 0usize;
    while started.elapsed() < for_at_least || n < 5 {
        std::hint::black_box(renderer.render(&certificate_data(from + n)).ok());
        n += 1;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

const PAGE: &str = "query { nominations(first: 50) { edges { node { id state nominee { ... on Person { fullName } } issuer { name } proposingUnit { name } decision { number } certificate { code } reward { amountVnd } eligibility { verdict } stage { kind dueOn } } } } }";

const IMPORT: &str = "mutation($input: ImportNominationsInput!) { importNominations(input: $input) { committed errors nominationIds } }";

/// An XLSX file of `n` lines in the import template's columns: people of Phòng Tham mưu new to
/// Laurel, each proposed for the province's Giấy khen of 2025 with a rating.
fn import_file(prefix: &str, n: usize) -> anyhow::Result<Vec<u8>> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let ws = workbook.add_worksheet();
    for (c, column) in laurel_domain::import::Column::ALL.iter().enumerate() {
        ws.write(0, c as u16, column.heading_vi())?;
    }
    for i in 0..n {
        let r = 1 + i as u32;
        let line = [
            String::new(),
            format!("{prefix} {i:06}"),
            "cá nhân".into(),
            "PTM".into(),
            "Cán bộ".into(),
            "Trung úy".into(),
            "01/08/2016".into(),
            "GIAY_KHEN".into(),
            "CAT".into(),
            "2025".into(),
            "Hoàn thành xuất sắc nhiệm vụ công tác năm 2025".into(),
            "HTXSNV".into(),
        ];
        for (c, cell) in line.iter().enumerate() {
            if !cell.is_empty() {
                ws.write(r, c as u16, cell)?;
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// One row of the table.
struct Row {
    what: String,
    clients: usize,
    stats: Stats,
    baseline: String,
    baseline_rate: f64,
}

/// The bench's server on `url`, its documents and key under `dir`.
fn config(url: &str, dir: &std::path::Path) -> anyhow::Result<ServeConfig> {
    let mut config = ServeConfig::new(url, "127.0.0.1:0".parse()?);
    config.documents_dir = dir.join("documents");
    config.key_secret_file = dir.join("key-secret");
    config.metrics = false;
    // The dispatcher wakes rarely: what is measured is the requests.
    config.webhooks.poll = Duration::from_secs(3600);
    Ok(config)
}

/// Runs the bench and prints its table.
pub async fn run(options: BenchOptions, out: &mut (dyn Write + Send)) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("laurel-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()));
    let running = start(config(&url, &dir)?).await?;
    let bootstrap = running
        .bootstrap
        .as_ref()
        .context("laurel bench needs an empty database (it prepares its own data)")?
        .password
        .clone();
    let store = running.store.clone();
    store.bench_prepare().await?;
    let gql = Gql {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .build()?,
        url: format!("http://{}/graphql", running.addr),
    };
    writeln!(out, "Preparing data on {} …", crate::redact(&url))?;
    let p = prepare(&gql, &bootstrap, 60).await?;
    writeln!(
        out,
        "Taking a decision of {} Giấy khen through the workflow …",
        options.recipients
    )?;
    let (decision, certificates) = decided(&gql, &p, options.recipients.max(1)).await?;
    let duration = Duration::from_secs_f64(options.seconds.max(0.2));
    let mut rows = Vec::new();
    let renderer = std::sync::Arc::new(laurel_certificates::Renderer::new()?);
    let single = {
        let (renderer, d) = (renderer.clone(), duration);
        tokio::task::spawn_blocking(move || page_rate(&renderer, d, 0)).await?
    };
    // The same on every core at once: the most this machine lays out, whoever asks (only
    // measured when more than one client will ask).
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let parallel = if options.clients.iter().all(|&c| c <= 1) {
        0.0
    } else {
        let (renderer, d) = (renderer.clone(), duration);
        tokio::task::spawn_blocking(move || {
            std::thread::scope(|scope| {
                let each: Vec<_> = (0..cores)
                    .map(|core| {
                        let renderer = &renderer;
                        scope.spawn(move || page_rate(renderer, d, core * 1_000_000))
                    })
                    .collect();
                each.into_iter()
                    .map(|thread| thread.join().unwrap_or(0.0))
                    .sum::<f64>()
            })
        })
        .await?
    };

    // The stage transition's drafts (imported per client count, as many as it could take)
    // and its baseline's rows, moved round-robin.
    let head = account(&gql, &p, "truong.ptm", ("UNIT_HEAD", &p.staff), None).await?;
    let head_actor = laurel_gateway::auth::authenticate(&store, &head, laurel_gateway::edge::now())
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.messages().1))?
        .map_err(|problem| anyhow::anyhow!("the unit head's session: {problem:?}"))?
        .actor;
    store.bench_seed_transitions(TRANSITION_ROWS).await?;
    let transition_pool = ((options.seconds * 1_500.0) as usize).clamp(300, 10_000);

    // How many of the decision's certificates were downloaded so far (and so are kept).
    let downloaded = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for (phase, &clients) in options.clients.iter().enumerate() {
        // The framework's own ceiling: the trivial query, anonymous.
        let g = gql.clone();
        let ceiling = measure(clients, duration, move |_, _| {
            let g = g.clone();
            async move { g.ok(None, "{ __typename }", json!({})).await }
        })
        .await;
        // The same signed in: a session lookup per request.
        let (g, token) = (gql.clone(), p.clerk.clone());
        let signed_in = measure(clients, duration, move |_, _| {
            let (g, token) = (g.clone(), token.clone());
            async move { g.ok(Some(&token), "{ __typename }", json!({})).await }
        })
        .await;
        rows.push(Row {
            what: "{ __typename }, signed in".into(),
            clients,
            baseline: "{ __typename }, anonymous".into(),
            baseline_rate: ceiling.rate(),
            stats: signed_in,
        });
        // A write: createPerson (validation, NFC, one transaction with its audit and outbox
        // rows) against the same shape of transaction in plain SQL.
        let (s, unit) = (store.clone(), uuid::Uuid::parse_str(&p.staff)?);
        let raw = measure(clients, duration, move |c, i| {
            let s = s.clone();
            async move {
                s.bench_write(unit, &format!("Bản ghi {c}-{i}"))
                    .await
                    .is_ok()
            }
        })
        .await;
        let (g, token, staff) = (gql.clone(), p.clerk.clone(), p.staff.clone());
        let written = measure(clients, duration, move |c, i| {
            let (g, token, staff) = (g.clone(), token.clone(), staff.clone());
            async move {
                g.ok(
                    Some(&token),
                    CREATE_PERSON,
                    json!({ "input": { "fullName": format!("Trần Thị Đo {c} {i}"), "unitId": staff } }),
                )
                .await
            }
        })
        .await;
        rows.push(Row {
            what: "createPerson (GraphQL over HTTP)".into(),
            clients,
            baseline: "read + insert + audit transaction, raw SQL".into(),
            baseline_rate: raw.rate(),
            stats: written,
        });
        // A stage transition: the unit head submits drafts (the workflow's state machine,
        // eligibility judged in the same transaction, history, audit and outbox rows) against
        // the same shape in plain SQL (read the state and version, update on that version,
        // insert an audit row). The drafts are imported for it beforehand, outside the timing.
        let next = std::sync::Arc::new(AtomicUsize::new(0));
        let s = store.clone();
        let raw = measure(clients, duration, move |_, _| {
            let (s, row) = (
                s.clone(),
                next.fetch_add(1, Ordering::Relaxed) % TRANSITION_ROWS,
            );
            async move { s.bench_transition(row).await.unwrap_or(false) }
        })
        .await;
        let drafts = std::sync::Arc::new(
            import_drafts(
                &gql,
                &p,
                &format!("Cán bộ trình {clients}"),
                transition_pool,
            )
            .await?,
        );
        let (g, token, taken) = (
            gql.clone(),
            head.clone(),
            std::sync::Arc::new(AtomicUsize::new(0)),
        );
        let deadline = Instant::now() + duration;
        let submitted = measure_while(
            clients,
            move || Instant::now() < deadline,
            move |_, _| {
                let (g, token) = (g.clone(), token.clone());
                let id = drafts.get(taken.fetch_add(1, Ordering::Relaxed)).cloned();
                async move {
                    let id = id?;
                    Some(
                        g.ok(
                            Some(&token),
                            SUBMIT,
                            json!({ "input": { "id": id, "expectedVersion": 1 } }),
                        )
                        .await,
                    )
                }
            },
        )
        .await;
        rows.push(Row {
            what: "submitNomination (GraphQL over HTTP)".into(),
            clients,
            baseline: "read + update + audit transaction, raw SQL".into(),
            baseline_rate: raw.rate(),
            stats: submitted,
        });
        // The same transition called in-process, as the GraphQL resolver calls it: what the
        // store and the rules cost without HTTP, the session and GraphQL around them.
        let drafts = std::sync::Arc::new(
            import_drafts(
                &gql,
                &p,
                &format!("Cán bộ trình trong tiến trình {clients}"),
                transition_pool,
            )
            .await?,
        );
        let (ops, actor, taken) = (
            running.ops.clone(),
            std::sync::Arc::new(head_actor.clone()),
            std::sync::Arc::new(AtomicUsize::new(0)),
        );
        let deadline = Instant::now() + duration;
        let in_process = measure_while(
            clients,
            move || Instant::now() < deadline,
            move |_, _| {
                let (ops, actor) = (ops.clone(), actor.clone());
                let id = drafts
                    .get(taken.fetch_add(1, Ordering::Relaxed))
                    .and_then(|id| uuid::Uuid::parse_str(id).ok());
                async move {
                    let id = laurel_domain::ids::NominationId(id?);
                    let now = laurel_gateway::edge::now();
                    Some(
                        ops.submit_nomination(&actor, id, 1, false, now)
                            .await
                            .is_ok(),
                    )
                }
            },
        )
        .await;
        rows.push(Row {
            what: "submitNomination in-process (no HTTP/GraphQL)".into(),
            clients,
            baseline: "read + update + audit transaction, raw SQL".into(),
            baseline_rate: raw.rate(),
            stats: in_process,
        });
        // A read: a page of 50 nominations with every nested field, eligibility included.
        let (g, token) = (gql.clone(), p.admin.clone());
        let page = measure(clients, duration, move |_, _| {
            let (g, token) = (g.clone(), token.clone());
            async move { g.ok(Some(&token), PAGE, json!({})).await }
        })
        .await;
        rows.push(Row {
            what: "nominations(first: 50), nested fields".into(),
            clients,
            baseline: "{ __typename }, signed in".into(),
            baseline_rate: rows
                .iter()
                .find(|r| r.clients == clients && r.what.starts_with("{ __typename }"))
                .map_or(0.0, |r| r.stats.rate()),
            stats: page,
        });
        // A certificate's first download: rendered from its frozen content and kept. Each
        // request takes a certificate nobody downloaded yet, of this client count's share (an
        // equal part of the decision's certificates, so that a fast run at one client count
        // leaves some for the next); when the share is used up, the clients stop (raise
        // `--recipients` for longer runs).
        // What each download task needs: the client, the server, the token, the certificates.
        let downloads = || {
            (
                gql.http.clone(),
                format!("http://{}", running.addr),
                p.admin.clone(),
                certificates.clone(),
            )
        };
        let (http, base, token, ids) = downloads();
        let deadline = Instant::now() + duration;
        let next = downloaded.clone();
        let share_end = ids.len() * (phase + 1) / options.clients.len();
        let first = measure_while(
            clients,
            move || Instant::now() < deadline,
            move |_, _| {
                let (http, base, token) = (http.clone(), base.clone(), token.clone());
                let id = next
                    .fetch_update(
                        std::sync::atomic::Ordering::Relaxed,
                        std::sync::atomic::Ordering::Relaxed,
                        |i| (i < share_end).then_some(i + 1),
                    )
                    .ok()
                    .and_then(|i| ids.get(i).cloned());
                async move { Some(download(&http, &base, &token, &id?).await) }
            },
        )
        .await;
        rows.push(Row {
            what: "GET /certificates/{id}.pdf (first)".into(),
            clients,
            // One client is one render at a time; more use every core, as typst alone can.
            baseline: if clients == 1 {
                "typst: one certificate, one core".into()
            } else {
                format!("typst: one certificate per core, {cores} cores")
            },
            baseline_rate: if clients == 1 { single } else { parallel },
            stats: first,
        });
        // The same certificates downloaded again: served as kept, not laid out again.
        let (http, base, token, ids) = downloads();
        let kept = downloaded
            .load(std::sync::atomic::Ordering::Relaxed)
            .min(ids.len())
            .max(1);
        let again = measure(clients, duration, move |c, i| {
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            let id = ids[(c * 7919 + i) % kept].clone();
            async move { download(&http, &base, &token, &id).await }
        })
        .await;
        rows.push(Row {
            what: "GET /certificates/{id}.pdf (again)".into(),
            clients,
            baseline: "{ __typename }, signed in".into(),
            baseline_rate: rows
                .iter()
                .find(|r| r.clients == clients && r.what.starts_with("{ __typename }"))
                .map_or(0.0, |r| r.stats.rate()),
            stats: again,
        });
    }

    // The whole decision as one print PDF, over HTTP: against each page rendered on its own,
    // one after another.
    let (http, print_url, token) = (
        gql.http.clone(),
        format!(
            "http://{}/decisions/{decision}/certificates.pdf",
            running.addr
        ),
        p.admin.clone(),
    );
    let print = measure(1, duration, move |_, _| {
        let (http, url, token) = (http.clone(), print_url.clone(), token.clone());
        async move {
            match http.get(url).bearer_auth(token).send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                _ => false,
            }
        }
    })
    .await;
    rows.push(Row {
        what: format!("print {} certificates (GET)", certificates.len()),
        clients: 1,
        baseline: format!("{} single renders, one after another", certificates.len()),
        baseline_rate: single / certificates.len() as f64,
        stats: print,
    });
    // A batch as large as a big conference, laid out in-process, while a reader pages through
    // nominations (its p99 is the row after).
    if options.batch > 0 {
        let data: Vec<_> = (0..options.batch).map(certificate_data).collect();
        let batch_renderer = renderer.clone();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let finished = done.clone();
        let batch = tokio::task::spawn_blocking(move || {
            let t = Instant::now();
            let pdf = batch_renderer.render_batch(&data, &|_| {});
            finished.store(true, std::sync::atomic::Ordering::Relaxed);
            (pdf.map(|b| b.len()), t.elapsed())
        });
        let (g, token) = (gql.clone(), p.admin.clone());
        let reads = measure_while(
            1,
            move || !done.load(std::sync::atomic::Ordering::Relaxed),
            move |_, _| {
                let (g, token) = (g.clone(), token.clone());
                async move { Some(g.ok(Some(&token), PAGE, json!({})).await) }
            },
        )
        .await;
        let (size, took) = batch.await?;
        size.map_err(|e| anyhow::anyhow!("batch: {e}"))?;
        let quiet = rows
            .iter()
            .find(|r| r.clients == 1 && r.what.starts_with("nominations(first: 50)"))
            .map_or(0.0, |r| r.stats.rate());
        rows.push(Row {
            what: format!("render_batch {} certificates", options.batch),
            clients: 1,
            baseline: format!("{} single renders, one after another", options.batch),
            baseline_rate: single / options.batch as f64,
            stats: Stats {
                ops: 1,
                errors: 0,
                elapsed: took,
                latencies: vec![took],
            },
        });
        rows.push(Row {
            what: "nominations(first: 50) during that batch".into(),
            clients: 1,
            baseline: "nominations(first: 50), nested fields".into(),
            baseline_rate: quiet,
            stats: reads,
        });
    }

    // An office's Excel list: N people new to Laurel, each with a Giấy khen and a rating, read,
    // checked and written as drafts in one transaction; per line, against the raw
    // read + insert + audit transaction at one client.
    if options.import_rows > 0 {
        let file = import_file("Cán bộ nhập số", options.import_rows)?;
        let form = reqwest::multipart::Form::new()
            .text(
                "operations",
                json!({ "query": IMPORT, "variables": { "input": { "proposingUnitId": p.staff, "dryRun": false, "file": null } } })
                    .to_string(),
            )
            .text("map", json!({ "0": ["variables.input.file"] }).to_string())
            .part("0", reqwest::multipart::Part::bytes(file).file_name("de-nghi.xlsx"));
        let t = Instant::now();
        let answer: Value = gql
            .http
            .post(&gql.url)
            .bearer_auth(&p.clerk)
            .multipart(form)
            .send()
            .await?
            .json()
            .await?;
        let took = t.elapsed();
        let committed = answer["data"]["importNominations"]["committed"] == json!(true);
        let raw = rows
            .iter()
            .find(|r| r.clients == 1 && r.what.starts_with("createPerson"))
            .map_or(0.0, |r| r.baseline_rate);
        rows.push(Row {
            what: format!("importNominations, {} lines/s", options.import_rows),
            clients: 1,
            baseline: "read + insert + audit transaction, raw SQL".into(),
            baseline_rate: raw,
            stats: Stats {
                ops: if committed { options.import_rows } else { 0 },
                errors: usize::from(!committed),
                elapsed: took,
                latencies: vec![took],
            },
        });
    }

    // Scale-out: the same write and read spread over several `laurel serve` processes on this
    // database, against one process; then the invariants.
    let mut checked_after = None;
    if options.processes > 1 {
        let clients = options.clients.iter().copied().max().unwrap_or(16);
        let extra = spawn_servers(options.processes - 1, &url, &dir).await?;
        let mut urls = vec![gql.url.clone()];
        urls.extend(extra.iter().map(|s| s.url.clone()));
        let gqls: Vec<Gql> = urls
            .into_iter()
            .map(|url| Gql {
                http: gql.http.clone(),
                url,
            })
            .collect();
        let (all, token, staff) = (gqls.clone(), p.clerk.clone(), p.staff.clone());
        let written = measure(clients, duration, move |c, i| {
            let (g, token, staff) = (all[c % all.len()].clone(), token.clone(), staff.clone());
            async move {
                g.ok(
                    Some(&token),
                    CREATE_PERSON,
                    json!({ "input": { "fullName": format!("Lê Văn Chia {c} {i}"), "unitId": staff } }),
                )
                .await
            }
        })
        .await;
        let one = |what: &str| {
            rows.iter()
                .find(|r| r.clients == clients && r.what.starts_with(what))
                .map_or(0.0, |r| r.stats.rate())
        };
        let (one_write, one_read) = (one("createPerson"), one("nominations(first: 50)"));
        rows.push(Row {
            what: format!("createPerson, {} processes", options.processes),
            clients,
            baseline: "createPerson, 1 process".into(),
            baseline_rate: one_write,
            stats: written,
        });
        let (all, token) = (gqls.clone(), p.admin.clone());
        let page = measure(clients, duration, move |c, _| {
            let (g, token) = (all[c % all.len()].clone(), token.clone());
            async move { g.ok(Some(&token), PAGE, json!({})).await }
        })
        .await;
        rows.push(Row {
            what: format!("nominations(first: 50), {} processes", options.processes),
            clients,
            baseline: "nominations(first: 50), 1 process".into(),
            baseline_rate: one_read,
            stats: page,
        });
        drop(extra);
        let integrity = store.integrity_problems().await?;
        let audit = store.verify_audit().await?;
        anyhow::ensure!(
            integrity.is_empty() && audit.problems.is_empty(),
            "after {} processes: integrity {integrity:?}, audit {:?}",
            options.processes,
            audit.problems
        );
        checked_after = Some(audit.rows);
    }

    // Eligibility: through GraphQL, against the domain's own evaluation on this machine.
    let rulesets = Rulesets::embedded().map_err(|e| anyhow::anyhow!("{e}"))?;
    let ruleset = rulesets
        .for_period(2025)
        .context("no ruleset for 2025")?
        .clone();
    let domain = tokio::task::spawn_blocking(move || {
        let facts = NomineeFacts::new(laurel_domain::award::RecipientKind::Individual);
        let as_of = time::macros::date!(2026 - 01 - 15);
        let started = Instant::now();
        let mut n = 0usize;
        while started.elapsed() < Duration::from_millis(500) {
            let e =
                laurel_domain::rules::evaluate(&ruleset, AwardKind::GiayKhen, 2025, as_of, &facts);
            std::hint::black_box(e);
            n += 1;
        }
        n as f64 / started.elapsed().as_secs_f64()
    })
    .await?;
    let (g, token, people) = (gql.clone(), p.clerk.clone(), p.people.clone());
    let checked = measure(1, duration, move |_, i| {
        let (g, token, person) = (g.clone(), token.clone(), people[i % people.len()].clone());
        async move {
            g.ok(
                Some(&token),
                "query($input: CheckEligibilityInput!) { checkEligibility(input: $input) { verdict } }",
                json!({ "input": { "nomineePersonId": person, "awardKind": "GIAY_KHEN", "period": 2025 } }),
            )
            .await
        }
    })
    .await;
    rows.push(Row {
        what: "checkEligibility (GraphQL over HTTP)".into(),
        clients: 1,
        baseline: "rules::evaluate in the domain, one core".into(),
        baseline_rate: domain,
        stats: checked,
    });

    // Reads and startup at volume: the tables filled up to each size in turn, each figure
    // beside the same measured on the bench's own small tables before the fill.
    let sizes: Vec<usize> = options
        .nominations
        .iter()
        .copied()
        .filter(|n| *n > 0)
        .collect();
    if !sizes.is_empty() {
        writeln!(out, "Filling the tables up to {sizes:?} nominations …")?;
        let volume = Volume {
            gql: gql.clone(),
            token: p.clerk.clone(),
            duration,
            clients: options.clients.iter().copied().max().unwrap_or(1),
        };
        let units = volume_units(&gql, &p).await?;
        let first_page = gql.call(Some(&p.clerk), LIST, json!({})).await?;
        let ids: Vec<String> = first_page["nominations"]["edges"]
            .as_array()
            .map(|edges| {
                edges
                    .iter()
                    .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let template = uuid::Uuid::parse_str(ids.first().context("no nomination to copy")?)?;
        let small = store.bench_nominations().await?;
        let before = volume.measure(&ids, ids.get(ids.len() / 2).cloned()).await;
        let startup_before = startup(&url, &dir).await?;
        let (mut done, mut sample) = (0, Vec::new());
        for size in sizes {
            let t = Instant::now();
            let filled = store
                .bench_fill_nominations(template, &units, done, size.max(done))
                .await?;
            writeln!(
                out,
                "  {} nominations in {:.1} s",
                filled.total,
                t.elapsed().as_secs_f64()
            )?;
            done = size.max(done);
            sample.extend(filled.sample.iter().map(ToString::to_string));
            let after = volume
                .measure(
                    if sample.is_empty() { &ids } else { &sample },
                    filled.middle.map(|m| m.to_string()),
                )
                .await;
            for ((what, clients, base), (_, _, stats)) in before.iter().zip(after) {
                rows.push(Row {
                    what: format!("{what} at {}", filled.total),
                    clients: *clients,
                    baseline: format!("the same at {small}"),
                    baseline_rate: base.rate(),
                    stats,
                });
            }
            let took = startup(&url, &dir).await?;
            rows.push(Row {
                what: format!("startup at {}", filled.total),
                clients: 1,
                baseline: format!("startup at {small}"),
                baseline_rate: 1.0 / startup_before.as_secs_f64().max(1e-9),
                stats: Stats {
                    ops: 1,
                    errors: 0,
                    elapsed: took,
                    latencies: vec![took],
                },
            });
        }
    }

    writeln!(out)?;
    writeln!(
        out,
        "Laurel bench — {} — {} s per figure — {} cores",
        match store.backend() {
            laurel_store::Backend::Sqlite => "SQLite (WAL, synchronous=FULL)",
            laurel_store::Backend::Postgres => "PostgreSQL",
        },
        options.seconds,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    )?;
    writeln!(
        out,
        "{:<46} {:>7} {:>9} {:>8} {:>8} {:>8} {:>6}  {:<44} {:>10} {:>8}",
        "what",
        "clients",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "baseline",
        "base/s",
        "ratio"
    )?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for r in &rows {
        writeln!(
            out,
            "{:<46} {:>7} {:>9.1} {:>8.2} {:>8.2} {:>8.2} {:>6}  {:<44} {:>10.1} {:>8}",
            r.what,
            r.clients,
            r.stats.rate(),
            ms(r.stats.percentile(0.50)),
            ms(r.stats.percentile(0.95)),
            ms(r.stats.percentile(0.99)),
            r.stats.errors,
            r.baseline,
            r.baseline_rate,
            ratio(r.stats.rate(), r.baseline_rate)
        )?;
    }
    if let Some(rows) = checked_after {
        writeln!(
            out,
            "After {} processes wrote at once: the database's integrity check passes and the \
             audit log verifies ({rows} rows).",
            options.processes
        )?;
    }
    running.stop().await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// One nomination with what a list shows of it.
const ONE: &str = "query($id: ID!) { nomination(id: $id) { id state period awardKind nominee { ... on Person { fullName } } proposingUnit { name } stage { kind dueOn } } }";

/// A page of 50 with what a list shows, optionally filtered and after a cursor.
const LIST: &str = "query($after: String, $filter: NominationFilterInput) { nominations(first: 50, after: $after, filter: $filter) { edges { node { id state period awardKind nominee { ... on Person { fullName } } proposingUnit { name } stage { kind dueOn } } } } }";

/// The reads measured at each table size, as the bench's clerk (whose lists are filtered to
/// the units where they act).
struct Volume {
    gql: Gql,
    token: String,
    duration: Duration,
    clients: usize,
}

impl Volume {
    /// One nomination by id (cycling through `ids`), a page, the same at `clients` clients, a
    /// page filtered by a state few are in, by a period and award (the bench's own drafts'
    /// 2025, which the filled rows also hold, one in twenty), and a page after `middle`.
    async fn measure(&self, ids: &[String], middle: Option<String>) -> Vec<(String, usize, Stats)> {
        let mut rows = Vec::new();
        let (g, token, ids) = (self.gql.clone(), self.token.clone(), ids.to_vec());
        let one = measure(1, self.duration, move |_, i| {
            let (g, token, id) = (
                g.clone(),
                token.clone(),
                ids[(i * 7919) % ids.len()].clone(),
            );
            async move { g.ok(Some(&token), ONE, json!({ "id": id })).await }
        })
        .await;
        rows.push(("nomination(id)".to_owned(), 1, one));
        let pages = [
            ("nominations(first: 50)", 1, json!({})),
            ("nominations(first: 50)", self.clients, json!({})),
            (
                "nominations, state SUBMITTED",
                1,
                json!({ "filter": { "state": "SUBMITTED" } }),
            ),
            (
                "nominations, period 2025, GIAY_KHEN",
                1,
                json!({ "filter": { "period": 2025, "awardKind": "GIAY_KHEN" } }),
            ),
            (
                "nominations, after a middle cursor",
                1,
                json!({ "after": middle }),
            ),
        ];
        for (what, clients, variables) in pages {
            let (g, token) = (self.gql.clone(), self.token.clone());
            let stats = measure(clients, self.duration, move |_, _| {
                let (g, token, variables) = (g.clone(), token.clone(), variables.clone());
                async move { g.ok(Some(&token), LIST, variables).await }
            })
            .await;
            rows.push((what.to_owned(), clients, stats));
        }
        rows
    }
}

/// Phòng Tham mưu and nineteen more departments of the province: the units the filled
/// nominations are proposed by, round-robin (the clerk's, Phòng Tham mưu, first: the clerk's
/// lists read one filled nomination in twenty).
async fn volume_units(gql: &Gql, p: &Prepared) -> anyhow::Result<Vec<uuid::Uuid>> {
    let mut units = vec![uuid::Uuid::parse_str(&p.staff)?];
    for i in 1..20 {
        let id = gql
            .call(
                Some(&p.admin),
                "mutation($input: CreateUnitInput!) { createUnit(input: $input) { unit { id } } }",
                json!({ "input": { "name": format!("Phòng số {i}"), "code": format!("PS{i:02}"), "headTitle": "Trưởng phòng", "place": "Gia Lai", "parentId": p.province } }),
            )
            .await?["createUnit"]["unit"]["id"]
            .as_str()
            .context("no unit")?
            .to_owned();
        units.push(uuid::Uuid::parse_str(&id)?);
    }
    Ok(units)
}

/// How long a second server on the same database takes to start (migrations checked, ready to
/// answer), stopped right after.
async fn startup(url: &str, dir: &std::path::Path) -> anyhow::Result<Duration> {
    let t = Instant::now();
    let running = start(config(url, dir)?).await?;
    let took = t.elapsed();
    running.stop().await?;
    Ok(took)
}

/// A `laurel serve` process of this program, stopped when dropped.
struct Spawned {
    url: String,
    _child: tokio::process::Child,
}

/// Starts `n` more `laurel serve` processes of this very program on `database_url`, sharing
/// the bench's documents and key secret, each on a free local port; returns once each answers
/// `/readyz`.
async fn spawn_servers(
    n: usize,
    database_url: &str,
    dir: &std::path::Path,
) -> anyhow::Result<Vec<Spawned>> {
    let exe = std::env::current_exe()?;
    let mut spawned = Vec::with_capacity(n);
    for _ in 0..n {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = tokio::process::Command::new(&exe)
            .arg("serve")
            .args(["--database-url", database_url])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .arg("--documents-dir")
            .arg(dir.join("documents"))
            .arg("--key-secret-file")
            .arg(dir.join("key-secret"))
            .args(["--metrics", "false"])
            .env("LAUREL_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {} serve", exe.display()))?;
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ready = http.get(format!("{base}/readyz")).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "{base} did not become ready within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        spawned.push(Spawned {
            url: format!("{base}/graphql"),
            _child: child,
        });
    }
    Ok(spawned)
}

/// A ratio with three significant digits, however small ("0.0394", "0.000391").
fn ratio(value: f64, baseline: f64) -> String {
    if baseline <= 0.0 {
        return "-".into();
    }
    let r = value / baseline;
    if r == 0.0 {
        return "0".into();
    }
    let decimals = (2 - r.abs().log10().floor() as i32).clamp(3, 8) as usize;
    format!("{r:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_keep_three_significant_digits() {
        assert_eq!(ratio(1.0, 3.0), "0.333");
        assert_eq!(ratio(110.6, 280_523.1), "0.000394");
        assert_eq!(ratio(2.0, 1.0), "2.000");
        assert_eq!(ratio(1.0, 0.0), "-");
    }
}
