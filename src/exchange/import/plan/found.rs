//! The stored copies a plan compares its lines with: the accesses of a file read from
//! the database at once, and the records the batch's earlier files would write.

use std::sync::Arc;

use rusqlite::Connection;

use super::{Fields, Overlay, Stored, access_fields, case_fields};
use crate::exchange::import::ExportFile;
use crate::exchange::records;
use crate::exchange::wire::{AccessLine, Record};
use crate::register::stored::lookup::col;
use crate::register::stored::{DateText, LookedUp, Replaced, StoredAccess};
use crate::{Result, cases, register};

/// The stored accesses of `file`'s access lines, by id, read at once
/// ([`register::stored::each_by_ids`]): what [`stored`] finds in the database. With
/// `light` (no closed year to weigh, so no stored copy's fields are asked for but to
/// find a conflict), a copy whose revision differs from its line's, or which is proven
/// to be the line itself (their keys are equal: [`line_key`], [`row_key_of`]), is kept
/// as its desk and revision alone
/// ([`Found::Known`]); only the others are made in full.
pub(super) fn stored_accesses(
    conn: &Connection,
    file: &ExportFile,
    light: bool,
) -> Result<Vec<Option<Found>>> {
    // the access lines in the order of their ids: a line's id is a canonical UUID, whose
    // text orders as its 128 bits, so the lookup (which reads in the ids' text order)
    // walks this list forward, and whatever it compares lies side by side
    let mut order: Vec<Line> = file
        .records
        .iter()
        .enumerate()
        .filter_map(|(i, (_, r))| match r {
            Record::Access(a) => Some(Line {
                bits: bits(&a.id)?,
                place: i,
                revision: a.revision,
            }),
            Record::Case(_) => None,
        })
        .collect();
    order.sort_unstable_by_key(|l| l.bits);
    let access = |i: usize| match &file.records[i].1 {
        Record::Access(a) => Some(a),
        Record::Case(_) => None,
    };
    let ids: Vec<&str> = order
        .iter()
        .filter_map(|l| Some(access(l.place)?.id.as_str()))
        .collect();
    let mut walk = Walk {
        order: &order,
        last: 0,
    };
    let mut found: Vec<(usize, Found)> = Vec::new();
    let mut full = Vec::new();
    if light {
        // the lines' keys, in `order`, made once a copy of a line's revision is found
        // (a file of new records or of revisions needs none)
        let mut keys: Option<LineKeys> = None;
        let mut row_key = Vec::new();
        let mut desks: Vec<Arc<str>> = Vec::new();
        register::stored::each_by_ids(conn, &ids, |a| {
            let Some(at) = a.text(col::ID)?.and_then(|id| walk.position(id)) else {
                return Ok(());
            };
            let line = &order[at];
            let revision = a.int(col::REVISION)?.unwrap_or_default();
            let same = revision == line.revision
                && match keys
                    .get_or_insert_with(|| LineKeys::of(order.iter().map(|l| access(l.place))))
                    .get(at)
                {
                    Some(key) => row_key_of(a, &mut row_key)? && row_key == key,
                    None => false,
                };
            if revision != line.revision || same {
                // the few desks there are shared, not a text made for each copy
                let desk = a.text(col::DESK)?.unwrap_or_default();
                let desk = match desks.iter().find(|d| &***d == desk) {
                    Some(d) => d.clone(),
                    None => {
                        let d: Arc<str> = Arc::from(desk);
                        desks.push(d.clone());
                        d
                    }
                };
                // an older copy is replaced if the file is imported: what that needs
                // of it is taken now, so that the import need not read it again
                let replaced = (revision < line.revision)
                    .then(|| a.replaced().map(Box::new))
                    .transpose()?;
                found.push((
                    line.place,
                    Found::Known {
                        desk,
                        revision,
                        same,
                        replaced,
                    },
                ));
            } else {
                full.extend(access(line.place).map(|l| l.id.as_str()));
            }
            Ok(())
        })?;
    } else {
        full = ids;
    }
    // the copies read in full come in id order too
    walk.last = 0;
    for a in register::stored::by_ids(conn, &full)? {
        if let Some(at) = walk.position(&a.id) {
            found.push((order[at].place, Found::Access(Box::new(a))));
        }
    }
    // into the file's order at last, each copy once
    let mut out: Vec<Option<Found>> = Vec::with_capacity(file.records.len());
    out.resize_with(file.records.len(), || None);
    for (place, f) in found {
        out[place] = Some(f);
    }
    Ok(out)
}

