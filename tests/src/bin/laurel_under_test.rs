//! The `laurel` program, built beside the integration tests so that they can run it as a
//! process of its own and kill it (`env!("CARGO_BIN_EXE_laurel-under-test")`).

fn main() -> std::process::ExitCode {
    laurel::cli::main()
}
