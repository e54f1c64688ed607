//! `laurel bench` runs end to end: it prepares its own data, measures every figure without a
//! single error, and prints each beside its baseline with a ratio. (What the figures are on
//! this machine is in BENCHMARKS.md: speed is measured there, never asserted here.)

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bench_prints_each_figure_beside_its_baseline() {
    use clap::Parser;
    let cli = laurel::cli::Cli::try_parse_from([
        "laurel",
        "bench",
        "--seconds",
        "0.3",
        "--clients",
        "1,4",
        "--recipients",
        "5",
        "--batch",
        "20",
        "--import-rows",
        "50",
        "--nominations",
        "400",
    ])
    .unwrap();
    let mut out = Vec::new();
    laurel::cli::run(cli, &mut out).await.unwrap();
    let table = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| {
            [
                "GraphQL",
                "nominations(",
                "signed in",
                "certificates",
                "importNominations",
                " at ",
            ]
            .iter()
            .any(|w| l.contains(w))
        })
        .filter(|l| !l.starts_with("what"))
        .collect();
    // Seven figures per client count (a certificate's first download and a kept one among
    // them, and the transition in-process as well as over HTTP); eligibility; the decision's
    // print; the big batch and the reads during it; the import; at 400 more nominations, one
    // read, a page at 1 and 4 clients, three other pages, and a startup.
    assert_eq!(rows.len(), 26, "{table}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("submitNomination in-process")),
        "{table}"
    );
    for what in [
        "nomination(id) at ",
        "nominations, state SUBMITTED at ",
        "nominations, period 2025, GIAY_KHEN at ",
        "nominations, after a middle cursor at ",
        "startup at ",
    ] {
        assert!(
            rows.iter().any(|r| r.starts_with(what)),
            "no {what} in:\n{table}"
        );
    }
    for row in rows {
        let cells: Vec<&str> = row.split_whitespace().collect();
        let ratio: f64 = cells.last().unwrap().parse().unwrap();
        assert!(ratio > 0.0, "no ratio in: {row}");
        // The errors column, counted from the right: ratio, base/s, the baseline's words…
        assert!(row.contains(" 0  "), "errors in: {row}\n{table}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bench_spreads_load_over_several_serve_processes_and_checks_the_database_after() {
    let db = laurel_store::testing::TestDatabase::empty().await.unwrap();
    let table = bench_process(&[
        "--database-url",
        &db.url,
        "--seconds",
        "0.3",
        "--clients",
        "4",
        "--recipients",
        "3",
        "--batch",
        "0",
        "--import-rows",
        "0",
        "--processes",
        "2",
        "--nominations",
        "0",
    ])
    .await;
    for what in [
        "createPerson, 2 processes",
        "nominations(first: 50), 2 processes",
    ] {
        let row = table
            .lines()
            .find(|l| l.starts_with(what))
            .unwrap_or_else(|| panic!("no {what} in:\n{table}"));
        assert!(row.contains(" 0  "), "errors in: {row}\n{table}");
        let ratio: f64 = row.split_whitespace().last().unwrap().parse().unwrap();
        assert!(ratio > 0.0, "no ratio in: {row}");
    }
    assert!(
        table.contains("the database's integrity check passes and the audit log verifies"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bench_runs_on_a_postgresql_cluster_of_its_own_and_removes_it() {
    // Independent of the suite's database: run once, in the SQLite pass.
    if std::env::var_os("LAUREL_TEST_DATABASE_URL").is_some() {
        return;
    }
    let installed = std::path::Path::new("/usr/lib/postgresql").exists()
        || std::process::Command::new("pg_config")
            .arg("--bindir")
            .output()
            .is_ok_and(|o| o.status.success());
    if !installed {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have PostgreSQL's server binaries"
        );
        return;
    }
    let ours = |e: &std::fs::DirEntry| {
        e.file_name()
            .to_string_lossy()
            .starts_with("laurel-bench-postgres-")
    };
    let before: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(ours)
        .map(|e| e.path())
        .collect();
    let table = bench_process(&[
        "--postgres",
        "--seconds",
        "0.2",
        "--clients",
        "2",
        "--recipients",
        "2",
        "--batch",
        "0",
        "--import-rows",
        "0",
        "--nominations",
        "0",
    ])
    .await;
    let started = table
        .lines()
        .find(|l| l.starts_with("Started a private PostgreSQL "))
        .unwrap_or_else(|| panic!("no cluster started in:\n{table}"));
    assert!(table.contains("Laurel bench — PostgreSQL —"), "{table}");
    let row = table
        .lines()
        .find(|l| l.starts_with("submitNomination"))
        .unwrap_or_else(|| panic!("no transition in:\n{table}"));
    assert!(row.contains(" 0  "), "errors in: {row}\n{table}");
    // Its directory, named after the bench's process, is gone, and nothing listens on its
    // port any more.
    let port: u16 = started
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {started}"));
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the cluster still listens on {port}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(ours)
        .map(|e| e.path())
        .filter(|p| !before.contains(p))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// Runs `laurel bench` with `args` as a program of its own (`laurel-under-test` is `laurel`:
/// the processes it starts are started from its binary); returns what it printed, once it
/// succeeded.
async fn bench_process(args: &[&str]) -> String {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_laurel-under-test"))
        .arg("bench")
        .args(args)
        .output()
        .await
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{table}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    table
}
