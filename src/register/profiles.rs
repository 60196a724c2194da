//! Frequent profiles: the desk's most frequent complete accesses of the last weeks
//! (every characteristic but the date and hour), offered beside the form as one-key
//! templates (`Ctrl+1`...`Ctrl+9`): pick one, press Enter, and the access is recorded.
//!
//! Computed here from the desk's own live accesses; nothing of it is exported or sent
//! anywhere. The operator can pin a profile (always offered, first) or hide one (never
//! offered); those choices are the `register_profiles` rows, keyed by the profile's
//! canonical form, and stay on this machine. A profile using a code the codebook has
//! since retired is not offered: it could not be recorded.

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::accesses::NewAccess;
use crate::codebook::{Codebook, List};
use crate::{Error, Result, ids};

/// How far back the profiles look: six weeks of the desk's own accesses.
pub const PROFILE_WEEKS: u64 = 6;
/// How many profiles are offered (one per key, `Ctrl+1`...`Ctrl+9`).
pub const MOST_PROFILES: usize = 9;
/// How often a complete access must recur in the window to be offered unpinned.
pub const MIN_REPEATS: i64 = 2;

/// The characteristics a profile fixes: a complete access without date and hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traits {
    pub channel: String,
    pub nationality: String,
    pub sex: String,
    pub age_band: String,
    pub first_access: bool,
    pub referred_by: String,
    /// Sorted.
    pub reasons: Vec<String>,
    pub permit: String,
    /// Sorted.
    pub actions: Vec<String>,
    pub accompaniment: bool,
    pub mediation: bool,
}

impl Traits {
    /// The canonical key of the profile: its traits as compact JSON, lists sorted.
    pub fn key(&self) -> String {
        let mut t = self.clone();
        t.reasons.sort();
        t.actions.sort();
        serde_json::to_string(&t).expect("plain strings and booleans serialise")
    }

    /// The traits of `access`.
    pub fn from_access(access: &NewAccess) -> Traits {
        let mut reasons = access.reasons.clone();
        reasons.sort();
        let mut actions = access.actions.clone();
        actions.sort();
        Traits {
            channel: access.channel.clone(),
            nationality: access.nationality.clone(),
            sex: access.sex.clone(),
            age_band: access.age_band.clone(),
            first_access: access.first_access,
            referred_by: access.referred_by.clone(),
            reasons,
            permit: access.permit.clone(),
            actions,
            accompaniment: access.accompaniment,
            mediation: access.mediation,
        }
    }

    /// Reads a key back; `None` for anything that is not one.
    fn from_key(key: &str) -> Option<Traits> {
        let t: Traits = serde_json::from_str(key).ok()?;
        (t.key() == key).then_some(t)
    }

    /// The access this profile records on `date` at `hour`.
    pub fn access(&self, date: NaiveDate, hour: u8) -> NewAccess {
        NewAccess {
            date,
            hour,
            channel: self.channel.clone(),
            nationality: self.nationality.clone(),
            sex: self.sex.clone(),
            age_band: self.age_band.clone(),
            first_access: self.first_access,
            referred_by: self.referred_by.clone(),
            reasons: self.reasons.clone(),
            permit: self.permit.clone(),
            actions: self.actions.clone(),
            accompaniment: self.accompaniment,
            mediation: self.mediation,
        }
    }

    /// Whether every code is active in `codebook`, so the profile can be recorded.
    fn recordable(&self, codebook: &Codebook) -> bool {
        let one = |list: List, code: &str| codebook.entry(list, code).is_some_and(|e| e.active);
        one(List::Channel, &self.channel)
            && one(List::Nationality, &self.nationality)
            && one(List::Sex, &self.sex)
            && one(List::AgeBand, &self.age_band)
            && one(List::ReferredBy, &self.referred_by)
            && one(List::Permit, &self.permit)
            && !self.reasons.is_empty()
            && self.reasons.iter().all(|c| one(List::Reason, c))
            && !self.actions.is_empty()
            && self.actions.iter().all(|c| one(List::Action, c))
    }
}

