//! `sandbox --listen 127.0.0.1:0 --seed demo|empty|large:N [--minute-ms MS] [--faults SPEC] [--state FILE]`
//! Prints one JSON line with every emulator's base URL and the demo credentials, then serves
//! until SIGINT/SIGTERM (saving `--state FILE` one last time).

use clap::Parser;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use xp_sandbox_kit::{Fault, Seed};

#[derive(Parser)]
#[command(name = "sandbox", about = "Loopback emulators of Xero, Okta, GoCardless, Saferpay, OKX and OpenAI")]
struct Cli {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// demo, empty or large:N
    #[arg(long, default_value = "demo", value_parser = Seed::parse)]
    seed: Seed,
    /// Length of a rate-limit minute in milliseconds (shrink for benchmarks; same arithmetic).
    #[arg(long, default_value_t = 60_000)]
    minute_ms: u64,
    /// Faults to inject from the start, e.g. "xero:429*10,okx:latency=500".
    #[arg(long, default_value = "", value_parser = |s: &str| Fault::parse_spec(s).map(FaultList))]
    faults: FaultList,
    /// Keep the state in FILE across restarts: restored from FILE if it exists (--seed is then
    /// ignored), else seeded and written to FILE; saved about a second after changes and at exit.
    /// FILE holds the demo credentials, passwords, signing keys and tokens in plain text (a test
    /// sandbox's, created readable by you only). A FILE that cannot be read is an error (exit 2),
    /// never replaced. Faults, counters and rate-limit windows are not kept.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
}

/// A whole `--faults` spec (clap would take a bare `Vec` for a repeated argument).
#[derive(Clone, Debug)]
struct FaultList(Vec<Fault>);

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .init();
    if !cli.listen.ip().is_loopback() {
        eprintln!("error: the sandbox only listens on loopback addresses");
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async {
        let opts = xp_sandbox::Options {
            listen: cli.listen,
            seed: cli.seed,
            minute_ms: cli.minute_ms,
            faults: cli.faults.0,
            state: cli.state.clone(),
        };
        let mut running = match xp_sandbox::start(opts).await {
            Ok(r) => r,
            Err(e @ xp_sandbox::Error::State { .. }) => {
                eprintln!("error: {e} (the file is left as it is; fix or remove it)");
                return ExitCode::from(2);
            }
            Err(e) => {
                eprintln!("error: cannot start the sandbox: {e}");
                return ExitCode::FAILURE;
            }
        };
        if let (Some(saved), Some(path)) = (running.restored_from, &cli.state) {
            if saved != cli.seed {
                eprintln!(
                    "note: restored from {} (seeded with {saved}); --seed {} is ignored",
                    path.display(),
                    cli.seed
                );
            }
        }
        let stop = shutdown_signal();
        let line = serde_json::to_string(&running.info).unwrap_or_default();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
        drop(out);
        let mut code = ExitCode::SUCCESS;
        tokio::select! {
            r = running.wait() => if let Err(e) = r { eprintln!("error: {e}"); code = ExitCode::FAILURE },
            _ = stop => {}
        }
        if let Err(e) = running.stop().await {
            eprintln!("error: {e}");
            code = ExitCode::FAILURE;
        }
        code
    })
}

/// Ctrl-C, or SIGTERM (what `kill` and process supervisors send) on Unix. The handlers are
/// installed when this is called, not when it is first awaited: it is called before the
/// start-up line is printed, so a supervisor that stops the sandbox as soon as it has read the
/// line still gets a clean stop with the last save, not the default action of the signal.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (signal(SignalKind::terminate()).ok(), signal(SignalKind::interrupt()).ok())
    };
    async move {
        #[cfg(unix)]
        if let (Some(mut term), Some(mut int)) = signals {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
