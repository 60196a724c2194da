//! The desk's side: a checked receipt taken into the database.
//!
//! - The codebook is brought up to the coordinator's version when the receipt's is
//!   newer than the last one taken: new entries added, entries retired or restored,
//!   labels changed. Nothing is ever deleted, so every code a record uses keeps its
//!   meaning (a retired code stays readable; entries the coordinator does not list stay).
//! - The appointment kinds and their documents are taken when the receipt is newer (by
//!   its `created_at`) than the last one taken; a kind is never deleted.
//! - The case services likewise (version 2): added, relabelled, retired or restored,
//!   never deleted, so a case keeps every service it names.
//! - The coordinator's public key (version 2), from a newer receipt: taken when the
//!   desk has none, and replacing a different one (the newer receipt wins; the change
//!   has its audit row, and [`Taken::recipient`] says it). A receipt without a key
//!   (`null`, or version 1) changes nothing: it never clears a key.
//! - What the coordinator received and is missing is remembered for the exchange view.
//!
//! An older or same receipt changes nothing. All of it in one transaction, with an
//! audit row per change.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::Receipt;
use super::wire::FileLine;
use crate::appointments::{self, Kind};
use crate::cases::services::{self, ServiceKind};
use crate::codebook::{self, List, NewEntry};
use crate::exchange::encryption;
use crate::store::{audit, settings};
use crate::{Error, Result, desk};

/// The coordinator's codebook version last taken from a receipt.
const CODEBOOK_VERSION: &str = "receipts.codebook_version";
/// What the last receipt taken says the coordinator has: a [`Standing`] as JSON.
const STANDING: &str = "receipts.standing";

/// What the coordinator has received from this desk, as the last receipt says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub coordinator: String,
    /// When the coordinator wrote the receipt (RFC 3339).
    pub created_at: String,
    pub received: Vec<(i64, i64)>,
    pub missing: Vec<i64>,
    pub files: Vec<FileLine>,
}

/// What taking a receipt did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taken {
    /// False when the receipt is not newer than the last one taken: nothing changed.
    pub newer: bool,
    pub codes_added: Vec<String>,
    pub codes_retired: Vec<String>,
    pub codes_restored: Vec<String>,
    pub codes_relabelled: Vec<String>,
    pub kinds_changed: Vec<String>,
    /// The case services added or changed.
    #[serde(default)]
    pub services_changed: Vec<String>,
    /// The coordinator's public key, when this receipt set it (none before, or a
    /// different one).
    #[serde(default)]
    pub recipient: Option<String>,
    /// The key it replaced, when there was one.
    #[serde(default)]
    pub recipient_replaced: Option<String>,
}

/// The standing the last receipt reported, if one was taken.
pub fn standing(conn: &Connection) -> Result<Option<Standing>> {
    settings::get(conn, STANDING)?
        .map(|s| serde_json::from_str(&s).map_err(Error::from))
        .transpose()
}

fn time(s: &str) -> Option<DateTime<chrono::FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

/// Takes `receipt` into the database of this desk (see the module's rules).
pub fn take(
    conn: &mut Connection,
    receipt: &Receipt,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<Taken> {
    let own = desk::own_code(conn)?;
    if receipt.header.desk != own {
        return Err(Error::invalid(
            "desk",
            format!(
                "this receipt is for desk {}, this is desk {own}: choose this desk's receipt",
                receipt.header.desk
            ),
        ));
    }
    let tx = conn.transaction()?;
    let mut taken = Taken::default();
    let last = standing(&tx)?;
    let newer = last
        .as_ref()
        .is_none_or(|l| time(&receipt.header.created_at) > time(&l.created_at));
    let id = &receipt.header.receipt_id;
    let log = |action: &str, entity: &str, what: &str| {
        audit::log(
            &tx,
            now,
            operator,
            action,
            entity,
            what,
            None,
            &format!("receipt {id}"),
        )
    };
    let known: i64 = settings::get(&tx, CODEBOOK_VERSION)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if receipt.codebook_version > known {
        let book = codebook::load(&tx)?;
        for line in &receipt.codes {
            let list: List = line.list.parse()?;
            let name = format!("{list}/{}", line.code);
            match book.entry(list, &line.code) {
                None => {
                    let entry = NewEntry {
                        code: line.code.clone(),
                        label: line.label.clone(),
                        label_en: line.label_en.clone(),
                        group: line.group,
                    };
                    codebook::add_entry(&tx, list, &entry)?;
                    if !line.active {
                        codebook::set_active(&tx, list, &line.code, false)?;
                    }
                    log("add", "codebook_entry", &name)?;
                    taken.codes_added.push(name);
                }
                Some(e) => {
                    if e.active != line.active {
                        codebook::set_active(&tx, list, &line.code, line.active)?;
                        let action = if line.active { "restore" } else { "retire" };
                        log(action, "codebook_entry", &name)?;
                        match line.active {
                            true => taken.codes_restored.push(name.clone()),
                            false => taken.codes_retired.push(name.clone()),
                        }
                    }
                    if codebook::set_labels(&tx, list, &line.code, &line.label, &line.label_en)? {
                        log("relabel", "codebook_entry", &name)?;
                        taken.codes_relabelled.push(name);
                    }
                }
            }
        }
        settings::set(&tx, CODEBOOK_VERSION, &receipt.codebook_version.to_string())?;
        taken.newer = true;
    }
    if newer {
        for k in &receipt.kinds {
            let kind = Kind {
                code: k.code.clone(),
                label_it: k.label.clone(),
                label_en: k.label_en.clone(),
                slot_minutes: u32::try_from(k.slot_minutes).unwrap_or(30),
                active: k.active,
                documents: k.documents.clone(),
            };
            if appointments::kinds::adopt(&tx, &kind)? {
                log("adopt", "appointment_kind", &k.code)?;
                taken.kinds_changed.push(k.code.clone());
            }
        }
        for s in &receipt.services {
            let kind = ServiceKind {
                code: s.code.clone(),
                label: s.label.clone(),
                label_en: s.label_en.clone(),
                active: s.active,
            };
            if services::adopt(&tx, &kind)? {
                log("adopt", "case_service_kind", &s.code)?;
                taken.services_changed.push(s.code.clone());
            }
        }
        if let Some(Some(key)) = &receipt.header.recipient {
            let before = encryption::recipient(&tx)?;
            if before.as_deref() != Some(key.as_str()) {
                // audited by the setting itself, naming the public key
                encryption::set_recipient(&tx, Some(key), now)?;
                taken.recipient = Some(key.clone());
                taken.recipient_replaced = before;
            }
        }
        let standing = Standing {
            coordinator: receipt.header.coordinator.clone(),
            created_at: receipt.header.created_at.clone(),
            received: receipt.sequences.received.clone(),
            missing: receipt.sequences.missing.clone(),
            files: receipt.files.clone(),
        };
        settings::set(&tx, STANDING, &serde_json::to_string(&standing)?)?;
        log("read", "receipt", id)?;
        taken.newer = true;
    }
    tx.commit()?;
    Ok(taken)
}
