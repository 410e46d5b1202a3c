//! The `--state FILE` document: every emulator's saved state plus what the server itself owns
//! (the seed it started from, the simulated clock's offset), and how it is read and written.
//!
//! ```json
//! {"version": 1, "seed": "demo", "clock_offset_ms": 259200000,
//!  "xero": {...}, "okta": {...}, "gocardless": {...}, "saferpay": {...}, "okx": {...}, "openai": {...}}
//! ```
//! No URL is stored: emulators are restored at whatever address the new run listens on.

use crate::{Emulators, Urls};
use serde::{Deserialize, Deserializer, Serialize};
use std::hash::Hasher;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use xp_sandbox_kit::persist::{Persist, Saving};
use xp_sandbox_kit::{Ctx, Seed};

/// Bumped when a saved document could no longer be read the old way.
pub const VERSION: u64 = 1;

/// The document as written: each emulator serialises its own section straight into the file,
/// taking its lock only for that section.
#[derive(Serialize)]
struct Writing<'a> {
    version: u64,
    seed: String,
    clock_offset_ms: i64,
    xero: Saving<'a, xp_sandbox_xero::Emulator>,
    okta: Saving<'a, xp_sandbox_okta::Emulator>,
    gocardless: Saving<'a, xp_sandbox_gocardless::Emulator>,
    saferpay: Saving<'a, xp_sandbox_saferpay::Emulator>,
    okx: Saving<'a, xp_sandbox_okx::Emulator>,
    openai: Saving<'a, xp_sandbox_openai::Emulator>,
}

type SavedOf<E> = <E as Persist>::Saved;

/// The document as read. `version` comes first in every file this sandbox writes, so a file of
/// another version is refused as soon as it is seen, before its sections are parsed.
#[derive(Deserialize)]
pub(crate) struct Document {
    #[serde(rename = "version", deserialize_with = "known_version")]
    _version: u64,
    #[serde(deserialize_with = "seed")]
    seed: Seed,
    clock_offset_ms: i64,
    xero: SavedOf<xp_sandbox_xero::Emulator>,
    okta: SavedOf<xp_sandbox_okta::Emulator>,
    gocardless: SavedOf<xp_sandbox_gocardless::Emulator>,
    saferpay: SavedOf<xp_sandbox_saferpay::Emulator>,
    okx: SavedOf<xp_sandbox_okx::Emulator>,
    openai: SavedOf<xp_sandbox_openai::Emulator>,
}

fn known_version<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let version = u64::deserialize(d)?;
    if version != VERSION {
        return Err(serde::de::Error::custom(format!("version {version} is not one this sandbox reads ({VERSION})")));
    }
    Ok(version)
}

fn seed<'de, D: Deserializer<'de>>(d: D) -> Result<Seed, D::Error> {
    Seed::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
}

/// Writes the whole document to `w`.
pub(crate) fn write_document(w: impl Write, ctx: &Ctx, seed: Seed, e: &Emulators) -> Result<(), String> {
    let doc = Writing {
        version: VERSION,
        seed: seed.to_string(),
        clock_offset_ms: i64::try_from(ctx.clock.offset().whole_milliseconds()).unwrap_or(i64::MAX),
        xero: Saving(&e.xero),
        okta: Saving(&e.okta),
        gocardless: Saving(&e.gocardless),
        saferpay: Saving(&e.saferpay),
        okx: Saving(&e.okx),
        openai: Saving(&e.openai),
    };
    serde_json::to_writer(w, &doc).map_err(|e| e.to_string())
}

