//! A PostgreSQL cluster of its own for `laurel bench --postgres`: made with the server's own
//! `initdb` in a temporary directory, started with `pg_ctl` on a free port of 127.0.0.1 (its
//! socket in that directory too, so it meets no other cluster), with PostgreSQL's defaults
//! (`fsync` and `synchronous_commit` on), and stopped and removed when dropped. A test stops
//! it and starts it again to play PostgreSQL's restart under load.
//!
//! The binaries are found through `pg_config --bindir`, then under `/usr/lib/postgresql/*/bin`
//! (Debian's layout, the newest first), then on `PATH`. `initdb` refuses to run as root, so a
//! root caller runs the cluster as the `postgres` user (through `runuser`), who is given the
//! directory. TCP connections need the superuser's password, made at random for the cluster.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// A running private cluster.
#[derive(Debug)]
pub struct PrivateCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
    /// `PostgreSQL 15.14`, as `postgres --version` says it.
    pub version: String,
    password: String,
}

impl PrivateCluster {
    /// Makes and starts a cluster under `parent` (which must not exist yet).
    pub fn start(parent: &Path) -> anyhow::Result<PrivateCluster> {
        let bin = server_binaries().context(
            "PostgreSQL's server binaries (initdb, pg_ctl) were not found: install them \
             (Debian: postgresql-15) or give --database-url",
        )?;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let as_postgres = running_as_root();
        if as_postgres {
            run(Command::new("chown").args(["postgres:", path_str(parent)?]))
                .context("giving the cluster's directory to the postgres user")?;
        }
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        drop(listener);
        let version = String::from_utf8_lossy(
            &Command::new(bin.join("postgres"))
                .arg("--version")
                .output()
                .context("running postgres --version")?
                .stdout,
        )
        .trim()
        .replace("postgres (PostgreSQL) ", "PostgreSQL ");
        let cluster = PrivateCluster {
            bin,
            dir: parent.to_path_buf(),
            port,
            as_postgres,
            version,
            password: data_encoding::HEXLOWER.encode(&laurel_gateway::edge::random_bytes::<16>()),
        };
        let data = cluster.dir.join("data");
        // Its superuser's password, so that nobody else on the machine may connect over TCP
        // while it runs; given to initdb in a file only its user reads, removed after.
        let password_file = cluster.dir.join("password");
        std::fs::write(&password_file, &cluster.password)?;
        if as_postgres {
            run(Command::new("chown").args(["postgres:", path_str(&password_file)?]))?;
        }
        let made = cluster.pg(
            "initdb",
            &[
                "-D",
                path_str(&data)?,
                "--auth-local=peer",
                "--auth-host=scram-sha-256",
                "--pwfile",
                path_str(&password_file)?,
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        std::fs::remove_file(&password_file)?;
        made.context("initdb")?;
        cluster.start_again()?;
        Ok(cluster)
    }

    /// Starts the server again (on the same port) after [`PrivateCluster::stop`].
    pub fn start_again(&self) -> anyhow::Result<()> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300",
            self.port,
            path_str(&self.dir)?
        );
        let (data, log) = (self.dir.join("data"), self.dir.join("server.log"));
        self.pg(
            "pg_ctl",
            &[
                "-D",
                path_str(&data)?,
                "-l",
                path_str(&log)?,
                "-w",
                "-o",
                &options,
                "start",
            ],
        )
        .with_context(|| format!("starting the cluster (its log: {})", log.display()))
    }

    /// Stops the server (`pg_ctl stop -m fast`: sessions are ended, as in a restart), keeping
    /// its data.
    pub fn stop(&self) -> anyhow::Result<()> {
        let data = self.dir.join("data");
        self.pg(
            "pg_ctl",
            &["-D", path_str(&data)?, "-m", "fast", "-w", "stop"],
        )
    }

    /// Where to connect, as the superuser (with its password), to its empty `postgres`
    /// database.
    pub fn url(&self) -> String {
        format!(
            "postgres://postgres:{}@127.0.0.1:{}/postgres",
            self.password, self.port
        )
    }

    /// Runs one of the server's programs, as the postgres user when we are root.
    fn pg(&self, program: &str, args: &[&str]) -> anyhow::Result<()> {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        // The cluster must not take the caller's working directory as its own: a root
        // caller's may be closed to the postgres user.
        run(command.args(args).current_dir(&self.dir))
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        // A server runs only if it got as far as writing its pid file.
        let running = self.dir.join("data").join("postmaster.pid").exists();
        if running && let Err(e) = self.stop() {
            eprintln!("stopping the private PostgreSQL cluster: {e:#}");
        }
        if let Err(e) = std::fs::remove_dir_all(&self.dir) {
            eprintln!("removing {}: {e}", self.dir.display());
        }
    }
}

/// The directory holding `initdb` and `pg_ctl`.
fn server_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_both(&dir) {
            return Some(dir);
        }
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let dir = entry.path().join("bin");
            has_both(&dir).then_some((version, dir))
        })
        .collect();
    debian.sort();
    if let Some((_, dir)) = debian.pop() {
        return Some(dir);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|dir| has_both(dir))
}

/// Whether this process runs as root (who owns `/proc/self` is who we are).
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn path_str(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

/// Runs a command to its end; its output is shown only when it fails.
fn run(command: &mut Command) -> anyhow::Result<()> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {command:?}"))?;
    if !out.status.success() {
        bail!(
            "{command:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}
