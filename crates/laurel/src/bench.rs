//! `laurel bench`: prepares its own data on a fresh database, runs Laurel over HTTP the way
//! clients do, and prints one table where each Laurel figure stands beside a baseline measured
//! in the same run, as a ratio.
//!
//! The load generator is in-repo: tokio tasks with reqwest, one connection pool per client,
//! each looping for the given time and recording every request's latency. A GraphQL error
//! inside an HTTP 200 counts as an error, not a success.

use std::io::Write;
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
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..clients {
        let op = op.clone();
        tasks.spawn(async move {
            let mut stats = Stats::default();
            let mut i = 0;
            while Instant::now() < deadline {
                let t = Instant::now();
                let ok = op(client, i).await;
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

const PAGE: &str = "query { nominations(first: 50) { edges { node { id state nominee { ... on Person { fullName } } issuer { name } proposingUnit { name } decision { number } certificate { code } reward { amountVnd } eligibility { verdict } stage { kind dueOn } } } } }";

/// One row of the table.
struct Row {
    what: String,
    clients: usize,
    stats: Stats,
    baseline: String,
    baseline_rate: f64,
}

/// Runs the bench and prints its table.
pub async fn run(options: BenchOptions, out: &mut (dyn Write + Send)) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("laurel-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()));
    let mut config = ServeConfig::new(&url, "127.0.0.1:0".parse()?);
    config.documents_dir = dir.join("documents");
    config.key_secret_file = dir.join("key-secret");
    config.metrics = false;
    // The dispatcher wakes rarely: what is measured is the requests.
    config.webhooks.poll = Duration::from_secs(3600);
    let running = start(config).await?;
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
    let duration = Duration::from_secs_f64(options.seconds.max(0.2));
    let mut rows = Vec::new();

    for &clients in &options.clients {
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
    let _ = (&p.province, &p.admin);

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
        "{:<40} {:>7} {:>9} {:>8} {:>8} {:>8} {:>6}  {:<44} {:>10} {:>8}",
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
            "{:<40} {:>7} {:>9.1} {:>8.2} {:>8.2} {:>8.2} {:>6}  {:<44} {:>10.1} {:>8}",
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
    running.stop().await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
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
