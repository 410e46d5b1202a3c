//! Configuration: which environment (sandbox or production) and every provider's base URL, and
//! the sections each feature owns (`[xero]` is the Xero connector's, `[okta]` the session's),
//! composed here. Chosen by a file and flags at start, never by a rebuild.
//!
//! ```toml
//! profile = "production"          # or "sandbox"
//! [secrets]
//! [providers]                     # any URL may be overridden
//! xero_api = "https://api.xero.com"
//! ```

use crate::session::settings::{OktaSettings, RawOkta};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use url::Url;
use xp_context::{EndpointSpec, Endpoints};
use xp_ipc::{Profile, Provider};

use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    pub profile: Profile,
    pub allow_plaintext_secrets: bool,
    pub providers: Endpoints,
    /// Set when started with `--sandbox FILE`: the sandbox's demo credentials.
    pub sandbox: Option<SandboxFile>,
    pub xero: xp_connect_xero::Settings,
    pub gocardless: xp_connect_gocardless::Settings,
    pub okta: OktaSettings,
}

/// The one JSON line the sandbox prints at start (tests/sandbox/server), saved to a file: a URL
/// under each endpoint's key, the admin URL, the rate-limit minute and the demo credentials.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SandboxFile {
    pub admin: String,
    /// The sandbox's rate-limit minute (`--minute-ms`).
    #[serde(default = "default_minute_ms")]
    pub minute_ms: u64,
    /// Demo client ids, API keys and passwords: kept out of Debug output.
    #[serde(deserialize_with = "sensitive_json")]
    pub credentials: xp_core::Sensitive<serde_json::Value>,
    /// Every other key: the endpoints, read through the table.
    #[serde(flatten)]
    pub urls: BTreeMap<String, serde_json::Value>,
}

fn default_minute_ms() -> u64 {
    60_000
}

fn sensitive_json<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<xp_core::Sensitive<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(xp_core::Sensitive::new)
}

impl SandboxFile {
    pub fn read(path: &Path) -> Result<SandboxFile> {
        let err = |reason: String| Error::Config { path: path.display().to_string(), reason };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let line = text.lines().find(|l| !l.trim().is_empty()).ok_or_else(|| err("the file is empty".into()))?;
        serde_json::from_str(line).map_err(|e| err(format!("not the sandbox's start-up line: {e}")))
    }

    /// Every endpoint of the table at the URL the line gives; a missing one is an error.
    pub fn urls(&self) -> std::result::Result<Endpoints, String> {
        let specs = endpoint_specs();
        let mut out = Endpoints::production(&specs);
        for spec in &specs {
            let v = self
                .urls
                .get(spec.key)
                .and_then(|v| v.as_str())
                .ok_or_else(|| format!("not the sandbox's start-up line: it has no {:?} URL", spec.key))?;
            out.set(spec, parse_url(spec.key, v)?);
        }
        Ok(out)
    }
}

/// Every base URL the app knows, one row each: the connectors' own, the session's Okta issuer,
/// and the providers whose connectors are still to come (their rows move into them as they
/// arrive). Adding a provider adds its rows here through its connector, nothing else.
pub fn endpoint_specs() -> Vec<EndpointSpec> {
    let mut v = Vec::new();
    v.extend(xp_connect_xero::ENDPOINTS);
    v.extend(xp_connect_saferpay::ENDPOINTS);
    v.extend(xp_connect_gocardless::ENDPOINTS);
    v.push(crate::session::settings::OKTA_ENDPOINT);
    v.extend(UPCOMING);
    v
}

const UPCOMING: [EndpointSpec; 2] = [
    EndpointSpec {
        key: "okx",
        provider: Provider::Okx,
        production: Some("https://www.okx.com"),
        sandbox_path: "/",
        shown: true,
    },
    EndpointSpec {
        key: "openai",
        provider: Provider::Openai,
        production: Some("https://api.openai.com/v1"),
        sandbox_path: "/v1",
        shown: true,
    },
];

/// The real providers.
pub fn production_endpoints() -> Endpoints {
    Endpoints::production(&endpoint_specs())
}

