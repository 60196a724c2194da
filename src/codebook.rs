//! The shared codebook: the eight category lists of an access and a case.
//!
//! Codes are stable forever: an entry is retired (`active = false`), never deleted or
//! re-coded, so a record of years ago keeps its meaning (the database refuses both).
//! Every change raises the codebook version (database triggers), which travels in the
//! export header so the coordinator can tell which codebook a desk used.

use std::fmt;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The eight lists, in the order of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum List {
    Channel,
    Sex,
    AgeBand,
    Nationality,
    ReferredBy,
    Reason,
    Permit,
    Action,
}

impl List {
    /// Every list, in contract order.
    pub const ALL: [List; 8] = [
        List::Channel,
        List::Sex,
        List::AgeBand,
        List::Nationality,
        List::ReferredBy,
        List::Reason,
        List::Permit,
        List::Action,
    ];

    /// The list's name as stored and as written in the contract.
    pub fn name(self) -> &'static str {
        match self {
            List::Channel => "channel",
            List::Sex => "sex",
            List::AgeBand => "age_band",
            List::Nationality => "nationality",
            List::ReferredBy => "referred_by",
            List::Reason => "reason",
            List::Permit => "permit",
            List::Action => "action",
        }
    }
}

impl fmt::Display for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for List {
    type Err = Error;
    fn from_str(s: &str) -> Result<List> {
        List::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| {
                Error::invalid(
                    "list",
                    format!(
                        "unknown codebook list '{s}' (one of: {})",
                        List::ALL.map(List::name).join(", ")
                    ),
                )
            })
    }
}

/// The report group of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelGroup {
    FrontDesk,
    PhoneMail,
}

impl ChannelGroup {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ChannelGroup::FrontDesk => "front_desk",
            ChannelGroup::PhoneMail => "phone_mail",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<ChannelGroup> {
        match s {
            "front_desk" => Some(ChannelGroup::FrontDesk),
            "phone_mail" => Some(ChannelGroup::PhoneMail),
            _ => None,
        }
    }
}

/// One entry of a list. `label` is the Italian label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub code: String,
    pub label: String,
    pub label_en: String,
    pub active: bool,
    pub sort_order: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<ChannelGroup>,
}

/// The whole codebook, lists in contract order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Codebook {
    pub version: i64,
    pub lists: Lists,
}

/// The eight lists, each ordered by sort order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lists {
    pub channel: Vec<Entry>,
    pub sex: Vec<Entry>,
    pub age_band: Vec<Entry>,
    pub nationality: Vec<Entry>,
    pub referred_by: Vec<Entry>,
    pub reason: Vec<Entry>,
    pub permit: Vec<Entry>,
    pub action: Vec<Entry>,
}

impl Lists {
    /// The entries of `list`.
    pub fn get(&self, list: List) -> &[Entry] {
        match list {
            List::Channel => &self.channel,
            List::Sex => &self.sex,
            List::AgeBand => &self.age_band,
            List::Nationality => &self.nationality,
            List::ReferredBy => &self.referred_by,
            List::Reason => &self.reason,
            List::Permit => &self.permit,
            List::Action => &self.action,
        }
    }
}

impl Codebook {
    /// The entry `code` of `list`, active or retired.
    pub fn entry(&self, list: List, code: &str) -> Option<&Entry> {
        self.lists.get(list).iter().find(|e| e.code == code)
    }

    /// The Italian label of `code` in `list`, or the code itself when unknown.
    pub fn label<'a>(&'a self, list: List, code: &'a str) -> &'a str {
        self.entry(list, code).map_or(code, |e| e.label.as_str())
    }
}

/// The current codebook version.
pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT version FROM codebook_version WHERE id = 1",
        [],
        |r| r.get(0),
    )?)
}

