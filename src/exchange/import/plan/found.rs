//! The stored copies a plan compares its lines with: the accesses of a file read from
//! the database at once, and the records the batch's earlier files would write.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use foldhash::fast::RandomState;
use rusqlite::Connection;

use super::{Fields, Overlay, Stored, access_fields, case_fields};
use crate::exchange::import::ExportFile;
use crate::exchange::records;
use crate::exchange::wire::{AccessLine, Record};
use crate::register::stored::lookup::col;
use crate::register::stored::{LookedUp, Replaced, StoredAccess};
use crate::{Result, cases, register};

/// The stored accesses of `file`'s access lines, by id, read at once
/// ([`register::stored::each_by_ids`]): what [`stored`] finds in the database. With
/// `light` (no closed year to weigh, so no stored copy's fields are asked for but to
/// find a conflict), a copy whose revision differs from its line's, or which is proven
/// to be the line itself ([`same_access`]), is kept as its desk and revision alone
/// ([`Found::Known`]); only the others are made in full.
pub(super) fn stored_accesses(
    conn: &Connection,
    file: &ExportFile,
    light: bool,
) -> Result<Vec<Option<Found>>> {
    // each access line's place in the file, by id
    let mut places: HashMap<&str, usize, RandomState> =
        HashMap::with_capacity_and_hasher(file.records.len(), RandomState::default());
    places.extend(
        file.records
            .iter()
            .enumerate()
            .filter_map(|(i, (_, r))| match r {
                Record::Access(a) => Some((a.id.as_str(), i)),
                Record::Case(_) => None,
            }),
    );
    let line = |i: usize| match &file.records[i].1 {
        Record::Access(a) => Some(a),
        Record::Case(_) => None,
    };
    // in file order, which is usually the ids' order already
    let ids: Vec<&str> = file
        .records
        .iter()
        .filter_map(|(_, r)| match r {
            Record::Access(a) => Some(a.id.as_str()),
            Record::Case(_) => None,
        })
        .collect();
    let mut out: Vec<Option<Found>> = Vec::with_capacity(file.records.len());
    out.resize_with(file.records.len(), || None);
    let mut full = Vec::new();
    if light {
        register::stored::each_by_ids(conn, &ids, |a| {
            let Some((i, line)) = a
                .text(col::ID)?
                .and_then(|id| places.get(id))
                .and_then(|&i| Some((i, line(i)?)))
            else {
                return Ok(());
            };
            let revision = a.int(col::REVISION)?.unwrap_or_default();
            let same = revision == line.revision && same_access(a, line)?;
            if revision != line.revision || same {
                let desk = a.text(col::DESK)?.unwrap_or_default().to_string();
                // an older copy is replaced if the file is imported: what that needs
                // of it is taken now, so that the import need not read it again
                let replaced = (revision < line.revision)
                    .then(|| a.replaced().map(Box::new))
                    .transpose()?;
                out[i] = Some(Found::Known {
                    desk,
                    revision,
                    same,
                    replaced,
                });
            } else {
                full.push(line.id.as_str());
            }
            Ok(())
        })?;
    } else {
        full = ids;
    }
    for a in register::stored::by_ids(conn, &full)? {
        if let Some(&i) = places.get(a.id.as_str()) {
            out[i] = Some(Found::Access(Box::new(a)));
        }
    }
    Ok(out)
}

/// Whether the stored access `a` is, field for field, the live access `line` of the
/// same id and revision, as [`records::is_access_line`] would find it, compared where
/// it lies in the row. `false` also when it cannot tell at once (a tombstone, codes not
/// in order or holding characters JSON escapes): the copy is then read in full.
fn same_access(a: &LookedUp<'_>, line: &AccessLine) -> Result<bool> {
    if line.deleted {
        return Ok(false);
    }
    let flag = |i: usize| -> Result<Option<bool>> { Ok(a.int(i)?.map(|v| v != 0)) };
    let text = |i: usize, v: &Option<String>| -> Result<bool> { Ok(a.text(i)? == v.as_deref()) };
    Ok(a.int(col::DELETED)? == Some(0)
        && a.text(col::DATE)?.is_some_and(|d| is_date(d, line.date))
        && a.int(col::HOUR)? == line.hour
        && text(col::CHANNEL, &line.channel)?
        && text(col::NATIONALITY, &line.nationality)?
        && text(col::SEX, &line.sex)?
        && text(col::AGE_BAND, &line.age_band)?
        && flag(col::FIRST_ACCESS)? == line.first_access
        && text(col::REFERRED_BY, &line.referred_by)?
        && text(col::PERMIT, &line.permit)?
        && flag(col::ACCOMPANIMENT)? == line.accompaniment
        && flag(col::MEDIATION)? == line.mediation
        && is_codes(a.text(col::REASONS)?, line.reasons.as_deref())
        && is_codes(a.text(col::ACTIONS)?, line.actions.as_deref()))
}

