//! `xpartner`: the headless face of Xero Partner, built from the same crates as the window.
//! Exit codes: 0 success, 1 the check or action failed, 2 bad usage.

mod report;
mod settle;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xp_app::config::Overrides;
use xp_app::{App, StartOptions};
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
    /// Connect a provider: signs in through the system browser.
    Connect {
        #[command(subcommand)]
        provider: ConnectCommand,
    },
    /// Sync a provider's organisations into the local store.
    Sync {
        #[command(subcommand)]
        provider: SyncCommand,
    },
    /// The organisations kept, with their sync status.
    Orgs,
    /// Mandates from the local store: GoCardless's newest first (`xpartner sync gocardless` fills
    /// them), then those recorded for Saferpay; id, status, scheme, payer, bank, next possible
    /// charge date. Works offline. `mandates record` records a signed mandate for Saferpay.
    Mandates {
        #[command(subcommand)]
        command: Option<MandatesCommand>,
    },
    /// Actions waiting to reach a provider exactly once.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Collects a Xero invoice by SEPA direct debit: its amount due, from the mandate of its
    /// contact. Prints `collection: <id> <status>`; `xpartner outbox send` sends it. Refused,
    /// creating nothing, while the invoice is being collected already.
    Collect {
        /// The Xero invoice number or InvoiceID (from the local store: `xpartner sync xero`).
        invoice: String,
        #[arg(long, value_parser = ["gocardless", "saferpay"])]
        via: String,
        /// The Xero organisation (name or id) when the number is in several.
        #[arg(long)]
        org: Option<String>,
        /// The day to debit (default: the earliest the provider allows).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        charge_date: Option<time::Date>,
        /// Confirms that the GoCardless customer found by the contact's email is this contact
        /// (linked and audited first). Without it, a customer found by email only is not debited.
        #[arg(long)]
        confirm_match: bool,
    },
    /// Direct-debit collections, newest first: invoice, provider, amount, status.
    Collections {
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        limit: i64,
    },
    /// Books confirmed, reversed and paid-out direct debits in Xero through the outbox: one
    /// line per fact booked (`booked: <provider> <fact> <id> (<n> writes)`) or waiting, then
    /// `settle: N booked, M waiting`. `settle map` chooses the Xero accounts.
    Settle(settle::SettleArgs),
    /// Export synced records from the local store (works offline).
    Export {
        /// invoices, contacts, payments or bank-transactions
        #[arg(value_parser = ["invoices", "contacts", "payments", "bank-transactions"])]
        kind: String,
        #[arg(long, default_value = "csv", value_parser = ["csv", "json"])]
        format: String,
        /// Only this organisation (the app's id, see `xpartner orgs`).
        #[arg(long)]
        org: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ConnectCommand {
    /// Prints `open: <URL>`, waits for Xero's redirect, stores the tokens in the keychain and
    /// lists the organisations; `--keep` chooses which to keep.
    Xero {
        /// Tenant ids to keep, comma-separated, or `all`.
        #[arg(long)]
        keep: Option<String>,
    },
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Syncs the kept Xero organisations (or one).
    Xero {
        #[arg(long)]
        org: Option<String>,
        /// Read everything again instead of only what changed.
        #[arg(long)]
        full: bool,
    },
    /// Applies GoCardless's new events (after a first full load of everything it holds), then
    /// prints `gocardless: N events applied, M records`.
    Gocardless {
        /// List everything again (a full reconciliation) before reading the events.
        #[arg(long)]
        full: bool,
    },
    /// Reads Saferpay's transaction report (up to yesterday, Swiss time) from where the last
    /// read stopped, keeps its transactions and marks returned debits' collections charged
    /// back, then prints `saferpay: N transactions, M returns`.
    Saferpay {
        /// Read the report's whole reach (the last 400 days) again.
        #[arg(long)]
        full: bool,
    },
}

#[derive(Subcommand)]
enum MandatesCommand {
    /// Records a SEPA mandate a customer signed (on paper or in person) for Saferpay debits of
    /// a Xero contact; Saferpay keeps none, so the app makes the MandateId. The IBAN is read
    /// from standard input (one line), never from the command line, where the process list and
    /// shell history would show it; only its last four characters are printed or stored
    /// outside the keychain. Prints `mandate: <id> <status>`. GoCardless mandates are set up on
    /// GoCardless's own page (the contact's page in the window).
    Record {
        #[arg(long, value_parser = ["saferpay"])]
        via: String,
        /// The Xero contact: its ContactID or its name (from the local store).
        #[arg(long)]
        contact: String,
        /// The Xero organisation (name or id) when the contact's name is in several.
        #[arg(long)]
        org: Option<String>,
        /// The account holder as on the mandate (1 to 50 characters).
        #[arg(long)]
        holder: String,
        /// The payer's bank, to tell accounts apart in lists.
        #[arg(long)]
        bank: Option<String>,
        /// Your word that the customer signed the mandate text; nothing is recorded without it.
        #[arg(long)]
        customer_signed: bool,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Sends what is due now, one line per item (`sent: <id> <kind>`, or retrying/waiting/
    /// failed with the reason), then `outbox: N sent, N retrying, N waiting, N failed`.
    Send,
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
    /// The newest entries, newest first: when, who, what, on what.
    List {
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        limit: i64,
    },
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    match s {
        "sandbox" => Ok(Profile::Sandbox),
        "production" => Ok(Profile::Production),
        other => Err(format!("unknown profile {other:?} (sandbox or production)")),
    }
}

/// One line of standard input, for what must not be on the command line; its line end
/// dropped. Refused when empty, naming `what`.
fn read_secret_line(what: &str) -> xp_app::Result<xp_core::Sensitive<String>> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| xp_app::Error::Invalid(format!("could not read {what} from standard input: {e}")))?;
    let value = line.trim_end_matches(['\r', '\n']).to_owned();
    if value.trim().is_empty() {
        return Err(xp_app::Error::Invalid(format!("{what} is read from standard input (one line): none was given")));
    }
    Ok(xp_core::Sensitive::new(value))
}

pub(crate) fn parse_date(s: &str) -> Result<time::Date, String> {
    xp_core::ymd(s).ok_or_else(|| format!("{s:?} is not a date as YYYY-MM-DD"))
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
    let app = App::start(opts).await?;
    let services = &app.ctx;
    // The CLI signs nobody in: its audit entries name the OS account that ran it, not "owner"
    // (on an Okta installation "owner" would claim a role nobody proved; security review #4).
    services.set_actor(cli_actor());
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
        Command::Connect { provider: ConnectCommand::Xero { keep } } => {
            let xero = app.xero()?;
            let result = xero
                .connect(
                    |url| {
                        println!("open: {url}");
                        let _ = std::io::Write::flush(&mut std::io::stdout());
                    },
                    std::future::ready(Ok(())),
                )
                .await?;
            for o in &result.organisations {
                println!(
                    "organisation: {} {}{}",
                    o.tenant_id,
                    o.name,
                    if o.already_connected { " (already kept)" } else { "" }
                );
            }
            if let Some(keep) = keep {
                let ids: Vec<String> = if keep == "all" {
                    result.organisations.iter().map(|o| o.tenant_id.clone()).collect()
                } else {
                    keep.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
                };
                for o in xero.keep(parse_id("connection", &result.connection_id)?, &ids).await? {
                    println!("kept: {} {} ({})", o.id, o.name, o.base_currency.unwrap_or_default());
                }
            } else {
                println!("connection: {} (choose organisations with --keep)", result.connection_id);
            }
            ExitCode::SUCCESS
        }
        Command::Sync { provider: SyncCommand::Xero { org, full } } => {
            let xero = app.xero()?;
            let report = report::to_stderr();
            let org = org.as_deref().map(|o| parse_id("--org", o)).transpose()?;
            let results = xero.sync(org, *full, report).await?;
            let ok = results.iter().all(|(_, outcome)| matches!(outcome, xp_sync::OrgOutcome::Done { .. }));
            if cli.json {
                let orgs: Vec<_> =
                    results.iter().map(|(o, r)| report::outcome_json(&o.id.to_string(), &o.name, r)).collect();
                println!("{}", serde_json::json!({ "ok": ok, "organisations": orgs }));
            } else {
                for (o, outcome) in &results {
                    println!("{}", report::outcome_line(&o.name, outcome));
                }
            }
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Sync { provider: SyncCommand::Gocardless { full } } => {
            let gocardless = app.gocardless()?;
            let report = report::to_stderr();
            let summary = gocardless.sync(*full, report).await?;
            if cli.json {
                let parts: Vec<_> =
                    summary.outcomes.iter().map(|(o, r)| report::outcome_json(&o.id.to_string(), &o.name, r)).collect();
                println!(
                    "{}",
                    serde_json::json!({ "ok": summary.ok(), "events_applied": summary.events_applied,
                        "records": summary.records, "full_load": summary.full_load, "organisations": parts })
                );
            } else {
                for (o, outcome) in
                    summary.outcomes.iter().filter(|(_, r)| !matches!(r, xp_sync::OrgOutcome::Done { .. }))
                {
                    println!("{}", report::outcome_line(&o.name, outcome));
                }
                println!("gocardless: {} events applied, {} records", summary.events_applied, summary.records);
            }
            if summary.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Sync { provider: SyncCommand::Saferpay { full } } => {
            let saferpay = app
                .connectors()
                .get::<xp_connect_saferpay::SaferpayService>()
                .map_err(|e| xp_app::Error::Invalid(format!("Saferpay is not available: {}", e.message)))?;
            let report = report::to_stderr();
            let summary = saferpay.sync(*full, report).await?;
            let w = summary.written;
            if cli.json {
                let outcome = summary.outcome.as_ref().map(|o| report::outcome_json("saferpay", "Saferpay", o));
                println!(
                    "{}",
                    serde_json::json!({ "ok": summary.ok(), "transactions": w.transactions, "returns": w.returns,
                        "outcome": outcome })
                );
            } else {
                if let Some(o) = summary.outcome.as_ref().filter(|o| !matches!(o, xp_sync::OrgOutcome::Done { .. })) {
                    println!("{}", report::outcome_line("Saferpay", o));
                }
                println!("saferpay: {} transactions, {} returns", w.transactions, w.returns);
            }
            if summary.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Settle(args) => settle::run(&app, cli.json, args).await?,
        Command::Mandates {
            command: Some(MandatesCommand::Record { via: _, contact, org, holder, bank, customer_signed }),
        } => {
            let (organisation_id, contact_id) =
                xp_app::mandates::find_contact(&services.store, contact, org.as_deref()).await?;
            let iban = read_secret_line("the IBAN")?;
            let signed = xp_app::mandates::SignedMandate {
                organisation_id,
                contact_id: &contact_id,
                holder,
                iban: &iban,
                bank: bank.as_deref(),
                customer_signed: *customer_signed,
            };
            let m = xp_app::mandates::record_saferpay(services, &app.connectors(), signed).await?;
            if cli.json {
                println!("{}", serde_json::to_string(&MandateLine::saferpay(m)).unwrap_or_default());
            } else {
                println!("mandate: {} {}", m.id, m.status.as_str());
            }
            ExitCode::SUCCESS
        }
        Command::Mandates { command: None } => {
            let mut mandates: Vec<MandateLine> =
                // From the store, so a listing works offline and without GoCardless credentials.
                xp_store::gocardless::mandates(&services.store).await?.into_iter().map(MandateLine::gocardless).collect();
            let saferpay = xp_store::saferpay::mandates(&services.store).await?;
            mandates.extend(saferpay.into_iter().map(MandateLine::saferpay));
            if cli.json {
                println!("{}", serde_json::to_string(&mandates).unwrap_or_default());
            } else {
                for MandateLine { view: m, .. } in &mandates {
                    let bank = match (&m.bank_name, &m.account_number_ending) {
                        (Some(b), Some(e)) => format!("{b} ••{e}"),
                        (None, Some(e)) => format!("••{e}"),
                        (b, None) => b.clone().unwrap_or_else(|| "-".into()),
                    };
                    println!(
                        "{}  {:<26} {:<10} {:<28} {:<28} {:<28} next {}",
                        m.id,
                        m.status,
                        m.scheme,
                        m.customer_name.as_deref().unwrap_or("-"),
                        m.customer_email.as_deref().unwrap_or("-"),
                        bank,
                        m.next_possible_charge_date.as_deref().unwrap_or("-"),
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Command::Orgs => {
            let orgs = xp_connect_xero::organisations(services).await?;
            if cli.json {
                println!("{}", serde_json::to_string(&orgs).unwrap_or_default());
            } else {
                for o in orgs {
                    let status = match o.status {
                        xp_ipc::OrganisationStatus::Active => "active",
                        xp_ipc::OrganisationStatus::Paused => "paused (daily limit)",
                        xp_ipc::OrganisationStatus::ReconnectNeeded => "reconnect needed",
                        xp_ipc::OrganisationStatus::Disconnected => "disconnected",
                    };
                    println!(
                        "{} {} {}, last synced {}",
                        o.id,
                        o.name,
                        status,
                        o.last_synced_at.unwrap_or_else(|| "never".into())
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Command::Export { kind: kind_name, format: format_name, org, out } => {
            let kind =
                xp_connect_xero::export::Kind::parse(kind_name).unwrap_or(xp_connect_xero::export::Kind::Invoices);
            let format = if format_name == "json" {
                xp_connect_xero::export::Format::Json
            } else {
                xp_connect_xero::export::Format::Csv
            };
            let n = match out {
                Some(path) => {
                    let mut f = create_private(path)?;
                    match xp_connect_xero::export::export(&services.store, kind, format, org.as_deref(), &mut f).await {
                        Ok(n) => n,
                        Err(e) => {
                            // Half an export looks like a whole one to whoever opens it later.
                            drop(f);
                            let _ = std::fs::remove_file(path);
                            return Err(e.into());
                        }
                    }
                }
                None => {
                    xp_connect_xero::export::export(
                        &services.store,
                        kind,
                        format,
                        org.as_deref(),
                        &mut std::io::stdout(),
                    )
                    .await?
                }
            };
            // Exports carry contacts' emails and amounts out of the encrypted store: who took what.
            xp_store::audit::append(
                &services.store,
                xp_store::audit::NewEntry {
                    actor: &services.actor(),
                    action: "export",
                    subject: kind_name,
                    detail: serde_json::json!({
                        "kind": kind_name, "organisation": org, "rows": n, "format": format_name,
                        "to": if out.is_some() { "file" } else { "stdout" },
                    }),
                },
                services.clock.now(),
            )
            .await?;
            eprintln!("exported {n} records");
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
        Command::Outbox { command: OutboxCommand::Send } => {
            let dispatcher = app.connectors().dispatcher(services)?;
            let mut lines = Vec::new();
            let report = dispatcher
                .run_once_with(services.clock.now(), |o| {
                    lines.push(serde_json::json!({
                        "id": o.item.id.to_string(), "kind": o.item.kind, "outcome": o.what.as_str(), "message": o.message,
                    }));
                    if !cli.json {
                        match o.message {
                            None => println!("{}: {} {}", o.what.as_str(), o.item.id, o.item.kind),
                            Some(m) => println!("{}: {} {}: {m}", o.what.as_str(), o.item.id, o.item.kind),
                        }
                    }
                })
                .await?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::json!({ "ok": true, "items": lines, "sent": report.sent,
                    "retrying": report.retrying, "waiting": report.waiting, "failed": report.failed })
                );
            } else {
                println!(
                    "outbox: {} sent, {} retrying, {} waiting, {} failed",
                    report.sent, report.retrying, report.waiting, report.failed
                );
            }
            if report.failed > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Collect { invoice, via, org, charge_date, confirm_match } => {
            let request = xp_app::collect::CollectInvoice {
                invoice,
                via: xp_app::collect::Via::parse(via)?,
                organisation: org.as_deref(),
                charge_date: *charge_date,
                confirm_match: *confirm_match,
            };
            let c = xp_app::collect::collect_invoice(&app.ctx, &app.connectors(), request).await?;
            if cli.json {
                println!("{}", serde_json::json!({ "ok": true, "collection": c }));
            } else {
                println!("collection: {} {}", c.id, c.status.as_str());
            }
            ExitCode::SUCCESS
        }
        Command::Collections { limit } => {
            let list = xp_store::collections::list(&services.store, *limit).await?;
            if cli.json {
                println!("{}", serde_json::to_string(&list).unwrap_or_default());
            } else {
                for c in &list {
                    println!(
                        "{}  {:<12} {:<10} {:>14} {:<18} {}",
                        c.id,
                        c.invoice_number.as_deref().unwrap_or(&c.invoice_id),
                        c.provider,
                        c.amount.to_string(),
                        c.status.as_str(),
                        c.provider_payment_id.as_deref().unwrap_or("-"),
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Command::Audit { command: AuditCommand::List { limit } } => {
            let entries = xp_store::audit::list(&services.store, *limit).await?;
            if cli.json {
                println!("{}", serde_json::to_string(&entries).unwrap_or_default());
            } else {
                for e in &entries {
                    println!("{:>6}  {}  {:<24} {:<28} {}", e.seq, e.at, e.actor, e.action, e.subject);
                }
            }
            ExitCode::SUCCESS
        }
    };
    services.store.close().await;
    Ok(code)
}

/// The export file: always a new one, readable by its owner only. `create_new` (O_CREAT|O_EXCL)
/// refuses an existing file, so an export can neither truncate one (the live database, say) nor
/// follow a symbolic link planted at the path, dangling or not.
fn create_private(path: &std::path::Path) -> xp_app::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| {
        xp_app::Error::Invalid(if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} already exists (or is a link); exports never overwrite a file: choose a new name",
                path.display()
            )
        } else {
            format!("cannot create {}: {e}", path.display())
        })
    })
}

/// An id from the command line or a previous answer; a malformed one is a usage error that names it.
fn parse_id<T: std::str::FromStr>(what: &str, s: &str) -> xp_app::Result<T> {
    s.trim().parse().map_err(|_| xp_app::Error::Invalid(format!("{what} {s:?} is not an id from `xpartner orgs`")))
}

/// `cli:<OS user>`, for the audit log. The name comes from the environment: it attributes, it
/// does not authenticate (anyone on the OS account can run the CLI with the account's rights).
fn cli_actor() -> String {
    let user = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|u| u.chars().filter(|c| !c.is_control()).take(64).collect::<String>())
        .find(|u| !u.is_empty())
        .unwrap_or_else(|| "unknown".into());
    format!("cli:{user}")
}

/// A line of `xpartner mandates`: GoCardless's mandates as synced, then the SEPA mandates the app
/// recorded for Saferpay, in one shape (Saferpay's holder stands where GoCardless's payer does).
#[derive(serde::Serialize)]
struct MandateLine {
    provider: &'static str,
    #[serde(flatten)]
    view: xp_store::gocardless::MandateView,
}

impl MandateLine {
    fn gocardless(view: xp_store::gocardless::MandateView) -> Self {
        Self { provider: "gocardless", view }
    }

    fn saferpay(m: xp_store::saferpay::Mandate) -> Self {
        let view = xp_store::gocardless::MandateView {
            reference: m.id.clone(),
            id: m.id,
            status: m.status.as_str().to_owned(),
            // Saferpay's DIRECTDEBIT is a SEPA Core debit (shared/providers/saferpay.md §9).
            scheme: "sepa_core".into(),
            customer_name: Some(m.holder),
            customer_email: None,
            bank_name: m.bank,
            account_number_ending: Some(m.iban_last4),
            // Saferpay debits the day the collection is sent.
            next_possible_charge_date: None,
            reason: None,
        };
        Self { provider: "saferpay", view }
    }
}