/// Loads the whole codebook, retired entries included.
pub fn load(conn: &Connection) -> Result<Codebook> {
    let mut stmt = conn.prepare(
        "SELECT code, label_it, label_en, active, sort_order, report_group
         FROM codebook_entries WHERE list = ?1 ORDER BY sort_order, code",
    )?;
    let mut read = |list: List| -> Result<Vec<Entry>> {
        let rows = stmt.query_map([list.name()], |r| {
            let group: Option<String> = r.get(5)?;
            Ok(Entry {
                code: r.get(0)?,
                label: r.get(1)?,
                label_en: r.get(2)?,
                active: r.get(3)?,
                sort_order: r.get(4)?,
                group: group.as_deref().and_then(ChannelGroup::parse),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    };
    let lists = Lists {
        channel: read(List::Channel)?,
        sex: read(List::Sex)?,
        age_band: read(List::AgeBand)?,
        nationality: read(List::Nationality)?,
        referred_by: read(List::ReferredBy)?,
        reason: read(List::Reason)?,
        permit: read(List::Permit)?,
        action: read(List::Action)?,
    };
    Ok(Codebook {
        version: version(conn)?,
        lists,
    })
}

/// The first active entry of `list` in the codebook's order, if any: what a form
/// proposes before the desk has records of its own.
pub fn first_active(conn: &Connection, list: List) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT code FROM codebook_entries WHERE list = ?1 AND active = 1
             ORDER BY sort_order, code LIMIT 1",
            [list.name()],
            |r| r.get(0),
        )
        .optional()?)
}

/// Whether `code` exists in `list`: `Some(active)`, or `None` when unknown.
pub fn lookup(conn: &Connection, list: List, code: &str) -> Result<Option<bool>> {
    Ok(conn
        .query_row(
            "SELECT active FROM codebook_entries WHERE list = ?1 AND code = ?2",
            params![list.name(), code],
            |r| r.get(0),
        )
        .optional()?)
}

/// Checks that `code` is an active entry of `list`, as required for new records.
/// `field` names the input field in the error.
pub fn require_active(conn: &Connection, list: List, code: &str, field: &str) -> Result<()> {
    match lookup(conn, list, code)? {
        Some(true) => Ok(()),
        Some(false) => Err(Error::invalid(
            field,
            format!("'{code}' is a retired {list} code: choose a current one"),
        )),
        None => Err(Error::invalid(
            field,
            format!("'{code}' is not a {list} code"),
        )),
    }
}

/// A new codebook entry.
#[derive(Debug, Clone, Deserialize)]
pub struct NewEntry {
    pub code: String,
    pub label: String,
    pub label_en: String,
    /// Required for channels, refused for other lists.
    pub group: Option<ChannelGroup>,
}

/// Checks the code and labels of a new entry of a list of stable codes (the codebook's,
/// or another list kept the same way): a code of 1 to 32 characters without spaces,
/// both labels.
pub fn check_new_entry(entry: &NewEntry) -> Result<()> {
    let code = entry.code.trim();
    if code.is_empty() || code.len() > 32 || code.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "code",
            "a code is 1 to 32 characters without spaces",
        ));
    }
    if entry.label.trim().is_empty() || entry.label_en.trim().is_empty() {
        return Err(Error::invalid("label", "both labels are required"));
    }
    Ok(())
}

/// Adds an entry at the end of `list`; the codebook version goes up by one.
pub fn add_entry(conn: &Connection, list: List, entry: &NewEntry) -> Result<()> {
    let code = entry.code.trim();
    check_new_entry(entry)?;
    if (list == List::Channel) != entry.group.is_some() {
        return Err(Error::invalid(
            "group",
            "channels, and only channels, take a report group (front_desk or phone_mail)",
        ));
    }
    if lookup(conn, list, code)?.is_some() {
        return Err(Error::Conflict(format!(
            "{list} code '{code}' exists already (codes are never reused)"
        )));
    }
    conn.execute(
        "INSERT INTO codebook_entries (list, code, label_it, label_en, active, sort_order, report_group)
         VALUES (?1, ?2, ?3, ?4, 1,
                 (SELECT COALESCE(MAX(sort_order), 0) + 10 FROM codebook_entries WHERE list = ?1), ?5)",
        params![
            list.name(),
            code,
            entry.label.trim(),
            entry.label_en.trim(),
            entry.group.map(ChannelGroup::as_str)
        ],
    )?;
    Ok(())
}

/// Retires (`active = false`) or restores an entry; the version goes up when it changes.
pub fn set_active(conn: &Connection, list: List, code: &str, active: bool) -> Result<()> {
    let n = conn.execute(
        "UPDATE codebook_entries SET active = ?3 WHERE list = ?1 AND code = ?2",
        params![list.name(), code, active],
    )?;
    if n == 0 {
        return Err(Error::NotFound {
            entity: "codebook entry",
            id: format!("{list}/{code}"),
        });
    }
    Ok(())
}