/// A profile as offered: its traits, how many accesses of the window it matches, and
/// whether the operator pinned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub key: String,
    pub traits: Traits,
    pub count: i64,
    pub pinned: bool,
}

/// What the operator chose for a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Always offered, before the frequent ones.
    Pinned,
    /// Never offered.
    Hidden,
    /// Offered when frequent (the default; removes an earlier choice).
    Default,
}

/// The profiles offered on `today` for `desk`: pinned ones first, then the most
/// frequent complete accesses of the last [`PROFILE_WEEKS`] weeks that recur at least
/// [`MIN_REPEATS`] times, hidden ones left out, at most [`MOST_PROFILES`], each most
/// frequent first (ties by key, so the order is stable).
pub fn offered(
    conn: &Connection,
    codebook: &Codebook,
    desk: &str,
    today: NaiveDate,
) -> Result<Vec<Profile>> {
    let since = today - Days::new(PROFILE_WEEKS * 7);
    let counted = counts(conn, desk, since, today)?;
    let choices = choices(conn)?;
    let choice_of = |key: &str| {
        choices
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, c)| *c)
            .unwrap_or(Choice::Default)
    };
    let count_of = |key: &str| {
        counted
            .iter()
            .find(|(t, _)| t.key() == key)
            .map_or(0, |(_, n)| *n)
    };
    let mut pinned: Vec<Profile> = choices
        .iter()
        .filter(|(_, c)| *c == Choice::Pinned)
        .filter_map(|(key, _)| Traits::from_key(key).map(|t| (key, t)))
        .map(|(key, traits)| Profile {
            count: count_of(key),
            key: key.clone(),
            traits,
            pinned: true,
        })
        .collect();
    pinned.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    let frequent = counted
        .into_iter()
        .filter(|(_, n)| *n >= MIN_REPEATS)
        .map(|(traits, count)| Profile {
            key: traits.key(),
            traits,
            count,
            pinned: false,
        })
        .filter(|p| choice_of(&p.key) == Choice::Default);
    Ok(pinned
        .into_iter()
        .chain(frequent)
        .filter(|p| p.traits.recordable(codebook))
        .take(MOST_PROFILES)
        .collect())
}