/// Every row at an emulator served at `origin` (tests that serve one emulator).
pub fn sandbox_endpoints(origin: &Url) -> Endpoints {
    Endpoints::sandbox(&endpoint_specs(), origin)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    profile: Option<String>,
    #[serde(default)]
    secrets: RawSecrets,
    /// Endpoint key → URL; the keys are the table's.
    #[serde(default)]
    providers: BTreeMap<String, String>,
    #[serde(default)]
    xero: xp_connect_xero::settings::RawSettings,
    #[serde(default)]
    okta: RawOkta,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSecrets {
    #[serde(default)]
    allow_plaintext: bool,
}

/// Overrides from the command line; they win over the file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub profile: Option<Profile>,
    pub allow_plaintext_secrets: bool,
    /// `--sandbox FILE`: every provider at the sandbox named in the file, with its demo
    /// credentials; implies the sandbox profile.
    pub sandbox: Option<std::path::PathBuf>,
}

impl AppConfig {
    /// Reads `path` if given (a missing explicit file is an error; a missing default file is not).
    pub fn load(path: Option<&Path>, overrides: &Overrides) -> Result<AppConfig> {
        let mut config = Self::load_file(path, overrides)?;
        if let Some(file) = &overrides.sandbox {
            let sandbox = SandboxFile::read(file)?;
            config.providers =
                sandbox.urls().map_err(|reason| Error::Config { path: file.display().to_string(), reason })?;
            config.profile = Profile::Sandbox;
            config.okta.issuer = config.providers.get(crate::session::settings::OKTA_ENDPOINT.key).cloned();
            config.xero.apply_sandbox(&sandbox.credentials.expose()["xero"], sandbox.minute_ms);
            config.gocardless.apply_sandbox(&sandbox.credentials.expose()["gocardless"], sandbox.minute_ms);
            if let Some(id) = sandbox.credentials.expose()["okta"]["client_id"].as_str() {
                config.okta.client_id = Some(id.to_owned());
            }
            check_endpoints(config.profile, &config.providers)
                .map_err(|reason| Error::Config { path: file.display().to_string(), reason })?;
            config.sandbox = Some(sandbox);
        }
        Ok(config)
    }

    fn load_file(path: Option<&Path>, overrides: &Overrides) -> Result<AppConfig> {
        let (text, shown) = match path {
            Some(p) => (
                std::fs::read_to_string(p)
                    .map_err(|e| Error::Config { path: p.display().to_string(), reason: e.to_string() })?,
                p.display().to_string(),
            ),
            None => match crate::Paths::default_config_file() {
                Some(p) if p.exists() => (
                    std::fs::read_to_string(&p)
                        .map_err(|e| Error::Config { path: p.display().to_string(), reason: e.to_string() })?,
                    p.display().to_string(),
                ),
                _ => (String::new(), "(defaults)".to_owned()),
            },
        };
        Self::parse(&text, &shown, overrides)
    }

    pub fn parse(text: &str, shown: &str, overrides: &Overrides) -> Result<AppConfig> {
        let err = |reason: String| Error::Config { path: shown.to_owned(), reason };
        let raw: RawConfig = toml::from_str(text).map_err(|e| err(e.message().to_owned()))?;
        let profile = match (overrides.profile, raw.profile.as_deref()) {
            (Some(p), _) => p,
            (None, None | Some("production")) => Profile::Production,
            (None, Some("sandbox")) => Profile::Sandbox,
            (None, Some(other)) => {
                return Err(err(format!("profile must be \"production\" or \"sandbox\", not {other:?}")))
            }
        };
        let mut providers = match profile {
            Profile::Production => production_endpoints(),
            // Each emulator has a port of its own, chosen at its start: `--sandbox FILE` names
            // them all; a file names those it uses in `[providers]`.
            Profile::Sandbox => Endpoints::unset(&endpoint_specs()),
        };
        let specs = endpoint_specs();
        for (key, value) in &raw.providers {
            let spec = specs.iter().find(|s| s.key == key).ok_or_else(|| {
                let known: Vec<&str> = specs.iter().map(|s| s.key).collect();
                err(format!("providers.{key} is not a known endpoint (known: {})", known.join(", ")))
            })?;
            providers.set(spec, parse_url(key, value).map_err(err)?);
        }
        check_endpoints(profile, &providers).map_err(err)?;
        if raw.secrets.allow_plaintext {
            // A file that anyone with the user's account can edit must not be able to turn the
            // keychain off for every later start: the choice is made per start, on the command line.
            return Err(err("secrets.allow_plaintext: plaintext secrets can only be allowed for one start with \
                 --allow-plaintext-secrets on the command line"
                .into()));
        }
        let okta =
            OktaSettings::from_raw(&raw.okta, providers.get(crate::session::settings::OKTA_ENDPOINT.key).cloned())
                .map_err(err)?;
        let xero = xp_connect_xero::Settings::from_raw(&raw.xero).map_err(err)?;
        Ok(AppConfig {
            okta,
            profile,
            allow_plaintext_secrets: overrides.allow_plaintext_secrets,
            providers,
            sandbox: None,
            xero,
            gocardless: xp_connect_gocardless::Settings::default(),
        })
    }
}

