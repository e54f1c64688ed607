//! `laurel backup` and `laurel restore`: a consistent copy of a running Laurel, and a fresh
//! database made from one that passes the same checks as the original.
//!
//! A backup is a directory:
//! - `database.sqlite3`: SQLite's `VACUUM INTO` copy, taken in one read transaction while the
//!   server goes on writing; or `database.pgdump`: `pg_dump --format=custom`, run on a snapshot
//!   exported from a read-only repeatable-read transaction (PostgreSQL's own tools: they know
//!   every type, index and sequence; Laurel does not reimplement them);
//! - `documents/`: the dossiers' files, copied after the database, so that every file a row of
//!   the copy names is there (files are content-addressed and never change);
//! - `manifest.json`: when, from which engine, and the rows per table counted in the copy's own
//!   snapshot, which a restore checks.
//!
//! It is written under a temporary name and renamed when complete: a backup cut short never
//! looks like one. The secret sealing the issuers' signing keys is not in it (whoever holds a
//! backup would hold the keys): keep the key secret file apart.
//!
//! `laurel restore` refuses a database that holds any table, loads the copy (`pg_restore
//! --single-transaction` on PostgreSQL), copies the documents, and checks before it says
//! done: the rows per table are the manifest's, the engine's integrity check passes, every
//! audit chain and checkpoint verifies, and every file a row names is in the documents
//! directory. Then it applies the migrations this Laurel has that the backup's did not.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use laurel_store::{Backend, Inventory, Store};
use serde::{Deserialize, Serialize};

use crate::redact;

const FORMAT: &str = "laurel-backup";
const VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";
const SQLITE_COPY: &str = "database.sqlite3";
const POSTGRES_DUMP: &str = "database.pgdump";
const DOCUMENTS: &str = "documents";

/// `manifest.json` of a backup.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `laurel-backup`.
    pub format: String,
    /// The layout's version (1).
    pub version: u32,
    /// `sqlite` or `postgresql`.
    pub engine: String,
    /// When the copy was taken (RFC 3339, UTC).
    pub taken_at: String,
    /// The Laurel that took it.
    pub laurel: String,
    /// The database file in the backup directory.
    pub database: String,
    /// Rows per table in the copy.
    pub tables: BTreeMap<String, i64>,
    /// Files in `documents/`.
    pub documents: usize,
}

