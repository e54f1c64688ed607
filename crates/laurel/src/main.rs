//! `laurel`: see `laurel --help`.

/// mimalloc, not the system's malloc: a page of nominations allocates and frees thousands of
/// small objects across tokio's and sqlx's threads, and glibc's allocator spent a quarter of
/// the CPU of a 16-client read (`laurel bench`, perf; BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    laurel::cli::main()
}