/// Where a profile may send credentials. Production: https only (loopback aside, for a local
/// proxy), never clear text to a real host. Sandbox: loopback only, so a sandbox run can never
/// carry a token (or anything else) off the machine, whatever the file or the flags say.
fn check_endpoints(profile: Profile, endpoints: &Endpoints) -> std::result::Result<(), String> {
    for (name, u) in endpoints.all() {
        match profile {
            Profile::Production if u.scheme() != "https" && !is_loopback(u) => {
                return Err(format!("{name} must use https in the production profile, got {u}"));
            }
            Profile::Sandbox if !is_loopback(u) => {
                return Err(format!(
                    "{name} must be a loopback address (127.0.0.1, ::1 or localhost) in the sandbox profile, got {u}"
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn parse_url(name: &str, v: &str) -> std::result::Result<Url, String> {
    let u = Url::parse(v).map_err(|e| format!("{name} is not a URL ({e}): {v:?}"))?;
    if !matches!(u.scheme(), "https" | "http") || u.host().is_none() {
        return Err(format!("{name} must be an http(s) URL with a host, got {v:?}"));
    }
    Ok(u)
}

pub(crate) fn is_loopback(u: &Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<AppConfig> {
        AppConfig::parse(text, "test.toml", &Overrides::default())
    }

    #[test]
    fn defaults_to_production_hosts() {
        let c = parse("").unwrap();
        assert_eq!(c.profile, Profile::Production);
        assert_eq!(c.providers.get("xero_api").unwrap().as_str(), "https://api.xero.com/");
        assert!(!c.allow_plaintext_secrets);
    }

    #[test]
    fn a_hand_written_sandbox_profile_reaches_only_the_emulators_it_names() {
        let c = parse("profile = \"sandbox\"\n[providers]\nokx = \"http://127.0.0.1:9999\"").unwrap();
        let all: Vec<(&str, String)> = c.providers.all().map(|(k, u)| (k, u.to_string())).collect();
        assert_eq!(all, [("okx", "http://127.0.0.1:9999/".to_owned())], "never a production host");
        assert_eq!(
            c.providers.require("xero_api").unwrap_err().to_string(),
            "no URL is configured for providers.xero_api"
        );
    }

    #[test]
    fn a_sandbox_file_points_everything_at_the_sandbox_and_hides_its_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sandbox.json");
        let origin = "http://127.0.0.1:4321";
        // As the sandbox writes it: each emulator on its own port, with its real paths.
        let at = |port: u16, path: &str| format!("http://127.0.0.1:{port}{path}");
        let line = serde_json::json!({
            "xero_identity": at(4322, "/"), "xero_login": at(4322, "/"), "xero_api": at(4322, "/"),
            "okta_issuer": at(4323, "/oauth2/default"), "gocardless": at(4324, "/"), "saferpay": at(4325, "/api"),
            "okx": at(4326, "/"), "openai": at(4327, "/v1"), "admin": format!("{origin}/admin"),
            "credentials": {"okx": {"secret_key": "very-secret-okx"}}
        });
        std::fs::write(&file, format!("{line}\n")).unwrap();
        let o = Overrides { sandbox: Some(file.clone()), ..Default::default() };
        let c = AppConfig::load(Some(&dir.path().join("none.toml")), &o);
        assert!(c.is_err(), "an explicit config file that does not exist is an error");
        let c = AppConfig::load(None, &o).unwrap();
        assert_eq!(c.profile, Profile::Sandbox);
        for (name, u) in c.providers.all() {
            assert_eq!(u.host_str(), Some("127.0.0.1"), "{name}");
            assert_eq!(line[name].as_str(), Some(u.as_str()), "{name} as the line gives it");
        }
        assert_eq!(c.okta.issuer.as_ref().map(url::Url::as_str), Some("http://127.0.0.1:4323/oauth2/default"));
        assert!(!format!("{c:?}").contains("very-secret-okx"), "credentials must not show in Debug");
        // Security review 2026-12 #2: a start-up line naming a host off this machine is refused,
        // so the sandbox profile cannot be pointed anywhere a token could be collected.
        for (name, far) in
            [("xero_api", "http://198.51.100.7:4322/"), ("okta_issuer", "https://okta.example/oauth2/default")]
        {
            let mut away = line.clone();
            away[name] = serde_json::json!(far);
            std::fs::write(&file, format!("{away}\n")).unwrap();
            let e = AppConfig::load(None, &o).unwrap_err().to_string();
            assert!(e.contains(name) && e.contains("must be a loopback address"), "{name}: {e}");
        }
        let mut short = line.clone();
        short.as_object_mut().unwrap().remove("okx");
        std::fs::write(&file, format!("{short}\n")).unwrap();
        let e = AppConfig::load(None, &o).unwrap_err().to_string();
        assert!(e.contains("it has no \"okx\" URL"), "every endpoint of the table must be in the line: {e}");
        std::fs::write(&file, "{\"xero_api\": 1}").unwrap();
        let e = AppConfig::load(None, &o).unwrap_err().to_string();
        assert!(e.contains("sandbox.json") && e.contains("not the sandbox's start-up line"), "{e}");
    }

    #[test]
    fn command_line_profile_wins_over_the_file() {
        let o = Overrides { profile: Some(Profile::Sandbox), ..Default::default() };
        let c = AppConfig::parse("profile = \"production\"", "t", &o).unwrap();
        assert_eq!(c.profile, Profile::Sandbox);
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        for (text, needle) in [
            ("profile = \"staging\"", "profile must be"),
            ("[providers]\nxero_api = \"not a url\"", "xero_api is not a URL"),
            ("[providers]\nokx = \"http://okx.example.com\"", "must use https"),
            ("unknown_key = 1", "unknown field"),
            ("[secrets]\nallow_plaintext = true", "only be allowed for one start with --allow-plaintext-secrets"),
            (
                "[providers]\nacme = \"https://acme.example\"",
                "providers.acme is not a known endpoint (known: xero_identity",
            ),
            ("[providers]\nopenai = \"ftp://x\"", "http(s) URL"),
            // Security review 2026-12 #2: a sandbox profile pointed anywhere but this machine.
            (
                "profile = \"sandbox\"\n[providers]\nxero_api = \"http://attacker.example\"",
                "must be a loopback address",
            ),
            ("profile = \"sandbox\"\nsandbox_origin = \"http://127.0.0.1:4010\"", "unknown field `sandbox_origin`"),
            (
                "profile = \"sandbox\"\n[providers]\nokta_issuer = \"https://acme.okta.com/oauth2/default\"",
                "okta_issuer must be a loopback address",
            ),
            ("[okta]\noffline_grace_days = 0", "okta.offline_grace_days: offline grace must be 1 to 30 days"),
            ("[xero]\nhttps_redirect_uri = \"http://example.com/cb\"", "must be an https URL"),
            ("[okta]\nidle_lock_minutes = 5000", "okta.idle_lock_minutes: idle lock must be at most 1440"),
            ("[okta]\nredirect_uri = \"myapp:/cb\"", "reverse-DNS"),
            ("[okta.roles]\nowner = []", "maps no group"),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text:?} gave {e:?}");
            assert!(e.contains("test.toml"), "error names the file: {e}");
        }
    }

    #[test]
    fn a_single_url_can_be_overridden() {
        let c = parse("[providers]\nopenai = \"https://proxy.example.com/v1\"").unwrap();
        assert_eq!(c.providers.get("openai").unwrap().as_str(), "https://proxy.example.com/v1");
        assert_eq!(c.providers.get("xero_api").unwrap().as_str(), "https://api.xero.com/");
    }
}
