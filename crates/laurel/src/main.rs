//! `laurel`: see `laurel --help`.

use std::process::ExitCode;

use clap::Parser;
use laurel::cli::{Cli, run};
use tracing_subscriber::util::SubscriberInitExt as _;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = std::env::var("LAUREL_LOG").ok();
    laurel::log_subscriber(cli.log_format, filter.as_deref(), std::io::stderr).init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("laurel: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, &mut std::io::stdout())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("laurel: {e:#}");
            ExitCode::FAILURE
        }
    }
}
