//! The `--state FILE` document: every emulator's saved state plus what the server itself owns
//! (the seed it started from, the simulated clock's offset), and how it is read and written.
//!
//! ```json
//! {"version": 1, "seed": "demo", "clock_offset_ms": 259200000,
//!  "xero": {...}, "okta": {...}, "gocardless": {...}, "saferpay": {...}, "okx": {...}, "openai": {...}}
//! ```
//! No URL is stored: emulators are restored at whatever address the new run listens on.

use crate::{Emulators, Urls};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use xp_sandbox_kit::persist::field;
use xp_sandbox_kit::{Ctx, Seed};

/// Bumped when a saved document could no longer be read the old way.
pub const VERSION: u64 = 1;

/// The whole document, as the bytes written to FILE.
pub(crate) fn document(ctx: &Ctx, seed: Seed, e: &Emulators) -> Result<Vec<u8>, String> {
    let doc = json!({
        "version": VERSION,
        "seed": seed.to_string(),
        "clock_offset_ms": i64::try_from(ctx.clock.offset().whole_milliseconds()).unwrap_or(i64::MAX),
        "xero": e.xero.save()?,
        "okta": e.okta.save()?,
        "gocardless": e.gocardless.save()?,
        "saferpay": e.saferpay.save()?,
        "okx": e.okx.save()?,
        "openai": e.openai.save()?,
    });
    serde_json::to_vec(&doc).map_err(|e| e.to_string())
}

/// The emulators a document describes, served at `urls`, and the seed the state began from.
/// Moves `ctx`'s simulated clock to the saved offset.
pub(crate) fn restore(ctx: &Ctx, urls: &Urls, mut doc: Value) -> Result<(Emulators, Seed), String> {
    let version: u64 = field(&doc, "version")?;
    if version != VERSION {
        return Err(format!("version {version} is not one this sandbox reads ({VERSION})"));
    }
    let seed = Seed::parse(&field::<String>(&doc, "seed")?)?;
    let offset: i64 = field(&doc, "clock_offset_ms")?;
    // A fresh clock has offset zero and only moves forward, so advancing sets it.
    ctx.clock.advance(time::Duration::milliseconds(offset));
    let mut take = |name: &str| match doc.get_mut(name).map(Value::take) {
        Some(v) if v.is_object() => Ok(v),
        _ => Err(format!("missing section {name:?}")),
    };
    let emulators = Emulators {
        xero: xp_sandbox_xero::Emulator::restore(ctx.clone(), urls.xero(), take("xero")?)?,
        okta: xp_sandbox_okta::Emulator::restore(ctx.clone(), urls.at("/okta"), take("okta")?)?,
        gocardless: xp_sandbox_gocardless::Emulator::restore(ctx.clone(), urls.at("/gocardless"), take("gocardless")?)?,
        saferpay: xp_sandbox_saferpay::Emulator::restore(ctx.clone(), urls.at("/saferpay"), take("saferpay")?)?,
        okx: xp_sandbox_okx::Emulator::restore(ctx.clone(), urls.at("/okx"), take("okx")?)?,
        openai: xp_sandbox_openai::Emulator::restore(ctx.clone(), urls.at("/openai"), take("openai")?)?,
    };
    Ok((emulators, seed))
}

/// The parsed FILE, or `None` if there is none yet. Anything else that goes wrong is an error:
/// a file that cannot be read is never silently replaced by a fresh seed.
pub(crate) fn read(path: &Path) -> Result<Option<Value>, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| format!("not a sandbox state file: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read it: {e}")),
    }
}

/// `FILE.tmp`, written and synced before it replaces FILE, so a crash leaves the old state or
/// the new one, never half of one.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = tmp_path(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    // The file holds the demo credentials and live tokens: readable by its owner only.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    // POSIX makes the rename itself durable only once the directory is synced.
    #[cfg(unix)]
    {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".tmp");
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xp-sandbox-state-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir.join("state.json")
    }

    #[test]
    fn writes_replace_the_file_whole_and_leave_no_temporary_behind() {
        let path = scratch("write");
        write_atomic(&path, b"{\"a\":1}").expect("first write");
        write_atomic(&path, b"{\"b\":2}").expect("second write");
        assert_eq!(std::fs::read(&path).expect("read"), b"{\"b\":2}");
        assert!(!tmp_path(&path).exists(), "FILE.tmp is renamed over FILE");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("metadata").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "credentials are for the owner's eyes only");
        }
    }

    #[test]
    fn a_missing_file_is_none_and_a_broken_one_an_error() {
        let path = scratch("read");
        assert_eq!(read(&path), Ok(None), "no file yet: seed and create it");
        std::fs::write(&path, b"{\"version\": 1, ").expect("write");
        assert!(read(&path).unwrap_err().starts_with("not a sandbox state file"));
        std::fs::write(&path, b"").expect("write");
        assert!(read(&path).is_err(), "an empty file is broken, not absent");
    }

    #[test]
    fn a_document_restores_to_emulators_that_save_the_same_document() {
        let ctx = Ctx::new(std::time::Duration::from_secs(60));
        ctx.clock.advance(time::Duration::days(3) + time::Duration::milliseconds(250));
        let here = Urls::new("http://127.0.0.1:1".parse().expect("url"));
        let first = document(&ctx, Seed::Demo, &Emulators::seeded(&ctx, Seed::Demo, &here)).expect("document");

        let ctx2 = Ctx::new(std::time::Duration::from_secs(60));
        let elsewhere = Urls::new("http://127.0.0.1:2".parse().expect("url"));
        let doc: Value = serde_json::from_slice(&first).expect("JSON");
        let (emulators, seed) = restore(&ctx2, &elsewhere, doc).expect("restores");
        assert_eq!(seed, Seed::Demo);
        assert_eq!(ctx2.clock.offset(), ctx.clock.offset(), "the simulated clock is where it was");
        let again = document(&ctx2, seed, &emulators).expect("document");
        assert!(first == again, "restore then save is the identity on the document");
        let text = String::from_utf8(again).expect("UTF-8");
        assert!(!text.contains("127.0.0.1:1/"), "no URL is stored, so a restart may listen elsewhere");
    }

    #[test]
    fn documents_of_another_version_or_missing_a_section_are_refused() {
        let ctx = Ctx::new(std::time::Duration::from_secs(60));
        let urls = Urls::new("http://127.0.0.1:1".parse().expect("url"));
        let err = |doc: Value| restore(&ctx, &urls, doc).err().unwrap_or_default();
        assert!(err(json!({"version": 2, "seed": "demo", "clock_offset_ms": 0})).contains("version 2"));
        assert!(err(json!({"version": 1, "seed": "huge", "clock_offset_ms": 0})).contains("unknown seed"));
        assert_eq!(err(json!({"version": 1, "seed": "demo", "clock_offset_ms": 0})), "missing section \"xero\"");
        assert_eq!(err(json!({"seed": "demo"})), "missing field \"version\"");
    }
}
