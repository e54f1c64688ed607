//! `kill -9` (issue 11 §4): a `laurel serve` process, on the database of a test server, is
//! killed at random moments while it imports a spreadsheet, signs a decision, issues its
//! certificates and prints them, then started again. After every kill: nothing it acknowledged
//! is lost, nothing is half done (an import lands whole or not at all, a decision holds all its
//! nominations or does not exist), decision numbers have no gap, the engine's integrity check
//! passes and the audit log verifies; a re-run completes only what is missing. At the end every
//! nomination's history folds into it (`TestServer::stop`).
//!
//! `LAUREL_FAULT_ROUNDS` (default 5, four kills a round) runs more rounds; `LAUREL_FAULT_SEED`
//! repeats a run's moments (each run prints its seed).

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use laurel_tests::{Org, TestServer, q};
use serde_json::{Value, json};

use crate::import::{import_at, person, xlsx};

/// Nominations signed in one decision per round.
const RECIPIENTS: usize = 12;
/// Lines of the spreadsheet imported per round.
const LINES: usize = 300;

/// `laurel serve` as a process of its own, on the test server's database and documents.
struct Process {
    child: Child,
    base: String,
}

impl Process {
    async fn start(server: &TestServer) -> Process {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let documents = server.documents_dir();
        let child = Command::new(env!("CARGO_BIN_EXE_laurel-under-test"))
            .args(["serve", "--database-url", server.database_url()])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .arg("--documents-dir")
            .arg(documents)
            .arg("--key-secret-file")
            .arg(documents.join("key-secret"))
            .env("LAUREL_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        // Owned at once: dropped on any path (a failed start included), it is killed and reaped.
        let process = Process {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(ready) = reqwest::get(format!("{}/readyz", process.base)).await
                && ready.status() == 200
            {
                return process;
            }
            assert!(Instant::now() < deadline, "laurel serve did not get ready");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// `kill -9`: no shutdown, no flush, no goodbye.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A small random source (xorshift): the test's moments, repeatable from the printed seed.
struct Dice(u64);

impl Dice {
    fn millis_below(&mut self, bound: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let bound = u64::try_from(bound.as_millis()).unwrap().max(1);
        Duration::from_millis(self.0 % bound)
    }
}

/// Sends a GraphQL operation to `base`; an error when the process died before answering.
async fn post(base: &str, token: &str, query: &str, variables: Value) -> reqwest::Result<Value> {
    reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await?
        .json()
        .await
}

/// Runs `request` against a process and kills the process `after` it was sent; returns the
/// answer when one came back before the kill (the operation was acknowledged).
async fn killed_during<F: std::future::Future<Output = reqwest::Result<Value>>>(
    process: Process,
    after: Duration,
    request: F,
) -> Option<Value> {
    let (answer, ()) = tokio::join!(request, async {
        tokio::time::sleep(after).await;
        process.kill();
    });
    answer.ok().filter(|a| a.get("errors").is_none())
}

const STATE: &str =
    "query($id: ID!) { nomination(id: $id) { state version decision { id number } } }";
const PRINT: &str = "mutation($d: ID!) { printCertificates(input: {decisionId: $d}) { id total } }";
const JOB: &str = "query($id: ID!) { printJob(id: $id) { state total done error } }";

/// What must hold after any kill: the engine's integrity check, the audit chains, and decision
/// numbers 1, 2, … without a gap.
async fn sound(server: &TestServer, after: &str) {
    let store = server.store();
    assert_eq!(
        store.integrity_problems().await.unwrap(),
        Vec::<String>::new(),
        "integrity after {after}"
    );
    let audit = store.verify_audit().await.unwrap();
    assert_eq!(audit.problems, [], "the audit log after {after}");
    let mut numbers: Vec<i64> =
        laurel_store::testing::select_text(store, "SELECT CAST(seq AS TEXT) FROM decision")
            .await
            .unwrap()
            .iter()
            .map(|n| n.parse().unwrap())
            .collect();
    numbers.sort_unstable();
    let expected: Vec<i64> = (1..=i64::try_from(numbers.len()).unwrap()).collect();
    assert_eq!(numbers, expected, "decision numbers after {after}");
}

async fn count(server: &TestServer, sql: &str) -> usize {
    laurel_store::testing::select_text(server.store(), sql)
        .await
        .unwrap()[0]
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_moments_laurel_loses_nothing_and_half_does_nothing() {
    let rounds: usize = std::env::var("LAUREL_FAULT_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let seed: u64 = std::env::var("LAUREL_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos();
            u64::from(nanos) | 1
        });
    eprintln!("kill -9 test: {rounds} rounds, LAUREL_FAULT_SEED={seed}");
    let mut dice = Dice(seed);

    let server = TestServer::start().await;
    let org = Org::create(&server).await;
    let year = server.today().year();
    // Every round's nominations, waiting for the signer.
    let mut batches = Vec::new();
    for round in 0..rounds {
        let mut batch = Vec::new();
        for i in 0..RECIPIENTS {
            let person = org
                .person(&server, &format!("Người nhận vòng {round} số {i:02}"))
                .await;
            batch.push(
                org.submitted_for(&server, &person, "Hoàn thành xuất sắc nhiệm vụ")
                    .await,
            );
        }
        batches.push(batch);
    }

    // The longest a kill waits after sending: about how long each operation takes here, so
    // that kills land before, during and after it.
    let mut window = [Duration::from_millis(1500); 4];
    let mut interrupted = [0usize; 4];
    let mut process = Process::start(&server).await;
    for (round, batch) in batches.iter().enumerate() {
        // 1. A spreadsheet import lands whole or not at all; run again, it lands once.
        let achievement = format!("Thành tích vòng {round}");
        let lines: Vec<Vec<String>> = (0..LINES)
            .map(|i| {
                let mut line = person(&format!("Cán bộ vòng {round} số {i:03}"), year);
                line[10].clone_from(&achievement);
                line
            })
            .collect();
        let file = xlsx(&lines, |_| {});
        let base = process.base.clone();
        let sent = Instant::now();
        let answer = killed_during(
            process,
            dice.millis_below(window[0]),
            import_at(&base, &org.clerk, &org.staff, &file, "dot.xlsx", false),
        )
        .await;
        let took = sent.elapsed();
        process = Process::start(&server).await;
        sound(&server, &format!("an import killed in round {round}")).await;
        let imported = format!(
            "SELECT CAST(COUNT(*) AS TEXT) FROM nomination WHERE achievement = '{achievement}'"
        );
        let landed = count(&server, &imported).await;
        match &answer {
            Some(answer) => {
                assert_eq!(answer["data"]["importNominations"]["committed"], true);
                assert_eq!(landed, LINES, "an acknowledged import lost lines");
                window[0] = took.mul_f32(1.25);
            }
            None => {
                interrupted[0] += 1;
                assert!(
                    landed == 0 || landed == LINES,
                    "{landed} of {LINES} lines landed"
                );
            }
        }
        let again = import_at(
            &process.base,
            &org.clerk,
            &org.staff,
            &file,
            "dot.xlsx",
            false,
        )
        .await
        .unwrap();
        assert_eq!(
            again["data"]["importNominations"]["committed"],
            landed == 0,
            "a re-run lands the file only when it had not landed: {again}"
        );
        assert_eq!(count(&server, &imported).await, LINES);

        // 2. Signing: the decision holds all its nominations or does not exist.
        let targets: Vec<Value> = batch
            .iter()
            .map(|(id, version)| json!({ "id": id, "expectedVersion": version }))
            .collect();
        let sign = json!({ "input": {
            "nominations": targets, "capacity": "KT", "signerTitle": "Phó Giám đốc",
        } });
        let base = process.base.clone();
        let sent = Instant::now();
        let answer = killed_during(
            process,
            dice.millis_below(window[1]),
            post(&base, &org.signer, q!("sign_decision"), sign.clone()),
        )
        .await;
        let took = sent.elapsed();
        process = Process::start(&server).await;
        sound(&server, &format!("a signing killed in round {round}")).await;
        let mut decisions = BTreeSet::new();
        for (id, _) in batch {
            let n = server
                .ok(Some(&org.signer), STATE, json!({ "id": id }))
                .await;
            decisions.insert(
                n["nomination"]["decision"]["id"]
                    .as_str()
                    .map(str::to_owned),
            );
        }
        assert_eq!(decisions.len(), 1, "a half-signed decision: {decisions:?}");
        let decision = match (answer, decisions.pop_first().unwrap()) {
            (Some(answer), Some(stored)) => {
                window[1] = took.mul_f32(1.25);
                assert_eq!(
                    answer["data"]["signDecision"]["decision"]["id"],
                    stored.as_str()
                );
                stored
            }
            (Some(answer), None) => panic!("an acknowledged signing was lost: {answer}"),
            (None, stored) => {
                interrupted[1] += 1;
                match stored {
                    Some(stored) => stored,
                    // Not signed: signing again (the versions did not move) signs it now.
                    None => post(&process.base, &org.signer, q!("sign_decision"), sign)
                        .await
                        .unwrap()["data"]["signDecision"]["decision"]["id"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                }
            }
        };
        sound(&server, &format!("signing in round {round}")).await;

        // 3. Issuing the certificates: a re-run issues only those missing.
        let base = process.base.clone();
        let sent = Instant::now();
        let issue = json!({ "decisionId": decision });
        let answer = killed_during(
            process,
            dice.millis_below(window[2]),
            post(&base, &org.office, q!("issue_certificates"), issue.clone()),
        )
        .await;
        let took = sent.elapsed();
        process = Process::start(&server).await;
        sound(&server, &format!("issuing killed in round {round}")).await;
        let again = post(&process.base, &org.office, q!("issue_certificates"), issue)
            .await
            .unwrap();
        let certificates = again["data"]["issueCertificates"]["certificates"]
            .as_array()
            .unwrap_or_else(|| panic!("{again}"));
        let codes: BTreeSet<&str> = certificates
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes.len(), RECIPIENTS, "one certificate per recipient");
        match answer {
            Some(answer) => {
                window[2] = took.mul_f32(1.25);
                // The same certificates (each process prints its own address in the URLs).
                let acknowledged: BTreeSet<&str> =
                    answer["data"]["issueCertificates"]["certificates"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| c["code"].as_str().unwrap())
                        .collect();
                assert_eq!(
                    acknowledged, codes,
                    "the re-run issued again what was acknowledged"
                );
            }
            None => interrupted[2] += 1,
        }

        // 4. A print job whose process is killed: once its lease lapses, a poll to another
        // process takes it up and finishes it.
        let job = post(&process.base, &org.office, PRINT, json!({ "d": decision }))
            .await
            .unwrap();
        let job = job["data"]["printCertificates"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{job}"))
            .to_owned();
        let sent = Instant::now();
        tokio::time::sleep(dice.millis_below(window[3])).await;
        // Asked of the process itself: this test's server runs its clock ahead (below), and
        // would see the process's lease lapsed already.
        let state = post(&process.base, &org.office, JOB, json!({ "id": job }))
            .await
            .unwrap()["data"]["printJob"]["state"]
            .clone();
        process.kill();
        if state == "DONE" {
            window[3] = sent.elapsed();
        } else {
            interrupted[3] += 1;
        }
        process = Process::start(&server).await;
        sound(&server, &format!("printing killed in round {round}")).await;
        server.travel_seconds(61);
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let polled = server
                .ok(Some(&org.office), JOB, json!({ "id": job }))
                .await["printJob"]
                .clone();
            if polled["state"] == "DONE" {
                assert_eq!(polled["done"], json!(RECIPIENTS), "{polled}");
                break;
            }
            assert_ne!(polled["state"], "FAILED", "{polled}");
            assert!(
                Instant::now() < deadline,
                "print job {job} never finished: {polled}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    drop(process);
    eprintln!(
        "kills that interrupted an import, a signing, an issuing, a print job: {interrupted:?} \
         of {rounds} each"
    );
    assert!(
        interrupted.iter().sum::<usize>() > 0,
        "no kill landed before an answer: the windows are too wide"
    );
    server.stop().await;
}
