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
        Some(SettleCommand::Map { provider, org, clearing, bank, fees, suspense, since }) => {
            let orgs = xp_connect_xero::organisations(&app.ctx).await?;
            let found: Vec<_> = orgs
                .iter()
                .filter(|o| o.provider == xp_ipc::Provider::Xero && (o.id == *org || o.name == *org))
                .collect();
            let [o] = found.as_slice() else {
                return Err(xp_app::Error::Invalid(if found.is_empty() {
                    format!("no Xero organisation {org:?} is kept (see `xpartner orgs`)")
                } else {
                    format!("{org:?} names {} organisations; give its id", found.len())
                }));
            };
            let organisation_id =
                o.id.parse().map_err(|_| xp_app::Error::Invalid(format!("organisation id {:?}", o.id)))?;
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