/// Whether the stored `text` (`YYYY-MM-DD`) is `date`.
fn is_date(text: &str, date: NaiveDate) -> bool {
    let b = text.as_bytes();
    let number = |r: std::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(r)?;
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && i64::from(number(0..4).unwrap_or(u32::MAX)) == i64::from(date.year())
        && number(5..7) == Some(date.month())
        && number(8..10) == Some(date.day())
}

/// Whether the stored codes, a JSON array of strings in the stored order (`json`), are
/// `line`'s codes: only when those are in strictly ascending byte order (so the stored
/// order, sorted, is theirs) and hold nothing JSON would escape (so each code is its
/// own text between quotes).
fn is_codes(json: Option<&str>, line: Option<&[String]>) -> bool {
    let (Some(json), Some(codes)) = (json, line) else {
        return false;
    };
    if codes.windows(2).any(|w| w[0] >= w[1])
        || codes
            .iter()
            .any(|c| c.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20))
    {
        return false;
    }
    let Some(mut rest) = json.strip_prefix('[') else {
        return false;
    };
    for (i, code) in codes.iter().enumerate() {
        if i > 0 {
            let Some(r) = rest.strip_prefix(',') else {
                return false;
            };
            rest = r;
        }
        let Some(r) = rest
            .strip_prefix('"')
            .and_then(|r| r.strip_prefix(code.as_str()))
            .and_then(|r| r.strip_prefix('"'))
        else {
            return false;
        };
        rest = r;
    }
    rest == "]"
}

/// A stored copy as found: in the overlay (fields ready), or an access of the database
/// whose fields are made only when they are compared.
pub(super) enum Found {
    Stored(Stored),
    Access(Box<StoredAccess>),
    /// An access of the database known by its desk and revision, and whether it is the
    /// line itself: made only where no field of it is asked for (see
    /// [`stored_accesses`]).
    Known {
        desk: String,
        revision: i64,
        same: bool,
        /// What replacing it needs, when it is older than its line.
        replaced: Option<Box<Replaced>>,
    },
}

impl Found {
    pub(super) fn desk(&self) -> &str {
        match self {
            Found::Stored(s) => &s.desk,
            Found::Access(a) => &a.desk,
            Found::Known { desk, .. } => desk,
        }
    }

    pub(super) fn revision(&self) -> i64 {
        match self {
            Found::Stored(s) => s.revision,
            Found::Access(a) => a.revision,
            Found::Known { revision, .. } => *revision,
        }
    }

    /// The fields of the copy, for comparison.
    pub(super) fn fields(&self) -> Fields {
        match self {
            Found::Stored(s) => s.fields.clone(),
            Found::Access(a) => access_fields(&records::access_line((**a).clone())),
            // never made where fields are asked for: a copy of the same revision that is
            // not the line is read in full, and closed years read every copy in full
            Found::Known { .. } => unreachable!("the fields of an access known by revision"),
        }
    }

    /// Whether `line` is this very copy, field for field (then nothing differs).
    pub(super) fn is(&self, line: &Record) -> bool {
        match (self, line) {
            (Found::Access(a), Record::Access(l)) => records::is_access_line(a, l),
            (Found::Known { same, .. }, Record::Access(_)) => *same,
            _ => false,
        }
    }
}

