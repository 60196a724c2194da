//! Stored records to file lines and back: the one place where a row of the register
//! ([`StoredAccess`]) or of the cases ([`StoredCase`]) becomes a [`wire`](super::wire)
//! line, and a received line becomes a row to write.
//!
//! A stored record maps to a line field for field, keeping what is stored: the import
//! plan compares that with a received line. What leaves in a file is [`exported`]: the
//! same line, except that a tombstone carries only what the contract requires (`id`,
//! `revision`, `deleted` and `date` or `opened_on`), whatever the row still holds.

use super::wire::{AccessLine, CaseLine, Record};
use crate::cases::stored::StoredCase;
use crate::register::stored::StoredAccess;

/// The line of a stored access, every stored field kept. A code list is `None` only on
/// a tombstone stored without codes (a received one).
pub fn access_line(a: StoredAccess) -> AccessLine {
    let live = !a.deleted;
    AccessLine {
        id: a.id,
        revision: a.revision,
        deleted: a.deleted,
        date: a.date,
        hour: a.hour,
        channel: a.channel,
        nationality: a.nationality,
        sex: a.sex,
        age_band: a.age_band,
        first_access: a.first_access,
        referred_by: a.referred_by,
        reasons: (live || !a.reasons.is_empty()).then_some(a.reasons),
        permit: a.permit,
        actions: (live || !a.actions.is_empty()).then_some(a.actions),
        accompaniment: a.accompaniment,
        mediation: a.mediation,
    }
}

/// Whether `line` is the line of the stored access `a`: `access_line(a.clone()) ==
/// *line`, without the copy (the import compares every line of a file with its stored
/// record).
pub fn is_access_line(a: &StoredAccess, line: &AccessLine) -> bool {
    fn list(live: bool, v: &Vec<String>) -> Option<&Vec<String>> {
        (live || !v.is_empty()).then_some(v)
    }
    let live = !a.deleted;
    a.id == line.id
        && a.revision == line.revision
        && a.deleted == line.deleted
        && a.date == line.date
        && a.hour == line.hour
        && a.channel == line.channel
        && a.nationality == line.nationality
        && a.sex == line.sex
        && a.age_band == line.age_band
        && a.first_access == line.first_access
        && a.referred_by == line.referred_by
        && list(live, &a.reasons) == line.reasons.as_ref()
        && a.permit == line.permit
        && list(live, &a.actions) == line.actions.as_ref()
        && a.accompaniment == line.accompaniment
        && a.mediation == line.mediation
}

/// The row to store for an access line received from `desk` (its strings moved, not
/// copied).
pub fn received_access(line: AccessLine, desk: &str) -> StoredAccess {
    StoredAccess {
        id: line.id,
        desk: desk.to_string(),
        revision: line.revision,
        deleted: line.deleted,
        date: line.date,
        hour: line.hour,
        channel: line.channel,
        nationality: line.nationality,
        sex: line.sex,
        age_band: line.age_band,
        first_access: line.first_access,
        referred_by: line.referred_by,
        reasons: line.reasons.unwrap_or_default(),
        permit: line.permit,
        actions: line.actions.unwrap_or_default(),
        accompaniment: line.accompaniment,
        mediation: line.mediation,
        change_seq: None,
    }
}

/// The line of a stored case, every stored field kept (`closed_on` present, `null`
/// while open).
pub fn case_line(c: StoredCase) -> CaseLine {
    CaseLine {
        id: c.id,
        revision: c.revision,
        deleted: c.deleted,
        case_type: c.case_type,
        opened_on: c.opened_on,
        closed_on: Some(c.closed_on),
        reason: c.reason,
    }
}

/// The row to store for a case line received from `desk`.
pub fn received_case(line: &CaseLine, desk: &str) -> StoredCase {
    StoredCase {
        id: line.id.clone(),
        desk: desk.to_string(),
        revision: line.revision,
        deleted: line.deleted,
        case_type: line.case_type,
        opened_on: line.opened_on,
        closed_on: line.closed(),
        reason: line.reason.clone(),
        change_seq: None,
    }
}

/// `record` as it is written into an export file: a tombstone reduced to what the
/// contract requires, a live record unchanged.
pub fn exported(record: Record) -> Record {
    match record {
        Record::Access(a) if a.deleted => Record::Access(AccessLine {
            id: a.id,
            revision: a.revision,
            deleted: true,
            date: a.date,
            hour: None,
            channel: None,
            nationality: None,
            sex: None,
            age_band: None,
            first_access: None,
            referred_by: None,
            reasons: None,
            permit: None,
            actions: None,
            accompaniment: None,
            mediation: None,
        }),
        Record::Case(c) if c.deleted => Record::Case(CaseLine {
            id: c.id,
            revision: c.revision,
            deleted: true,
            case_type: None,
            opened_on: c.opened_on,
            closed_on: None,
            reason: None,
        }),
        live => live,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::CaseType;
    use crate::register::stored::tests::received as live_access;

    fn day(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn is_access_line_says_what_comparing_the_stored_access_line_says() {
        let live = live_access();
        let tomb = StoredAccess {
            deleted: true,
            actions: vec![],
            ..live_access()
        };
        let bare = StoredAccess {
            reasons: vec![],
            actions: vec![],
            ..tomb.clone()
        };
        for stored in [&live, &tomb, &bare] {
            let line = access_line(stored.clone());
            let mut others = vec![line.clone()];
            let mut other = line.clone();
            other.reasons = Some(vec!["lavoro".into(), "casa".into()]);
            others.push(other);
            let mut other = line.clone();
            other.actions = None;
            others.push(other);
            let mut other = line.clone();
            other.actions = Some(vec![]);
            others.push(other);
            let mut other = line.clone();
            other.hour = None;
            others.push(other);
            let mut other = line.clone();
            other.revision += 1;
            others.push(other);
            for l in &others {
                assert_eq!(
                    is_access_line(stored, l),
                    access_line(stored.clone()) == *l,
                    "{stored:?} / {l:?}"
                );
            }
        }
    }

    #[test]
    fn a_received_line_stored_and_read_back_is_the_same_line() {
        let line = access_line(live_access());
        assert_eq!(line.reasons, Some(vec!["casa".into(), "lavoro".into()]));
        assert_eq!(received_access(line.clone(), "GRO"), live_access());
        assert_eq!(access_line(received_access(line.clone(), "GRO")), line);
        let case = CaseLine {
            id: "c1".into(),
            revision: 1,
            deleted: false,
            case_type: Some(CaseType::Fast),
            opened_on: day("2024-03-01"),
            closed_on: Some(None),
            reason: Some("lavoro".into()),
        };
        assert_eq!(case_line(received_case(&case, "GRO")), case);
    }

    #[test]
    fn a_tombstone_keeps_what_is_stored_but_leaves_with_the_contracts_fields_only() {
        let tomb = StoredAccess {
            deleted: true,
            actions: vec![],
            ..live_access()
        };
        let kept = access_line(tomb);
        assert_eq!(kept.channel.as_deref(), Some("telefono"));
        assert_eq!(kept.actions, None, "no codes stored, none compared");
        assert!(kept.reasons.is_some(), "codes stored, codes compared");
        let Record::Access(sent) = exported(Record::Access(kept)) else {
            unreachable!()
        };
        assert_eq!(
            (sent.channel, sent.reasons, sent.date),
            (None, None, live_access().date)
        );
    }
}