/// `laurel backup`: copies the database at `database_url` and the documents in `documents`
/// into the new directory `target`.
pub async fn backup(
    out: &mut (dyn Write + Send),
    database_url: &str,
    documents: &Path,
    target: &Path,
) -> anyhow::Result<Manifest> {
    if target.exists() {
        bail!(
            "{} exists already: a backup goes into a new directory",
            target.display()
        );
    }
    // Connecting would create a SQLite file that is not there: a mistyped path must not back
    // up an empty database and say so happily.
    if let Some(file) = crate::sqlite_file(database_url)
        && !file.is_file()
    {
        bail!("{} does not exist: nothing to back up", file.display());
    }
    let store = Store::connect(database_url)
        .await
        .with_context(|| format!("connecting to {}", redact(database_url)))?;
    if store.is_blank().await? {
        bail!(
            "{} holds no Laurel database (no tables): nothing to back up",
            redact(database_url)
        );
    }
    let partial = partial_name(target, "partial");
    if partial.exists() {
        std::fs::remove_dir_all(&partial).with_context(|| {
            format!("removing {} left by a backup cut short", partial.display())
        })?;
    }
    std::fs::create_dir_all(&partial).with_context(|| format!("creating {}", partial.display()))?;
    let taken_at = laurel_gateway::edge::now();
    let (engine, file, inventory) = match store.backend() {
        Backend::Sqlite => {
            let copy = partial.join(SQLITE_COPY);
            store
                .copy_into(&copy)
                .await
                .context("copying the database (VACUUM INTO)")?;
            let copied = Store::connect(&format!("sqlite://{}?mode=rw", copy.display())).await?;
            let problems = copied.integrity_problems().await?;
            if !problems.is_empty() {
                bail!(
                    "the copy fails SQLite's integrity check: {}",
                    problems.join("; ")
                );
            }
            let inventory = copied.inventory().await?;
            copied.close().await?;
            // VACUUM INTO does not flush its output.
            std::fs::File::open(&copy)?.sync_all()?;
            ("sqlite", SQLITE_COPY, inventory)
        }
        Backend::Postgres => {
            let pg_dump = postgres_tool("pg_dump")?;
            let dump = partial.join(POSTGRES_DUMP);
            let inventory = store
                .with_exported_snapshot(async |snapshot: &str, inventory: &Inventory| {
                    run(
                        &pg_dump,
                        vec![
                            "--format=custom".into(),
                            "--no-owner".into(),
                            "--no-privileges".into(),
                            "--no-password".into(),
                            format!("--snapshot={snapshot}"),
                            format!("--file={}", dump.display()),
                        ],
                        database_url,
                    )
                    .await
                    .map(|()| inventory.clone())
                })
                .await??;
            ("postgresql", POSTGRES_DUMP, inventory)
        }
    };
    store.close().await?;
    let copied = copy_documents(documents, &partial.join(DOCUMENTS))?;
    let missing: Vec<_> = inventory
        .files
        .iter()
        .filter(|hash| !copied.contains(*hash))
        .collect();
    if let Some(first) = missing.first() {
        bail!(
            "{} file(s) the database names are not in {} (the first: {first}): is this the \
             documents directory of this database (--documents-dir)?",
            missing.len(),
            documents.display()
        );
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        engine: engine.into(),
        taken_at: taken_at
            .replace_nanosecond(0)
            .unwrap_or(taken_at)
            .format(&time::format_description::well_known::Rfc3339)
            .context("formatting the time")?,
        laurel: env!("CARGO_PKG_VERSION").into(),
        database: file.into(),
        tables: inventory.tables,
        documents: copied.len(),
    };
    write_synced(
        &partial.join(MANIFEST),
        &serde_json::to_vec_pretty(&manifest)?,
    )?;
    sync_dir(&partial)?;
    std::fs::rename(&partial, target)
        .with_context(|| format!("renaming {} to {}", partial.display(), target.display()))?;
    sync_dir(target.parent().unwrap_or(Path::new(".")))?;
    writeln!(
        out,
        "Backup of {} as of {} (Asia/Ho_Chi_Minh) written to {}: {} rows in {} tables, {} \
         documents.",
        redact(database_url),
        laurel_domain::calendar::local_time_text(taken_at),
        target.display(),
        manifest.tables.values().sum::<i64>(),
        manifest.tables.len(),
        manifest.documents,
    )?;
    writeln!(
        out,
        "The secret sealing the issuers' signing keys is not in it: keep a copy of the key \
         secret file apart."
    )?;
    Ok(manifest)
}

