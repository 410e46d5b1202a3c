//! The audit trail: append-only (enforced by triggers) and hash-chained, so an edit made to the
//! file outside the app shows up in `verify`.
//!
//! In the app the chain is keyed and anchored (security review 2026-12 #10): each entry's link
//! is an HMAC-SHA256 under a key kept in the OS keychain, so rewriting the chain and hashing it
//! again needs that key; and after each append the newest entry's number and link are saved,
//! signed, outside the table (the keychain), so removing the newest entries shows up too.

use crate::timefmt::fmt;
use crate::{Error, Result, Store};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use time::OffsetDateTime;

/// The chain's anchor: the "previous hash" of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
}

pub struct NewEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: serde_json::Value,
}

/// Pure: the hash of one entry given its predecessor's hash. Fields are length-prefixed so
/// that moving text from one field to the next changes the hash.
pub fn entry_hash(prev_hash: &str, at: &str, actor: &str, action: &str, subject: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    for field in [prev_hash, at, actor, action, subject, detail] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Pure: the keyed link of one entry (same framing as [`entry_hash`]).
pub fn entry_mac(
    key: &[u8; 32],
    prev_hash: &str,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for field in [prev_hash, at, actor, action, subject, detail] {
        m.update(&(field.len() as u64).to_be_bytes());
        m.update(field.as_bytes());
    }
    hex::encode(m.finalize().into_bytes())
}

/// Where the signed head lives, outside the table (the app keeps it in the keychain).
pub trait HeadStore: Send + Sync + std::fmt::Debug {
    fn load(&self) -> std::result::Result<Option<String>, String>;
    fn save(&self, head: &str) -> std::result::Result<(), String>;
}

/// The audit chain's key and the place of its signed head.
#[derive(Debug)]
pub struct Anchor {
    key: xp_core::Sensitive<[u8; 32]>,
    heads: std::sync::Arc<dyn HeadStore>,
}

/// The newest entry as of the last append: its number, its link, the first keyed entry, and a
/// MAC over them. Without the key a rewrite can only produce unkeyed links; `keyed_from` makes
/// such an entry the one named, not only the head that no longer matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
struct Head {
    seq: i64,
    hash: String,
    mac: String,
    /// Absent in heads written before it was recorded; their MAC covers `seq` and `hash` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keyed_from: Option<i64>,
}

impl Anchor {
    pub fn new(key: [u8; 32], heads: std::sync::Arc<dyn HeadStore>) -> Self {
        Self { key: xp_core::Sensitive::new(key), heads }
    }

    fn head_mac(&self, seq: i64, hash: &str, keyed_from: Option<i64>) -> String {
        let from = keyed_from.map(|k| k.to_string()).unwrap_or_default();
        entry_mac(self.key.expose(), "audit-head", &seq.to_string(), hash, &from, "", "")
    }

    fn save_head(&self, seq: i64, hash: &str, keyed_from: i64) -> Result<()> {
        let keyed_from = Some(keyed_from);
        let head = Head { seq, hash: hash.to_owned(), mac: self.head_mac(seq, hash, keyed_from), keyed_from };
        let text = serde_json::to_string(&head).map_err(|e| Error::Corrupt(e.to_string()))?;
        self.heads.save(&text).map_err(|e| Error::Corrupt(format!("cannot save the audit log's signed head: {e}")))
    }

    fn load_head(&self) -> Result<Option<Head>> {
        let Some(text) = self.heads.load().map_err(|e| Error::Corrupt(format!("cannot read the audit head: {e}")))?
        else {
            return Ok(None);
        };
        let head: Head = serde_json::from_str(&text).map_err(|_| Error::AuditChain {
            seq: 0,
            reason: "the signed head outside the log is unreadable".into(),
        })?;
        if head.mac != self.head_mac(head.seq, &head.hash, head.keyed_from) {
            return Err(Error::AuditChain {
                seq: head.seq,
                reason: "the signed head outside the log was altered".into(),
            });
        }
        Ok(Some(head))
    }
}

pub async fn append(store: &Store, entry: NewEntry<'_>, now: OffsetDateTime) -> Result<i64> {
    // BEGIN IMMEDIATE semantics: take the write lock before reading the tail so that two
    // appends cannot both chain onto the same predecessor.
    let mut conn = store.pool().acquire().await?;
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    let result = async {
        let prev: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
        let prev = prev.unwrap_or_else(|| GENESIS.to_owned());
        let at = fmt(now);
        let detail = entry.detail.to_string();
        let anchor = store.audit_anchor();
        let hash = match anchor {
            Some(a) => entry_mac(a.key.expose(), &prev, &at, entry.actor, entry.action, entry.subject, &detail),
            None => entry_hash(&prev, &at, entry.actor, entry.action, entry.subject, &detail),
        };
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash, keyed) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        )
        .bind(&at)
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.subject)
        .bind(&detail)
        .bind(&prev)
        .bind(&hash)
        .bind(anchor.is_some())
        .fetch_one(&mut *conn)
        .await?;
        // Unkeyed entries only come first, so this stops at the first keyed one.
        let keyed_from: i64 = sqlx::query_scalar("SELECT seq FROM audit_log WHERE keyed = 1 ORDER BY seq LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(seq);
        Ok::<_, Error>((seq, hash, keyed_from))
    }
    .await;
    match result {
        Ok((seq, hash, keyed_from)) => {
            sqlx::query("COMMIT").execute(&mut *conn).await?;
            // After the commit: a head ahead of the table would look like a removed entry. A
            // crash in between leaves the head one behind, which verify accepts (entries after
            // the head are still checked link by link, and only the key can make a link).
            if let Some(a) = store.audit_anchor() {
                a.save_head(seq, &hash, keyed_from)?;
            }
            Ok(seq)
        }
        Err(e) => {
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            Err(e)
        }
    }
}

