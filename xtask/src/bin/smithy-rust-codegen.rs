//! `smithy-rust-codegen ...`, the generator installed with
//! `cargo install --path xtask --bin smithy-rust-codegen`: the commands and flags of
//! `cargo xtask codegen --model ...` for a project outside a checkout. See
//! `smithy-rust-codegen --help`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = xtask::run_installed(&args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::ExitCode::from(code)
}