/// The stored copy of `record`, the file's record at `place`, as the overlay or else
/// the database has it; the database's accesses are those of `accesses`
/// ([`stored_accesses`] of the file).
pub(super) fn stored(
    conn: &Connection,
    overlay: &Overlay,
    accesses: &mut [Option<Found>],
    (place, record): (usize, &Record),
) -> Result<Option<Found>> {
    if !overlay.records.is_empty()
        && let Some(s) = overlay
            .records
            .get(&(record.kind(), record.id().to_string()))
    {
        return Ok(Some(Found::Stored(s.clone())));
    }
    Ok(match record {
        Record::Access(_) => accesses.get_mut(place).and_then(Option::take),
        Record::Case(c) => cases::stored::by_id(conn, &c.id)?.map(|s| {
            Found::Stored(Stored {
                desk: s.desk.clone(),
                revision: s.revision,
                fields: case_fields(&records::case_line(s)),
            })
        }),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    use super::*;
    use crate::Store;

    #[test]
    fn codes_match_only_in_order_and_unescaped() {
        let codes = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert!(is_codes(Some(r#"["a","b"]"#), Some(&codes(&["a", "b"]))));
        assert!(is_codes(Some("[]"), Some(&[])));
        assert!(!is_codes(Some(r#"["b","a"]"#), Some(&codes(&["b", "a"]))));
        assert!(!is_codes(Some(r#"["a"]"#), Some(&codes(&["a", "b"]))));
        assert!(!is_codes(Some(r#"["a","b"]"#), Some(&codes(&["a"]))));
        assert!(!is_codes(Some(r#"["ab"]"#), Some(&codes(&["a"]))));
        assert!(!is_codes(Some(r#"["a\"b"]"#), Some(&codes(&["a\"b"]))));
        assert!(!is_codes(Some("[]"), None));
        assert!(!is_codes(None, Some(&[])));
    }

    #[test]
    fn dates_match_their_text() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        assert!(is_date("2024-03-05", d));
        assert!(!is_date("2024-03-06", d));
        assert!(!is_date("2024-3-05", d));
        assert!(!is_date("2024-03-05 ", d));
        assert!(!is_date("20a4-03-05", d));
    }

    fn stored(
        deleted: bool,
        hour: Option<i64>,
        channel: Option<&str>,
        reasons: Vec<String>,
        first_access: Option<bool>,
    ) -> StoredAccess {
        // a live access has every field (the table's check)
        let (hour, channel, first_access) = if deleted {
            (hour, channel, first_access)
        } else {
            (
                hour.or(Some(1)),
                channel.or(Some("x")),
                first_access.or(Some(true)),
            )
        };
        StoredAccess {
            id: "01860000-0000-7000-8000-000000000001".into(),
            desk: "FOL".into(),
            revision: 2,
            deleted,
            date: NaiveDate::from_ymd_opt(2024, 3, 5).unwrap(),
            hour,
            channel: channel.map(str::to_string),
            nationality: Some("MA".into()),
            sex: Some("maschio".into()),
            age_band: Some("30-39".into()),
            first_access,
            referred_by: Some("iniziativa_propria".into()),
            reasons,
            permit: Some("in_rinnovo".into()),
            actions: vec!["informazione".into()],
            accompaniment: Some(false),
            mediation: Some(true),
            change_seq: None,
        }
    }

    fn code_list() -> impl Strategy<Value = Vec<String>> {
        proptest::sample::subsequence(vec!["a", "b", "c\"", "d"], 0..4)
            .prop_map(|v| v.into_iter().map(str::to_string).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// An access proven the same in place is one the full comparison finds the
        /// same; and an exact live copy in code order is always proven so.
        #[test]
        fn proven_the_same_only_when_it_is(
            deleted in any::<bool>(),
            hour in proptest::option::of(0i64..3),
            channel in proptest::option::of(proptest::sample::select(vec!["x", "y"])),
            reasons in code_list(),
            first_access in proptest::option::of(any::<bool>()),
            edit in 0usize..9,
            other_reasons in proptest::option::of(code_list()),
        ) {
            let store = Store::open_in_memory().unwrap();
            let now = Utc.with_ymd_and_hms(2024, 3, 12, 9, 0, 0).unwrap();
            crate::desk::ensure_known(store.conn(), "FOL", now).unwrap();
            let a = stored(deleted, hour, channel, reasons, first_access);
            register::stored::write_imported(store.conn(), &a, "t").unwrap();
            let mut line = records::access_line(a.clone());
            match edit {
                0 => line.hour = line.hour.map(|h| h + 1),
                1 => line.channel = Some("z".into()),
                2 => line.first_access = line.first_access.map(|b| !b),
                3 => line.reasons = other_reasons,
                4 => line.deleted = !line.deleted,
                5 => line.mediation = None,
                6 => if let Some(r) = &mut line.reasons { r.reverse() },
                _ => {}
            }
            let exact = edit > 6;
            let mut seen = 0;
            register::stored::each_by_ids(store.conn(), &[a.id.as_str()], |row| {
                seen += 1;
                let same = same_access(row, &line)?;
                let full = records::is_access_line(&row.access()?, &line);
                assert!(!same || full, "proven the same, yet not: {line:?}");
                let plain = a.reasons.iter().chain(&a.actions).all(|c| !c.contains('"'));
                if exact && !a.deleted && plain {
                    assert!(same, "an exact copy is proven the same: {line:?}");
                }
                Ok(())
            })
            .unwrap();
            prop_assert_eq!(seen, 1);
        }
    }
}
