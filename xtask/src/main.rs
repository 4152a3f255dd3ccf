//! `cargo xtask ...`: see `cargo xtask --help`.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = xtask::run(
        &xtask::repo_root(),
        &args,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::ExitCode::from(code)
}
