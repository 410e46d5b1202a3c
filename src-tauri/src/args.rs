//! The window app's command line. Unknown arguments are not fatal: the desktop may pass a
//! deep-link URL as the last argument.

use clap::Parser;
use std::path::PathBuf;
use xp_app::config::Overrides;
use xp_app::StartOptions;
use xp_ipc::Profile;

#[derive(Debug, Default, Parser)]
#[command(name = "xero-partner", version, about = "Xero Partner desktop app")]
pub struct AppArgs {
    /// Data folder (default: the OS data folder; env XP_DATA_DIR).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (TOML).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Environment profile: sandbox or production (env XP_PROFILE).
    #[arg(long, env = "XP_PROFILE", value_parser = ["sandbox", "production"])]
    pub profile: Option<String>,
    /// Store secrets in a plaintext file when no OS keychain is available (not recommended).
    #[arg(long)]
    pub allow_plaintext_secrets: bool,
    /// The sandbox's start-up line saved to a file: points every provider at the sandbox.
    #[arg(long, value_name = "FILE")]
    pub sandbox: Option<PathBuf>,
    /// A deep link the desktop asked us to open.
    #[arg(value_name = "URL")]
    pub url: Option<String>,
}

impl AppArgs {
    pub fn from_env() -> Self {
        Self::try_parse().unwrap_or_else(|e| {
            if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) {
                e.exit();
            }
            eprintln!("warning: ignoring command line: {e}");
            AppArgs::default()
        })
    }

    pub fn start_options(&self) -> StartOptions {
        StartOptions {
            data_dir: self.data_dir.clone(),
            config: self.config.clone(),
            overrides: Overrides {
                profile: match self.profile.as_deref() {
                    Some("sandbox") => Some(Profile::Sandbox),
                    Some("production") => Some(Profile::Production),
                    _ => None,
                },
                allow_plaintext_secrets: self.allow_plaintext_secrets,
                sandbox: self.sandbox.clone(),
            },
        }
    }
}
