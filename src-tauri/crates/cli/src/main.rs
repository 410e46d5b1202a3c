//! `xpartner`: the headless face of Xero Partner, built from the same crates as the window.
//! Exit codes: 0 success, 1 the check or action failed, 2 bad usage.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xp_app::config::Overrides;
use xp_app::{Services, StartOptions};
use xp_ipc::Profile;

#[derive(Parser)]
#[command(name = "xpartner", version, about = "Xero Partner without a window")]
struct Cli {
    /// Data folder (default: the OS data folder; env XP_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Configuration file (TOML).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Environment profile, overriding the configuration file.
    #[arg(long, global = true, value_parser = parse_profile)]
    profile: Option<Profile>,
    /// Store secrets in a plaintext file when no OS keychain is available (not recommended).
    #[arg(long, global = true)]
    allow_plaintext_secrets: bool,
    /// The sandbox's start-up line saved to a file: points every provider at the sandbox.
    #[arg(long, global = true, value_name = "FILE")]
    sandbox: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The local encrypted database.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Create the store if missing, then run integrity_check and cipher_integrity_check.
    Check,
    /// Schema version, SQLCipher version and row counts.
    Info,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain of the audit log.
    Verify,
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    match s {
        "sandbox" => Ok(Profile::Sandbox),
        "production" => Ok(Profile::Production),
        other => Err(format!("unknown profile {other:?} (sandbox or production)")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let opts = StartOptions {
        data_dir: cli.data_dir.clone(),
        config: cli.config.clone(),
        overrides: Overrides {
            profile: cli.profile,
            allow_plaintext_secrets: cli.allow_plaintext_secrets,
            sandbox: cli.sandbox.clone(),
        },
    };
    let _guard = xp_app::logging::init(&opts.paths().log_dir(), "xpartner", false).ok();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&cli, &opts)) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!(code = %e.code(), "{e}");
            if cli.json {
                println!("{}", serde_json::json!({ "ok": false, "code": e.code(), "message": e.to_string() }));
            } else {
                eprintln!("error [{}]: {e}", e.code());
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: &Cli, opts: &StartOptions) -> xp_app::Result<ExitCode> {
    let services = Services::start(opts).await?;
    for w in &services.warnings {
        eprintln!("warning: {w}");
    }
    let code = match &cli.command {
        Command::Db { command: DbCommand::Check } => {
            let report = services.store.check().await?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({ "ok": report.ok(), "path": services.paths.db_file(), "integrity": report.integrity, "cipher_errors": report.cipher_errors })
                );
            } else if report.ok() {
                println!("ok: {} (integrity_check ok, cipher_integrity_check ok)", services.paths.db_file().display());
            } else {
                println!("FAILED: {}", services.paths.db_file().display());
                for line in report.integrity.iter().filter(|l| *l != "ok").chain(&report.cipher_errors) {
                    println!("  {line}");
                }
            }
            if report.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Db { command: DbCommand::Info } => {
            let info = services.store.info().await?;
            if cli.json {
                println!("{}", serde_json::to_string(&info).unwrap_or_default());
            } else {
                println!("path:            {}", info.path);
                println!("schema version:  {}", info.schema_version);
                println!("sqlcipher:       {}", info.cipher_version);
                println!("file size:       {} bytes", info.file_bytes);
                println!("tables:");
                for t in &info.tables {
                    println!("  {:<20} {:>10}", t.name, t.rows);
                }
            }
            ExitCode::SUCCESS
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let n = xp_store::audit::verify(&services.store).await?;
            if cli.json {
                println!("{}", serde_json::json!({ "ok": true, "entries": n }));
            } else {
                println!("ok: audit chain intact ({n} entries)");
            }
            ExitCode::SUCCESS
        }
    };
    services.store.close().await;
    Ok(code)
}