/// The emulators a document describes, served at `urls`, and the seed the state began from.
/// Moves `ctx`'s simulated clock to the saved offset.
pub(crate) fn restore(ctx: &Ctx, urls: &Urls, doc: Document) -> Result<(Emulators, Seed), String> {
    // A fresh clock has offset zero and only moves forward, so advancing sets it.
    ctx.clock.advance(time::Duration::milliseconds(doc.clock_offset_ms));
    let section = |name: &'static str| move |e: String| format!("{name}: {e}");
    let emulators = Emulators {
        xero: Persist::from_saved(ctx.clone(), urls.xero(), doc.xero).map_err(section("xero"))?,
        okta: Persist::from_saved(ctx.clone(), urls.okta.clone(), doc.okta).map_err(section("okta"))?,
        gocardless: Persist::from_saved(ctx.clone(), urls.gocardless.clone(), doc.gocardless)
            .map_err(section("gocardless"))?,
        saferpay: Persist::from_saved(ctx.clone(), urls.saferpay.clone(), doc.saferpay).map_err(section("saferpay"))?,
        okx: Persist::from_saved(ctx.clone(), urls.okx.clone(), doc.okx).map_err(section("okx"))?,
        openai: Persist::from_saved(ctx.clone(), urls.openai.clone(), doc.openai).map_err(section("openai"))?,
    };
    Ok((emulators, doc.seed))
}

/// A document from the bytes of FILE.
pub(crate) fn parse(bytes: &[u8]) -> Result<Document, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("not a sandbox state file: {e}"))
}

/// The parsed FILE, or `None` if there is none yet. Anything else that goes wrong is an error:
/// a file that cannot be read is never silently replaced by a fresh seed.
pub(crate) fn read(path: &Path) -> Result<Option<Document>, String> {
    match std::fs::read(path) {
        Ok(bytes) => parse(&bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read it: {e}")),
    }
}

/// What [`write_atomic`] did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Written {
    /// FILE now holds the new bytes, whose hash this is.
    Replaced(u64),
    /// The bytes hashed to `unchanged`: FILE was left as it was.
    Unchanged,
}

/// What [`write_atomic`] hands its writer: buffered in front of the hash, so the hash sees
/// large blocks rather than serde's many small writes.
pub(crate) type Out = BufWriter<Hashing<std::fs::File>>;