/// Sets the labels of an entry (the coordinator's wording, from a receipt); the version
/// goes up when they change. Returns whether they changed.
pub fn set_labels(
    conn: &Connection,
    list: List,
    code: &str,
    label: &str,
    label_en: &str,
) -> Result<bool> {
    if label.trim().is_empty() || label_en.trim().is_empty() {
        return Err(Error::invalid("label", "both labels are required"));
    }
    let n = conn.execute(
        "UPDATE codebook_entries SET label_it = ?3, label_en = ?4
         WHERE list = ?1 AND code = ?2 AND (label_it <> ?3 OR label_en <> ?4)",
        params![list.name(), code, label.trim(), label_en.trim()],
    )?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use std::collections::HashSet;

    #[test]
    fn every_list_is_filled_with_unique_codes() {
        let store = Store::open_in_memory().unwrap();
        let cb = load(store.conn()).unwrap();
        for list in List::ALL {
            let entries = cb.lists.get(list);
            assert!(!entries.is_empty(), "list {list} must not be empty");
            let codes: HashSet<_> = entries.iter().map(|e| &e.code).collect();
            assert_eq!(codes.len(), entries.len(), "codes of {list} must be unique");
        }
    }

    #[test]
    fn nationalities_cover_iso_countries_and_italy() {
        let store = Store::open_in_memory().unwrap();
        let cb = load(store.conn()).unwrap();
        assert!(
            cb.lists.nationality.len() >= 249 + 2,
            "every ISO 3166-1 country plus stateless and not declared"
        );
        assert_eq!(cb.label(List::Nationality, "IT"), "Italia");
        assert_eq!(cb.label(List::Nationality, "MA"), "Marocco");
        assert!(
            cb.entry(List::Nationality, "XX").is_some(),
            "stateless (apolide)"
        );
        assert!(cb.entry(List::Nationality, "ZZ").is_some(), "not declared");
    }

    #[test]
    fn channels_carry_their_report_group() {
        let store = Store::open_in_memory().unwrap();
        let cb = load(store.conn()).unwrap();
        assert!(cb.lists.channel.iter().all(|e| e.group.is_some()));
        assert_eq!(
            cb.entry(List::Channel, "telefono").unwrap().group,
            Some(ChannelGroup::PhoneMail)
        );
        assert_eq!(
            cb.entry(List::Channel, "sportello").unwrap().group,
            Some(ChannelGroup::FrontDesk)
        );
    }

    #[test]
    fn changes_raise_the_version_and_codes_are_never_deleted() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        assert_eq!(
            version(conn).unwrap(),
            1,
            "a new database has codebook version 1"
        );
        add_entry(
            conn,
            List::Reason,
            &NewEntry {
                code: "bonus".into(),
                label: "Bonus".into(),
                label_en: "Bonus".into(),
                group: None,
            },
        )
        .unwrap();
        assert_eq!(version(conn).unwrap(), 2);
        set_active(conn, List::Reason, "bonus", false).unwrap();
        assert_eq!(version(conn).unwrap(), 3);
        assert_eq!(lookup(conn, List::Reason, "bonus").unwrap(), Some(false));
        assert!(require_active(conn, List::Reason, "bonus", "reasons").is_err());
        let deleted = conn.execute("DELETE FROM codebook_entries WHERE code = 'bonus'", []);
        assert!(
            deleted.is_err(),
            "the database must refuse to delete an entry"
        );
        let recoded = conn.execute(
            "UPDATE codebook_entries SET code = 'x' WHERE code = 'bonus'",
            [],
        );
        assert!(
            recoded.is_err(),
            "the database must refuse to change a code"
        );
        let reused = add_entry(
            conn,
            List::Reason,
            &NewEntry {
                code: "bonus".into(),
                label: "B".into(),
                label_en: "B".into(),
                group: None,
            },
        );
        assert_eq!(reused.unwrap_err().code(), "conflict");
    }

    #[test]
    fn a_channel_needs_a_group_and_others_refuse_one() {
        let store = Store::open_in_memory().unwrap();
        let e = NewEntry {
            code: "pec".into(),
            label: "PEC".into(),
            label_en: "Certified email".into(),
            group: None,
        };
        assert!(add_entry(store.conn(), List::Channel, &e).is_err());
        let e = NewEntry {
            group: Some(ChannelGroup::PhoneMail),
            ..e
        };
        add_entry(store.conn(), List::Channel, &e).unwrap();
        assert!(
            add_entry(
                store.conn(),
                List::Sex,
                &NewEntry {
                    code: "y".into(),
                    ..e
                }
            )
            .is_err()
        );
    }
}