/// Newest first.
pub async fn list(store: &Store, limit: i64) -> Result<Vec<Entry>> {
    let rows = sqlx::query("SELECT seq, at, actor, action, subject, detail FROM audit_log ORDER BY seq DESC LIMIT ?")
        .bind(limit)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let detail: String = r.try_get("detail")?;
            Ok(Entry {
                seq: r.try_get("seq")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                subject: r.try_get("subject")?,
                detail: serde_json::from_str(&detail).map_err(|e| Error::Corrupt(e.to_string()))?,
            })
        })
        .collect()
}

/// Walks the whole chain; returns the number of entries verified, or names the first bad
/// entry. Unkeyed entries (written before the chain was keyed) may only come first; a keyed
/// chain needs the anchor, and the anchor's signed head must still be in the table.
pub async fn verify(store: &Store) -> Result<i64> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash, keyed FROM audit_log ORDER BY seq",
    )
    .fetch_all(store.pool())
    .await?;
    let anchor = store.audit_anchor();
    let head = anchor.map(Anchor::load_head).transpose()?.flatten();
    let keyed_from = head.as_ref().and_then(|h| h.keyed_from);
    let mut prev = GENESIS.to_owned();
    let mut seen_keyed = false;
    let mut links = std::collections::HashMap::new();
    for r in &rows {
        let seq: i64 = r.try_get("seq")?;
        let stored_prev: String = r.try_get("prev_hash")?;
        let stored_hash: String = r.try_get("hash")?;
        let keyed: bool = r.try_get("keyed")?;
        if stored_prev != prev {
            return Err(Error::AuditChain { seq, reason: "previous-hash link does not match".into() });
        }
        let fields: [String; 5] =
            [r.try_get("at")?, r.try_get("actor")?, r.try_get("action")?, r.try_get("subject")?, r.try_get("detail")?];
        let [at, actor, action, subject, detail] = &fields;
        if let Some(from) = keyed_from.filter(|from| !keyed && seq >= *from) {
            return Err(Error::AuditChain {
                seq,
                reason: format!(
                    "the entry is unkeyed but the log is keyed from entry {from}: it was rewritten without the audit key"
                ),
            });
        }
        let expect = match (keyed, anchor) {
            (false, _) if seen_keyed => {
                return Err(Error::AuditChain { seq, reason: "an unkeyed entry follows keyed ones".into() })
            }
            (false, _) => entry_hash(&prev, at, actor, action, subject, detail),
            (true, Some(a)) => entry_mac(a.key.expose(), &prev, at, actor, action, subject, detail),
            (true, None) => {
                return Err(Error::AuditChain { seq, reason: "the entry is keyed and no audit key was given".into() })
            }
        };
        seen_keyed |= keyed;
        if expect != stored_hash {
            return Err(Error::AuditChain { seq, reason: "content does not match its hash".into() });
        }
        links.insert(seq, stored_hash.clone());
        prev = stored_hash;
    }
    if anchor.is_some() {
        let last = rows.last().map(|r| r.try_get::<i64, _>("seq")).transpose()?.unwrap_or(0);
        match head {
            Some(head) => match links.get(&head.seq) {
                Some(link) if *link == head.hash => {}
                Some(_) => {
                    return Err(Error::AuditChain { seq: head.seq, reason: "it is not the entry the signed head recorded".into() })
                }
                None => {
                    return Err(Error::AuditChain {
                        seq: head.seq,
                        reason: format!(
                            "the signed head records entries up to {} but the log ends at {last}: the newest entries were removed",
                            head.seq
                        ),
                    })
                }
            },
            None if seen_keyed => {
                return Err(Error::AuditChain { seq: last, reason: "the signed head outside the log is missing".into() })
            }
            None => {}
        }
    }
    Ok(rows.len() as i64)
}