/// `laurel restore`: makes the blank database at `database_url` a copy of the backup in
/// `from`, and its documents `documents`; checks it before saying so.
pub async fn restore(
    out: &mut (dyn Write + Send),
    database_url: &str,
    documents: &Path,
    from: &Path,
) -> anyhow::Result<()> {
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(from.join(MANIFEST))
            .with_context(|| format!("{} is not a Laurel backup", from.display()))?,
    )
    .with_context(|| format!("reading {}", from.join(MANIFEST).display()))?;
    if manifest.format != FORMAT || manifest.version != VERSION {
        bail!(
            "{} is a {} version {} backup; this Laurel restores {FORMAT} version {VERSION}",
            from.display(),
            manifest.format,
            manifest.version
        );
    }
    let copy = from.join(&manifest.database);
    // The files the backup holds, which the copy's rows must all find.
    let in_backup = document_hashes(&from.join(DOCUMENTS))?;
    let is_postgres =
        database_url.starts_with("postgres://") || database_url.starts_with("postgresql://");
    let restored = match (manifest.engine.as_str(), is_postgres) {
        ("sqlite", false) => {
            let file = crate::sqlite_file(database_url)
                .with_context(|| format!("{} is not a SQLite file", redact(database_url)))?;
            if file.exists() {
                let existing = Store::connect(database_url).await?;
                let blank = existing.is_blank().await?;
                existing.close().await?;
                if !blank {
                    bail!(
                        "{} holds a database already: restore into a new one",
                        file.display()
                    );
                }
            }
            // Checked under a temporary name; only a copy that passes becomes the database (and
            // only then are the documents copied).
            let partial = partial_name(&file, "restoring");
            for stale in ["", "-wal", "-shm"] {
                let path = PathBuf::from(format!("{}{stale}", partial.display()));
                if path.exists() {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("removing {}", path.display()))?;
                }
            }
            std::fs::copy(&copy, &partial)
                .with_context(|| format!("copying {} to {}", copy.display(), partial.display()))?;
            std::fs::File::open(&partial)?.sync_all()?;
            let candidate =
                Store::connect(&format!("sqlite://{}?mode=rw", partial.display())).await?;
            let checked = check(&candidate, &manifest, &in_backup).await;
            candidate.close().await?;
            if let Err(e) = checked {
                // Best effort: the copy is refused either way.
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
            for stale in ["", "-wal", "-shm"] {
                let path = PathBuf::from(format!("{}{stale}", file.display()));
                if path.exists() {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("removing {}", path.display()))?;
                }
            }
            std::fs::rename(&partial, &file)?;
            sync_dir(file.parent().unwrap_or(Path::new(".")))?;
            copy_documents(&from.join(DOCUMENTS), documents)?
        }
        ("postgresql", true) => {
            let target = Store::connect(database_url)
                .await
                .with_context(|| format!("connecting to {}", redact(database_url)))?;
            let blank = target.is_blank().await?;
            if !blank {
                target.close().await?;
                bail!(
                    "{} holds tables already: restore into a new, empty database",
                    redact(database_url)
                );
            }
            let pg_restore = postgres_tool("pg_restore")?;
            run(
                &pg_restore,
                vec![
                    "--no-owner".into(),
                    "--no-privileges".into(),
                    "--no-password".into(),
                    "--exit-on-error".into(),
                    "--single-transaction".into(),
                    copy.display().to_string(),
                ],
                database_url,
            )
            .await?;
            let checked = check(&target, &manifest, &in_backup).await;
            target.close().await?;
            checked.with_context(|| {
                format!(
                    "{} now holds a copy that failed its checks: drop it before using it",
                    redact(database_url)
                )
            })?;
            copy_documents(&from.join(DOCUMENTS), documents)?
        }
        (engine, _) => bail!(
            "this backup is of a {engine} database; restore it into the same engine \
             (then move the data with your tools of choice)"
        ),
    };
    let store = Store::connect(database_url)
        .await
        .with_context(|| format!("connecting to {}", redact(database_url)))?;
    let audit = store.verify_audit().await?;
    let pending = store.pending_migrations().await?;
    store.migrate().await?;
    store.close().await?;
    writeln!(
        out,
        "Restored the backup taken {} (UTC) into {}: {} rows in {} tables as counted when it \
         was taken, {} documents in {}; integrity check passed; the audit log ({} rows in {} \
         chains, {} checkpoints) verifies; {pending} newer migration(s) applied.",
        manifest.taken_at,
        redact(database_url),
        manifest.tables.values().sum::<i64>(),
        manifest.tables.len(),
        restored.len(),
        documents.display(),
        audit.rows,
        audit.chains,
        audit.checkpoints
    )?;
    writeln!(
        out,
        "Give `laurel serve` the key secret file kept with the original (--key-secret-file) so \
         that its issuers' keys can sign again."
    )?;
    Ok(())
}

/// What a restored copy must pass: its rows per table are the manifest's, every file its rows
/// name is among `files`, the engine's integrity check passes, and its audit log verifies.
async fn check(store: &Store, manifest: &Manifest, files: &BTreeSet<String>) -> anyhow::Result<()> {
    let inventory = store.inventory().await?;
    let differences: Vec<String> = manifest
        .tables
        .iter()
        .filter(|(table, rows)| inventory.tables.get(*table) != Some(*rows))
        .map(|(table, rows)| {
            format!(
                "{table}: {rows} in the backup, {} restored",
                inventory.tables.get(table).copied().unwrap_or_default()
            )
        })
        .collect();
    if !differences.is_empty() {
        bail!(
            "the restored rows differ from the backup's manifest: {}",
            differences.join("; ")
        );
    }
    let missing = inventory.files.difference(files).count();
    if missing > 0 {
        bail!("{missing} file(s) the database names are not in the backup's documents");
    }
    let problems = store.integrity_problems().await?;
    if !problems.is_empty() {
        bail!(
            "the restored database fails its integrity check: {}",
            problems.join("; ")
        );
    }
    let audit = store.verify_audit().await?;
    if let Some(problem) = audit.problems.first() {
        bail!(
            "the restored audit log does not verify ({} problem(s)); the first: {} row {} {}",
            audit.problems.len(),
            problem.table,
            problem.id,
            problem.what
        );
    }
    Ok(())
}

/// `target` with a suffix, beside it: where a backup or a restore is written before it is
/// complete.
fn partial_name(target: &Path, what: &str) -> PathBuf {
    PathBuf::from(format!("{}.{what}", target.display()))
}

