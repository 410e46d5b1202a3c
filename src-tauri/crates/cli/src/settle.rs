//! `xpartner settle`: books confirmed, reversed and paid-out direct debits in Xero (through the
//! outbox; `xpartner outbox send` sends them), and `xpartner settle map` chooses the Xero
//! accounts each provider's money goes through.

use clap::{Args, Subcommand};
use std::process::ExitCode;
use xp_app::settlement::{self, Mapping};
use xp_app::App;
use xp_ledger::settlement::Accounts;

#[derive(Args)]
pub struct SettleArgs {
    #[command(subcommand)]
    command: Option<SettleCommand>,
}

#[derive(Subcommand)]
enum SettleCommand {
    /// Creates the provider's clearing account in Xero: a BANK account in euros named
    /// "<Provider> Clearing" under the first free code from 091 to 099 (or those given);
    /// prints `clearing account: <provider> <organisation> <code> <name>`. Map it with
    /// `settle map --clearing <code>`.
    CreateClearing {
        #[arg(value_parser = ["gocardless", "saferpay"])]
        provider: String,
        /// The Xero organisation (the app's id or its name, see `xpartner orgs`).
        #[arg(long)]
        org: String,
        /// The account code (default: the first free one from 091 to 099).
        #[arg(long)]
        code: Option<String>,
        /// The account name (default: "<Provider> Clearing").
        #[arg(long)]
        name: Option<String>,
    },
    /// Maps a provider's money to a Xero organisation's accounts; prints
    /// `settlement accounts: <provider> <organisation> clearing <c> bank <b> fees <f> suspense <s> since <date>`.
    Map {
        #[arg(value_parser = ["gocardless", "saferpay"])]
        provider: String,
        /// The Xero organisation (the app's id or its name, see `xpartner orgs`).
        #[arg(long)]
        org: String,
        /// The provider's clearing BANK account code.
        #[arg(long)]
        clearing: String,
        /// The BANK account code payouts arrive in.
        #[arg(long)]
        bank: String,
        /// The expense account code for the provider's fees.
        #[arg(long)]
        fees: String,
        /// Where money that cannot be placed waits for a person.
        #[arg(long)]
        suspense: String,
        /// The first day the books use the clearing account (YYYY-MM-DD; default today):
        /// payouts that arrived before it are left alone.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::parse_date)]
        since: Option<time::Date>,
    },
}

pub async fn run(app: &App, json: bool, args: &SettleArgs) -> xp_app::Result<ExitCode> {
    match &args.command {
        Some(SettleCommand::CreateClearing { provider, org, code, name }) => {
            let (organisation_id, o) = kept_organisation(app, org).await?;
            let xero = app.xero()?;
            let created = settlement::create_clearing_account(
                &app.ctx,
                &xero,
                provider,
                organisation_id,
                code.as_deref(),
                name.as_deref(),
            )
            .await?;
            let code = created.code.unwrap_or_default();
            let name = created.name.unwrap_or_default();
            if json {
                println!(
                    "{}",
                    serde_json::json!({"ok": true, "provider": provider, "organisation": o.id, "code": code,
                        "name": name, "account_id": created.account_id})
                );
            } else {
                println!("clearing account: {provider} {} {code} {name}", o.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(SettleCommand::Map { provider, org, clearing, bank, fees, suspense, since }) => {
            let (organisation_id, o) = kept_organisation(app, org).await?;
            let accounts = Accounts {
                clearing: clearing.clone(),
                bank: bank.clone(),
                fees: fees.clone(),
                suspense: suspense.clone(),
            };
            let since = since.unwrap_or_else(|| app.ctx.clock.now().date());
            settlement::set_mapping(&app.ctx, provider, &Mapping { organisation_id, accounts, since }).await?;
            if json {
                println!("{}", serde_json::json!({"ok": true, "provider": provider, "organisation": o.id}));
            } else {
                println!(
                    "settlement accounts: {provider} {} clearing {clearing} bank {bank} fees {fees} suspense {suspense} since {since}",
                    o.name
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let summary = app.settlement()?.run().await?;
            if json {
                println!("{}", serde_json::to_string(&summary).unwrap_or_default());
            } else {
                for b in &summary.booked {
                    println!("booked: {} {} {} ({} writes)", b.provider, b.fact.as_str(), b.id, b.writes);
                }
                for w in &summary.waiting {
                    println!("waiting: {} {}: {}", w.provider, w.id, w.reason);
                }
                println!("settle: {} booked, {} waiting", summary.booked.len(), summary.waiting.len());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The kept Xero organisation `org` names (the app's id or its name).
async fn kept_organisation(
    app: &App,
    org: &str,
) -> xp_app::Result<(xp_core::ids::OrganisationId, xp_ipc::Organisation)> {
    let orgs = xp_connect_xero::organisations(&app.ctx).await?;
    let mut found: Vec<_> =
        orgs.into_iter().filter(|o| o.provider == xp_ipc::Provider::Xero && (o.id == org || o.name == org)).collect();
    if found.len() != 1 {
        return Err(xp_app::Error::Invalid(if found.is_empty() {
            format!("no Xero organisation {org:?} is kept (see `xpartner orgs`)")
        } else {
            format!("{org:?} names {} organisations; give its id", found.len())
        }));
    }
    let o = found.remove(0);
    let id = o.id.parse().map_err(|_| xp_app::Error::Invalid(format!("organisation id {:?}", o.id)))?;
    Ok((id, o))
}
