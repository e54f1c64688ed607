//! `laurel`: see `laurel --help`.

fn main() -> std::process::ExitCode {
    laurel::cli::main()
}