/// Copies every content-addressed file (`ab/abcdef…`) from `from` into `to`, each flushed to
/// disk; files already in `to` (same name, same content by construction) are kept. Returns the
/// hashes now in `to`. A missing `from` is an empty one.
fn copy_documents(from: &Path, to: &Path) -> anyhow::Result<BTreeSet<String>> {
    let mut hashes = BTreeSet::new();
    if !from.exists() {
        return Ok(hashes);
    }
    for shard in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let shard = shard?;
        if !shard.file_type()?.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(shard.path())? {
            let file = file?;
            let name = file.file_name().to_string_lossy().into_owned();
            // A file being written has a suffix after its hash; only whole files count.
            if name.len() != 64 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            let dir = to.join(shard.file_name());
            let path = dir.join(&name);
            if !path.exists() {
                std::fs::create_dir_all(&dir)?;
                let partial = partial_name(&path, "partial");
                std::fs::copy(file.path(), &partial)
                    .with_context(|| format!("copying {}", file.path().display()))?;
                std::fs::File::open(&partial)?.sync_all()?;
                std::fs::rename(&partial, &path)?;
            }
            hashes.insert(name);
        }
    }
    Ok(hashes)
}

fn write_synced(path: &Path, content: &[u8]) -> anyhow::Result<()> {
    let mut file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(content)?;
    file.sync_all()?;
    Ok(())
}

/// PostgreSQL's `pg_dump` or `pg_restore`: on the PATH, else the newest of Debian's
/// `/usr/lib/postgresql/*/bin`.
fn postgres_tool(name: &str) -> anyhow::Result<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|path| path.is_file());
    if let Some(path) = on_path {
        return Ok(path);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let path = entry.path().join("bin").join(name);
            path.is_file().then_some((version, path))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, path)| path).with_context(|| {
        format!("{name} was not found (install PostgreSQL's client tools, e.g. postgresql-client)")
    })
}

/// Runs PostgreSQL's `program` with `args` on the database at `url` to its end; its standard
/// error becomes the error when it fails. The password travels in `PGPASSWORD`, not on the
/// command line (where `ps` shows it to every local user).
async fn run(program: &Path, mut args: Vec<String>, url: &str) -> anyhow::Result<()> {
    let (url, password) = split_password(url);
    args.push(format!("--dbname={url}"));
    let program = program.to_path_buf();
    let name = program.display().to_string();
    let output = tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(&program);
        command.args(&args);
        if let Some(password) = password {
            command.env("PGPASSWORD", password);
        }
        command.output()
    })
    .await
    .context("waiting for a tool")?
    .with_context(|| format!("running {name}"))?;
    if !output.status.success() {
        bail!(
            "{name} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, the password decoded from
/// its percent-encoding).
fn split_password(url: &str) -> (String, Option<String>) {
    let (Some(scheme), Some(at)) = (url.find("://"), url.rfind('@')) else {
        return (url.to_owned(), None);
    };
    if at < scheme {
        return (url.to_owned(), None);
    }
    let Some((user, secret)) = url[scheme + 3..at].split_once(':') else {
        return (url.to_owned(), None);
    };
    let mut bytes = Vec::with_capacity(secret.len());
    let mut rest = secret.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        let hex = |i: usize| tail.get(i).and_then(|c| char::from(*c).to_digit(16));
        match (b, hex(0), hex(1)) {
            (b'%', Some(hi), Some(lo)) => {
                bytes.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                rest = &tail[2..];
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    (
        format!("{}{user}{}", &url[..scheme + 3], &url[at..]),
        Some(String::from_utf8_lossy(&bytes).into_owned()),
    )
}

/// Flushes a directory's entries (a rename into it) to disk; best effort where the file system
/// refuses to sync a directory.
fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(())
}

/// The hashes of the whole content-addressed files under `dir` (none when it is missing).
fn document_hashes(dir: &Path) -> anyhow::Result<BTreeSet<String>> {
    let mut hashes = BTreeSet::new();
    let Ok(shards) = std::fs::read_dir(dir) else {
        return Ok(hashes);
    };
    for shard in shards {
        let shard = shard?;
        if !shard.file_type()?.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(shard.path())? {
            let name = file?.file_name().to_string_lossy().into_owned();
            if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                hashes.insert(name);
            }
        }
    }
    Ok(hashes)
}

#[cfg(test)]
mod tests {
    use super::split_password;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        for (url, bare, password) in [
            (
                "postgres://laurel:s%40cr%3At@db:5432/laurel",
                "postgres://laurel@db:5432/laurel",
                Some("s@cr:t"),
            ),
            (
                "postgres://laurel@db/laurel",
                "postgres://laurel@db/laurel",
                None,
            ),
            ("postgres://db/laurel", "postgres://db/laurel", None),
        ] {
            assert_eq!(
                split_password(url),
                (bare.to_owned(), password.map(str::to_owned)),
                "{url}"
            );
        }
    }
}