/// Streams `write` into `FILE.tmp`, then replaces FILE with it (synced first, so a crash leaves
/// the old state or the new one, never half of one), unless the bytes hash to `unchanged`.
/// Hashing while writing spares holding the whole document in memory to compare it.
pub(crate) fn write_atomic(
    path: &Path,
    unchanged: Option<u64>,
    write: impl FnOnce(&mut Out) -> Result<(), String>,
) -> Result<Written, String> {
    let tmp = tmp_path(path);
    let cannot = |e: std::io::Error| format!("cannot write it: {e}");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    // The file holds the demo credentials and live tokens: readable by its owner only.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&tmp).map_err(cannot)?;
    let mut out = BufWriter::with_capacity(1 << 20, Hashing { inner: file, hash: Default::default() });
    let written = write(&mut out).and_then(|()| out.into_inner().map_err(|e| cannot(e.into_error())));
    let Hashing { inner: file, hash } = match written {
        Ok(h) => h,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    let hash = hash.finish();
    if unchanged == Some(hash) {
        drop(file);
        let _ = std::fs::remove_file(&tmp);
        return Ok(Written::Unchanged);
    }
    file.sync_all().map_err(cannot)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(cannot)?;
    // POSIX makes the rename itself durable only once the directory is synced.
    #[cfg(unix)]
    {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(Written::Replaced(hash))
}

/// A writer that hashes what passes through it (the state can be large; a 64-bit hash is
/// enough to tell "unchanged" apart).
pub(crate) struct Hashing<W> {
    inner: W,
    hash: std::collections::hash_map::DefaultHasher,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.write(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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

    fn write(path: &Path, unchanged: Option<u64>, bytes: &[u8]) -> Written {
        write_atomic(path, unchanged, |out| out.write_all(bytes).map_err(|e| e.to_string())).expect("writes")
    }

    #[test]
    fn writes_replace_the_file_whole_and_leave_no_temporary_behind() {
        let path = scratch("write");
        let Written::Replaced(first) = write(&path, None, b"{\"a\":1}") else { panic!("a new FILE is written") };
        let Written::Replaced(second) = write(&path, Some(first), b"{\"b\":2}") else {
            panic!("other bytes replace FILE")
        };
        assert_ne!(first, second, "different bytes hash differently");
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
    fn the_same_bytes_again_leave_the_file_alone() {
        let path = scratch("same");
        let Written::Replaced(hash) = write(&path, None, b"{\"a\":1}") else { panic!("a new FILE is written") };
        let before = std::fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(write(&path, Some(hash), b"{\"a\":1}"), Written::Unchanged);
        let after = std::fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
        assert_eq!(before, after, "an unchanged state is not written again");
        assert!(!tmp_path(&path).exists(), "the temporary copy is removed");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let path = scratch("fail");
        write(&path, None, b"{\"a\":1}");
        let r = write_atomic(&path, None, |out| {
            out.write_all(b"{\"half").map_err(|e| e.to_string())?;
            Err("an emulator could not save".into())
        });
        assert_eq!(r, Err("an emulator could not save".into()));
        assert_eq!(std::fs::read(&path).expect("read"), b"{\"a\":1}", "FILE keeps the last good state");
        assert!(!tmp_path(&path).exists(), "the half-written temporary is removed");
    }

    #[test]
    fn a_missing_file_is_none_and_a_broken_one_an_error() {
        let path = scratch("read");
        assert!(matches!(read(&path), Ok(None)), "no file yet: seed and create it");
        std::fs::write(&path, b"{\"version\": 1, ").expect("write");
        assert!(read(&path).err().unwrap_or_default().starts_with("not a sandbox state file"));
        std::fs::write(&path, b"").expect("write");
        assert!(read(&path).is_err(), "an empty file is broken, not absent");
    }

    fn document(ctx: &Ctx, seed: Seed, e: &Emulators) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_document(&mut bytes, ctx, seed, e).expect("document");
        bytes
    }

    #[test]
    fn a_document_restores_to_emulators_that_save_the_same_document() {
        let ctx = Ctx::new(std::time::Duration::from_secs(60));
        ctx.clock.advance(time::Duration::days(3) + time::Duration::milliseconds(250));
        let here = Urls::of(&[([127, 0, 0, 1], 1).into(); 6]).expect("urls");
        let first = document(&ctx, Seed::Demo, &Emulators::seeded(&ctx, Seed::Demo, &here));

        let ctx2 = Ctx::new(std::time::Duration::from_secs(60));
        let elsewhere = Urls::of(&[([127, 0, 0, 1], 2).into(); 6]).expect("urls");
        let (emulators, seed) = restore(&ctx2, &elsewhere, parse(&first).expect("parses")).expect("restores");
        assert_eq!(seed, Seed::Demo);
        assert_eq!(ctx2.clock.offset(), ctx.clock.offset(), "the simulated clock is where it was");
        let again = document(&ctx2, seed, &emulators);
        assert!(first == again, "restore then save is the identity on the document");
        let text = String::from_utf8(again).expect("UTF-8");
        assert!(!text.contains("127.0.0.1:1/"), "no URL is stored, so a restart may listen elsewhere");
        assert!(text.starts_with("{\"version\":1,"), "the version comes first, so another one is refused early");
    }

    #[test]
    fn documents_of_another_version_or_missing_a_section_are_refused() {
        let err = |doc: &str| parse(doc.as_bytes()).err().unwrap_or_default();
        let e = err(r#"{"version": 2, "xero": "a section of some other shape"}"#);
        assert!(e.contains("version 2 is not one this sandbox reads"), "refused for its version: {e}");
        let e = err(r#"{"version": 1, "seed": "huge", "clock_offset_ms": 0}"#);
        assert!(e.contains("unknown seed"), "{e}");
        let e = err(r#"{"version": 1, "seed": "demo", "clock_offset_ms": 0}"#);
        assert!(e.contains("missing field `xero`"), "{e}");
        let e = err(r#"{"seed": "demo"}"#);
        assert!(e.contains("missing field `version`"), "{e}");
    }
}