/// Finds lines in `order` (sorted by their bits) by id.
struct Walk<'o> {
    order: &'o [Line],
    /// Where the last one was found.
    last: usize,
}

impl Walk<'_> {
    /// The position in `order` of the line of id `id`: at or next to the last one found
    /// (the lookup comes in order), else searched after it (a line with no stored copy
    /// in between), else before it.
    fn position(&mut self, id: &str) -> Option<usize> {
        let bits = bits(id)?;
        let near =
            (self.last..self.order.len().min(self.last + 2)).find(|&i| self.order[i].bits == bits);
        let at = match near {
            Some(at) => at,
            None => {
                let from = match self.order.get(self.last) {
                    Some(l) if l.bits < bits => self.last,
                    _ => 0,
                };
                from + self.order[from..]
                    .binary_search_by_key(&bits, |l| l.bits)
                    .ok()?
            }
        };
        self.last = at;
        Some(at)
    }
}

/// An access line of the file as the lookup of stored copies walks them.
struct Line {
    /// Its id's ([`bits`]).
    bits: u128,
    /// Its place among the file's records.
    place: usize,
    revision: i64,
}

/// The 128 bits of a canonical UUID (lowercase, hyphenated); `None` for any other text.
fn bits(id: &str) -> Option<u128> {
    let u = uuid::Uuid::try_parse(id).ok()?;
    let mut text = uuid::Uuid::encode_buffer();
    (u.hyphenated().encode_lower(&mut text) == id).then(|| u.as_u128())
}

/// Whether the stored access `a` is, field for field, the live access `line` of the
/// same id and revision, as [`records::is_access_line`] would find it: their keys
/// ([`line_key`], [`row_key_of`]) are equal. `false` also when it cannot tell at once (a
/// tombstone, codes not in order or holding characters JSON escapes, a year not of four
/// digits): the copy is then read in full.
#[cfg(test)]
fn same_access(a: &LookedUp<'_>, line: &AccessLine) -> Result<bool> {
    let (mut key, mut row) = (Vec::new(), Vec::new());
    Ok(line_key(line, &mut key) && row_key_of(a, &mut row)? && key == row)
}

/// The keys ([`line_key`]) of access lines, side by side in one buffer.
struct LineKeys {
    bytes: Vec<u8>,
    /// Per line, where its key lies in `bytes`; `None` for a line [`line_key`] makes
    /// none of.
    spans: Vec<Option<(usize, usize)>>,
}

impl LineKeys {
    /// The keys of `lines`, in their order (`None`: no line there).
    fn of<'l>(lines: impl ExactSizeIterator<Item = Option<&'l AccessLine>>) -> Self {
        let mut bytes = Vec::with_capacity(lines.len() * 128);
        let mut key = Vec::new();
        let spans = lines
            .map(|line| match line {
                Some(line) if line_key(line, &mut key) => {
                    let start = bytes.len();
                    bytes.extend_from_slice(&key);
                    Some((start, bytes.len()))
                }
                _ => None,
            })
            .collect();
        LineKeys { bytes, spans }
    }

    fn get(&self, i: usize) -> Option<&[u8]> {
        let (start, end) = self.spans.get(i).copied().flatten()?;
        Some(&self.bytes[start..end])
    }
}

/// A key being written: the compared fields of a live access in one order and one
/// injective form, for a line and a stored row alike. Each value is a tag (0 for none,
/// 1 for a value) and, for a text, its length and bytes, for a number its eight bytes.
struct Key<'k>(&'k mut Vec<u8>);