/// Every complete access profile of `desk`'s live accesses dated `since` to `today`,
/// with its count, most frequent first (ties by key).
fn counts(
    conn: &Connection,
    desk: &str,
    since: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<(Traits, i64)>> {
    let mut stmt = conn.prepare_cached(
        "WITH recent AS (
             SELECT a.channel, a.nationality, a.sex, a.age_band, a.first_access,
                    a.referred_by, a.permit, a.accompaniment, a.mediation,
                    (SELECT group_concat(r.code, ',' ORDER BY r.code)
                       FROM access_reasons r WHERE r.access_id = a.id) AS reasons,
                    (SELECT group_concat(x.code, ',' ORDER BY x.code)
                       FROM access_actions x WHERE x.access_id = a.id) AS actions
             FROM accesses a
             WHERE a.desk = ?1 AND a.deleted = 0 AND a.date BETWEEN ?2 AND ?3)
         SELECT channel, nationality, sex, age_band, first_access, referred_by,
                coalesce(reasons, ''), permit, coalesce(actions, ''), accompaniment,
                mediation, COUNT(*) AS n
         FROM recent
         GROUP BY channel, nationality, sex, age_band, first_access, referred_by, reasons,
                  permit, actions, accompaniment, mediation",
    )?;
    let split = |s: String| -> Vec<String> {
        s.split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    let rows = stmt.query_map(params![desk, since.to_string(), today.to_string()], |r| {
        Ok((
            Traits {
                channel: r.get(0)?,
                nationality: r.get(1)?,
                sex: r.get(2)?,
                age_band: r.get(3)?,
                first_access: r.get(4)?,
                referred_by: r.get(5)?,
                reasons: split(r.get(6)?),
                permit: r.get(7)?,
                actions: split(r.get(8)?),
                accompaniment: r.get(9)?,
                mediation: r.get(10)?,
            },
            r.get::<_, i64>(11)?,
        ))
    })?;
    let mut all = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    all.sort_by_cached_key(|(t, n)| (-n, t.key()));
    Ok(all)
}

/// The operator's choices, by key.
fn choices(conn: &Connection) -> Result<Vec<(String, Choice)>> {
    let mut stmt = conn.prepare_cached("SELECT key, choice FROM register_profiles ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (key, choice) = row?;
        let choice = match choice.as_str() {
            "pinned" => Choice::Pinned,
            _ => Choice::Hidden,
        };
        out.push((key, choice));
    }
    Ok(out)
}

/// Pins, hides, or puts back (`Choice::Default`) the profile `key`.
pub fn choose(conn: &Connection, key: &str, choice: Choice, now: DateTime<Utc>) -> Result<()> {
    if Traits::from_key(key).is_none() {
        return Err(Error::invalid("profile", "not a profile of this register"));
    }
    let state = match choice {
        Choice::Pinned => "pinned",
        Choice::Hidden => "hidden",
        Choice::Default => {
            conn.execute("DELETE FROM register_profiles WHERE key = ?1", [key])?;
            return Ok(());
        }
    };
    conn.execute(
        "INSERT INTO register_profiles (key, choice, chosen_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET choice = excluded.choice, chosen_at = excluded.chosen_at",
        params![key, state, ids::timestamp(now)],
    )?;
    Ok(())
}

/// The hidden profiles, to put back from the list of hidden ones (count 0: not counted).
pub fn hidden(conn: &Connection) -> Result<Vec<Profile>> {
    Ok(choices(conn)?
        .into_iter()
        .filter(|(_, c)| *c == Choice::Hidden)
        .filter_map(|(key, _)| {
            Traits::from_key(&key).map(|traits| Profile {
                key,
                traits,
                count: 0,
                pinned: false,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook;
    use crate::register::accesses::tests::{desk_store, now, typical};
    use crate::register::accesses::{self, record_batch};

    fn record(store: &mut crate::Store, input: &NewAccess, count: u32) {
        record_batch(store.conn_mut(), input, count, "op", now()).unwrap();
    }

    fn offered_now(store: &crate::Store) -> Vec<Profile> {
        let cb = codebook::load(store.conn()).unwrap();
        offered(store.conn(), &cb, "FOL", now().today()).unwrap()
    }

    fn phone_call() -> NewAccess {
        NewAccess {
            channel: "telefono".into(),
            nationality: "AL".into(),
            sex: "maschio".into(),
            first_access: false,
            reasons: vec!["rinnovo_permesso".into(), "cittadinanza".into()],
            ..typical()
        }
    }

    #[test]
    fn the_most_frequent_complete_accesses_are_offered_most_frequent_first() {
        let mut store = desk_store();
        record(&mut store, &typical(), 3);
        record(&mut store, &phone_call(), 5);
        // Recurring once only: not a profile. Another day within six weeks still counts.
        record(
            &mut store,
            &NewAccess {
                age_band: "50-59".into(),
                ..typical()
            },
            1,
        );
        let earlier = NewAccess {
            date: now().today() - Days::new(20),
            ..typical()
        };
        record(&mut store, &earlier, 1);
        // Older than six weeks: not counted.
        let old = NewAccess {
            date: now().today() - Days::new(PROFILE_WEEKS * 7 + 1),
            ..phone_call()
        };
        record(&mut store, &old, 4);

        let got = offered_now(&store);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].count, 5);
        assert_eq!(got[0].traits.channel, "telefono");
        assert_eq!(
            got[0].traits.reasons,
            ["cittadinanza", "rinnovo_permesso"],
            "reasons sorted"
        );
        assert_eq!(got[1].count, 4, "three today and one twenty days ago");
        assert!(got.iter().all(|p| !p.pinned));

        // Recording a profile gives the same access back, on the day and hour asked.
        let access = got[1].traits.access(now().today(), 11);
        assert_eq!(
            access,
            NewAccess {
                hour: 11,
                date: now().today(),
                ..typical()
            }
        );
    }

    #[test]
    fn deleted_and_other_desks_accesses_do_not_count() {
        let mut store = desk_store();
        record(&mut store, &typical(), 2);
        let saved = accesses::list_for_day(store.conn(), "FOL", now().today()).unwrap();
        accesses::delete(
            store.conn_mut(),
            &saved[0].id,
            saved[0].revision,
            "op",
            now(),
        )
        .unwrap();
        assert!(
            offered_now(&store).is_empty(),
            "one live access is no profile"
        );
        let cb = codebook::load(store.conn()).unwrap();
        record(&mut store, &typical(), 1);
        assert!(
            offered(store.conn(), &cb, "GRO", now().today())
                .unwrap()
                .is_empty()
        );
        assert_eq!(offered_now(&store).len(), 1);
    }

    #[test]
    fn pinned_come_first_hidden_never_and_both_can_be_undone() {
        let mut store = desk_store();
        record(&mut store, &phone_call(), 5);
        record(&mut store, &typical(), 3);
        let lone = NewAccess {
            age_band: "50-59".into(),
            ..typical()
        };
        record(&mut store, &lone, 1);
        let lone_key = Traits::from_access(&lone).key();
        let when = now().utc();
        choose(store.conn(), &lone_key, Choice::Pinned, when).unwrap();
        let phone_key = offered_now(&store)
            .into_iter()
            .find(|p| p.traits.channel == "telefono")
            .unwrap()
            .key;
        choose(store.conn(), &phone_key, Choice::Hidden, when).unwrap();

        let got = offered_now(&store);
        let keys: Vec<&str> = got.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys.len(), 2, "{got:?}");
        assert_eq!(
            keys[0], lone_key,
            "a pinned profile first, though seen once"
        );
        assert!(got[0].pinned && got[0].count == 1);
        assert!(!keys.contains(&phone_key.as_str()), "hidden");
        assert_eq!(hidden(store.conn()).unwrap().len(), 1);

        choose(store.conn(), &phone_key, Choice::Default, when).unwrap();
        choose(store.conn(), &lone_key, Choice::Default, when).unwrap();
        let got = offered_now(&store);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].key, phone_key, "back, most frequent first");
        assert!(hidden(store.conn()).unwrap().is_empty());
        assert_eq!(
            choose(store.conn(), "{not a key", Choice::Pinned, when)
                .unwrap_err()
                .code(),
            "invalid"
        );
    }

    #[test]
    fn a_profile_with_a_retired_code_is_not_offered_and_at_most_nine_are() {
        let mut store = desk_store();
        for (i, nat) in ["MA", "AL", "RO", "UA", "SN", "NG", "PK", "BD", "TN", "EG"]
            .iter()
            .enumerate()
        {
            let n = 20 - i as u32;
            record(
                &mut store,
                &NewAccess {
                    nationality: (*nat).into(),
                    ..typical()
                },
                n,
            );
        }
        let got = offered_now(&store);
        assert_eq!(got.len(), MOST_PROFILES);
        assert_eq!(got[0].traits.nationality, "MA");
        assert!(
            got.iter().all(|p| p.traits.nationality != "EG"),
            "the tenth"
        );
        codebook::set_active(store.conn(), List::Nationality, "MA", false).unwrap();
        let got = offered_now(&store);
        assert_eq!(got.len(), MOST_PROFILES);
        assert_eq!(
            got[0].traits.nationality, "AL",
            "MA retired: not recordable"
        );
        assert_eq!(got[8].traits.nationality, "EG");
    }
}