impl Key<'_> {
    fn text(&mut self, v: Option<&[u8]>) {
        match v {
            None => self.0.push(0),
            Some(b) => {
                self.0.push(1);
                self.0.extend_from_slice(&(b.len() as u64).to_le_bytes());
                self.0.extend_from_slice(b);
            }
        }
    }

    fn int(&mut self, v: Option<i64>) {
        match v {
            None => self.0.push(0),
            Some(n) => {
                self.0.push(1);
                self.0.extend_from_slice(&n.to_le_bytes());
            }
        }
    }
}

/// The length of a line's codes as the lookup reads the stored ones (a JSON array of
/// strings in the table's key order, [`write_codes`]): `None` when they are missing,
/// not in strictly ascending byte order (then the stored order differs) or hold what
/// JSON escapes (then the text differs), so that equal texts mean equal codes.
fn codes_json_len(codes: Option<&[String]>) -> Option<usize> {
    let codes = codes?;
    let plain = codes
        .iter()
        .all(|c| !c.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20));
    (plain && codes.windows(2).all(|w| w[0] < w[1])).then(|| {
        2 + codes.iter().map(|c| c.len() + 3).sum::<usize>() - usize::from(!codes.is_empty())
    })
}

/// Writes `codes` as [`codes_json_len`] measured them.
fn write_codes(key: &mut Vec<u8>, codes: &[String]) {
    key.push(b'[');
    for (i, c) in codes.iter().enumerate() {
        if i > 0 {
            key.push(b',');
        }
        key.push(b'"');
        key.extend_from_slice(c.as_bytes());
        key.push(b'"');
    }
    key.push(b']');
}

/// The key of a live access line into `key`; `false` when it makes none: a tombstone,
/// or a date or codes a stored text cannot be compared with ([`DateText::exact`],
/// [`codes_json_len`]).
fn line_key(line: &AccessLine, key: &mut Vec<u8>) -> bool {
    key.clear();
    if line.deleted {
        return false;
    }
    let (Some(date), Some(reasons), Some(actions)) = (
        DateText::exact(line.date),
        codes_json_len(line.reasons.as_deref()),
        codes_json_len(line.actions.as_deref()),
    ) else {
        return false;
    };
    let flag = |v: Option<bool>| v.map(i64::from);
    fn text(v: &Option<String>) -> Option<&[u8]> {
        v.as_deref().map(str::as_bytes)
    }
    let mut k = Key(key);
    k.text(Some(date.as_str().as_bytes()));
    k.int(line.hour);
    k.text(text(&line.channel));
    k.text(text(&line.nationality));
    k.text(text(&line.sex));
    k.text(text(&line.age_band));
    k.int(flag(line.first_access));
    k.text(text(&line.referred_by));
    k.text(text(&line.permit));
    k.int(flag(line.accompaniment));
    k.int(flag(line.mediation));
    for (len, codes) in [(reasons, &line.reasons), (actions, &line.actions)] {
        k.0.push(1);
        k.0.extend_from_slice(&(len as u64).to_le_bytes());
        write_codes(k.0, codes.as_deref().unwrap_or_default());
    }
    true
}

/// The key of the stored access `a` into `key`, as [`line_key`] makes a line's;
/// `false` when it is not live.
fn row_key_of(a: &LookedUp<'_>, key: &mut Vec<u8>) -> Result<bool> {
    key.clear();
    if a.int(col::DELETED)? != Some(0) {
        return Ok(false);
    }
    let flag = |i: usize| -> Result<Option<i64>> { Ok(a.int(i)?.map(|v| i64::from(v != 0))) };
    let text = |i: usize| -> Result<Option<&[u8]>> { Ok(a.text(i)?.map(str::as_bytes)) };
    let mut k = Key(key);
    k.text(text(col::DATE)?);
    k.int(a.int(col::HOUR)?);
    k.text(text(col::CHANNEL)?);
    k.text(text(col::NATIONALITY)?);
    k.text(text(col::SEX)?);
    k.text(text(col::AGE_BAND)?);
    k.int(flag(col::FIRST_ACCESS)?);
    k.text(text(col::REFERRED_BY)?);
    k.text(text(col::PERMIT)?);
    k.int(flag(col::ACCOMPANIMENT)?);
    k.int(flag(col::MEDIATION)?);
    k.text(text(col::REASONS)?);
    k.text(text(col::ACTIONS)?);
    Ok(true)
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
        desk: Arc<str>,
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
    use chrono::{NaiveDate, TimeZone, Utc};
    use proptest::prelude::*;

    use super::*;
    use crate::Store;

    #[test]
    fn codes_compare_only_in_order_and_unescaped() {
        let codes = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let json = |v: &[&str]| {
            let v = codes(v);
            codes_json_len(Some(&v)).map(|len| {
                let mut out = Vec::new();
                write_codes(&mut out, &v);
                assert_eq!(out.len(), len, "the length written first is the text's");
                String::from_utf8(out).unwrap()
            })
        };
        assert_eq!(json(&["a", "bc"]).as_deref(), Some(r#"["a","bc"]"#));
        assert_eq!(json(&["a"]).as_deref(), Some(r#"["a"]"#));
        assert_eq!(json(&[]).as_deref(), Some("[]"));
        assert_eq!(json(&["b", "a"]), None);
        assert_eq!(json(&["a", "a"]), None);
        assert_eq!(json(&["a\"b"]), None);
        assert_eq!(json(&["a\\b"]), None);
        assert_eq!(json(&["a\nb"]), None);
        assert_eq!(codes_json_len(None), None);
    }

    #[test]
    fn dates_compare_as_their_text_of_four_digit_years() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let text = |date| DateText::exact(date).map(|t| t.as_str().to_string());
        assert_eq!(text(d(2024, 3, 5)).as_deref(), Some("2024-03-05"));
        assert_eq!(text(d(999, 12, 31)).as_deref(), Some("0999-12-31"));
        assert_eq!(text(d(10000, 3, 5)), None);
        assert_eq!(text(d(-1, 3, 5)), None);
    }

    #[test]
    fn keys_tell_none_from_empty_and_where_a_text_ends() {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        Key(&mut x).text(None);
        Key(&mut y).text(Some(b""));
        assert_ne!(x, y);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        let (mut kx, mut ky) = (Key(&mut x), Key(&mut y));
        kx.text(Some(b"ab"));
        kx.text(Some(b"c"));
        ky.text(Some(b"a"));
        ky.text(Some(b"bc"));
        assert_ne!(x, y);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        Key(&mut x).int(None);
        Key(&mut y).int(Some(0));
        assert_ne!(x, y);
    }

    #[test]
    fn lines_are_found_by_id_in_order_or_out_of_it() {
        let id = |n: u32| format!("0190a000-0000-4000-8000-{n:012x}");
        let mut order: Vec<Line> = [7, 3, 11, 5]
            .iter()
            .enumerate()
            .map(|(place, n)| Line {
                bits: bits(&id(*n)).unwrap(),
                place,
                revision: 1,
            })
            .collect();
        order.sort_unstable_by_key(|l| l.bits);
        let mut walk = Walk {
            order: &order,
            last: 0,
        };
        let place = |walk: &mut Walk, n: u32| walk.position(&id(n)).map(|at| order[at].place);
        // in order, as the lookup comes
        assert_eq!(place(&mut walk, 3), Some(1));
        assert_eq!(place(&mut walk, 5), Some(3));
        assert_eq!(place(&mut walk, 11), Some(2));
        // a line with no copy skipped (7, between 3 and 11), found after the last
        assert_eq!(place(&mut walk, 3), Some(1));
        assert_eq!(place(&mut walk, 11), Some(2));
        assert_eq!(walk.last, 3);
        // out of order, or again
        assert_eq!(place(&mut walk, 3), Some(1));
        assert_eq!(place(&mut walk, 11), Some(2));
        assert_eq!(place(&mut walk, 11), Some(2));
        assert_eq!(place(&mut walk, 7), Some(0));
        assert_eq!(place(&mut walk, 4), None, "no such line");
        assert_eq!(walk.position("NOT-A-UUID"), None);
    }

    #[test]
    fn only_canonical_ids_have_bits() {
        let id = "0190a000-0000-4000-8000-00000000000a";
        assert!(bits(id).is_some());
        assert_eq!(bits(&id.to_uppercase()), None);
        assert_eq!(bits(&id.replace('-', "")), None);
        assert_eq!(bits("nope"), None);
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
