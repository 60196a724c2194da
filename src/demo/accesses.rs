//! The demo accesses of one desk and year.
//!
//! The counts the report checks are fixed before anything is drawn: how many accesses
//! of each channel, nationality and sex (shares by weight, [`quotas`]), then shuffled
//! so that they fall on random days. What the report does not rank against the seed
//! (age band, referrer, reasons, permit, actions) is drawn access by access. Days and
//! hours are drawn among the desk's front-office hours of the year, public holidays
//! excluded. The accesses are built and written in chunks, so that a million of them
//! never sit in memory at once.

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::Connection;

use super::profile::{self, Profile};
use super::random::{Draw, quotas};
use crate::Result;
use crate::appointments::holidays;
use crate::cases::CaseType;
use crate::desk::Hours;
use crate::register::stored::{self, StoredAccess};

/// How many accesses are built before they are written.
const CHUNK: usize = 10_000;

/// A day and an hour at which the desk answers.
pub(super) type Slot = (NaiveDate, u8);

/// The first hour and the hour after the last of an opening interval ("09:00" to
/// "13:00" gives 9..13); an interval ending at half past counts its last hour.
fn hour_range(hours: &Hours) -> (u32, u32) {
    let hh = |s: &str| s.get(..2).and_then(|h| h.parse::<u32>().ok()).unwrap_or(0);
    let closes = hh(&hours.closes) + u32::from(!hours.closes.ends_with(":00"));
    (hh(&hours.opens), closes)
}

/// Every slot of the desk from 1 January of `year` to `last_day`, in time order:
/// the front-office hours of each weekday (or [`profile::VIDEO_CALL_HOURS`] for a desk
/// without a front office), minus the national holidays.
pub(super) fn slots(front_office: &[Hours], year: i32, last_day: NaiveDate) -> Vec<Slot> {
    let weekly: Vec<(u32, u32, u32)> = if front_office.is_empty() {
        profile::VIDEO_CALL_HOURS.to_vec()
    } else {
        front_office
            .iter()
            .map(|h| {
                let (from, to) = hour_range(h);
                (u32::from(h.weekday), from, to)
            })
            .collect()
    };
    let mut out = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists");
    while day <= last_day {
        if holidays::holiday_name(day).is_none() {
            let weekday = day.weekday().number_from_monday();
            let mut hours: Vec<u32> = weekly
                .iter()
                .filter(|&&(w, _, _)| w == weekday)
                .flat_map(|&(_, from, to)| from..to)
                .collect();
            hours.sort_unstable();
            out.extend(hours.into_iter().map(|h| (day, h as u8)));
        }
        day = day + Days::new(1);
    }
    out
}

/// What a desk-year's accesses are to hold.
pub(super) struct Volume {
    pub front_desk: u64,
    pub phone_mail: u64,
    /// Accesses that opened a full case, and a fast one.
    pub full_cases: u64,
    pub fast_cases: u64,
}

/// Splits `total` by weight into codes and shuffles them: one code index per access.
fn shuffled_shares(draw: &mut Draw, total: u64, weighted: &[(&str, u32)]) -> Vec<u16> {
    let weights: Vec<u32> = weighted.iter().map(|&(_, w)| w).collect();
    let mut out = Vec::with_capacity(total as usize);
    for (i, n) in quotas(total, &weights).into_iter().enumerate() {
        out.extend(std::iter::repeat_n(i as u16, n as usize));
    }
    draw.shuffle(&mut out);
    out
}

/// Writes the accesses of `profile`'s desk into the caller's transaction, all stamped
/// `written_at`, and returns the day and type of each case they opened, in time order.
pub(super) fn write(
    conn: &Connection,
    draw: &mut Draw,
    profile: &Profile,
    volume: &Volume,
    slots: &[Slot],
    written_at: &str,
) -> Result<Vec<(NaiveDate, CaseType)>> {
    let n = volume.front_desk + volume.phone_mail;
    if n == 0 || slots.is_empty() {
        return Ok(vec![]);
    }
    let channels: Vec<&str> = profile
        .front_channels
        .iter()
        .chain(profile.phone_channels)
        .map(|&(c, _)| c)
        .collect();
    let mut channel = Vec::with_capacity(n as usize);
    let front: Vec<u32> = profile.front_channels.iter().map(|&(_, w)| w).collect();
    let phone: Vec<u32> = profile.phone_channels.iter().map(|&(_, w)| w).collect();
    for (i, k) in quotas(volume.front_desk, &front).into_iter().enumerate() {
        channel.extend(std::iter::repeat_n(i as u16, k as usize));
    }
    for (i, k) in quotas(volume.phone_mail, &phone).into_iter().enumerate() {
        channel.extend(std::iter::repeat_n((front.len() + i) as u16, k as usize));
    }
    draw.shuffle(&mut channel);
    let nationalities = profile::nationality_weights(profile);
    let nationality = shuffled_shares(draw, n, &nationalities);
    let sex = shuffled_shares(draw, n, profile.sex);
    // the attributes are shuffled, so time order can come from sorting the slots alone
    let mut slot: Vec<u32> = (0..n)
        .map(|_| draw.below(slots.len() as u64) as u32)
        .collect();
    slot.sort_unstable();
    // which accesses opened a case: 1 = full, 2 = fast
    let mut case = vec![0u8; n as usize];
    let mut unmarked = n;
    for (kind, wanted) in [(1u8, volume.full_cases), (2, volume.fast_cases)] {
        let mut marked = 0;
        while marked < wanted && unmarked > 0 {
            let i = draw.below(n) as usize;
            if case[i] == 0 {
                case[i] = kind;
                marked += 1;
                unmarked -= 1;
            }
        }
    }

    let mut opened = Vec::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    for i in 0..n as usize {
        let (date, hour) = slots[slot[i] as usize];
        let kind = match case[i] {
            1 => Some(CaseType::Full),
            2 => Some(CaseType::Fast),
            _ => None,
        };
        if let Some(kind) = kind {
            opened.push((date, kind));
        }
        let access = build(
            draw,
            profile.code,
            (date, hour),
            channels[channel[i] as usize],
            nationalities[nationality[i] as usize].0,
            profile.sex[sex[i] as usize].0,
            kind,
        );
        chunk.push(access);
        if chunk.len() == CHUNK {
            stored::insert_received(conn, &chunk, written_at)?;
            chunk.clear();
        }
    }
    stored::insert_received(conn, &chunk, written_at)?;
    Ok(opened)
}

/// A demo id: a UUIDv4 like every new id, its random bits drawn from `draw` so the
/// same command writes the same ids.
pub(super) fn demo_id(draw: &mut Draw) -> String {
    uuid::Builder::from_random_bytes(draw.bytes16())
        .into_uuid()
        .to_string()
}

/// One access with the given fixed characteristics and the rest drawn.
fn build(
    draw: &mut Draw,
    desk: &str,
    (date, hour): Slot,
    channel: &str,
    nationality: &str,
    sex: &str,
    case: Option<CaseType>,
) -> StoredAccess {
    let (reasons, permit) = if nationality == "IT" {
        (profile::REASONS_IT, "cittadino_italiano")
    } else if profile::EU.contains(&nationality) {
        (profile::REASONS_EU, "cittadino_ue")
    } else {
        (profile::REASONS_NON_EU, draw.pick(profile::PERMITS_NON_EU))
    };
    let first = draw.pick(reasons);
    let mut reason_codes = vec![first.to_string()];
    if draw.chance(15) {
        let second = draw.pick(reasons);
        if second != first {
            reason_codes.push(second.to_string());
        }
    }
    reason_codes.sort();
    let mut actions = vec![draw.pick(profile::actions_for(first))];
    let mediation = draw.chance(4);
    if mediation {
        actions.push("mediazione");
    }
    match case {
        Some(CaseType::Full) => actions.push("accompagnamento"),
        Some(CaseType::Fast) => actions.push("accompagnamento_veloce"),
        None => {}
    }
    actions.sort_unstable();
    actions.dedup();
    StoredAccess {
        id: demo_id(draw),
        desk: desk.to_string(),
        revision: 1,
        deleted: false,
        date,
        hour: Some(i64::from(hour)),
        channel: Some(channel.to_string()),
        nationality: Some(nationality.to_string()),
        sex: Some(sex.to_string()),
        age_band: Some(draw.pick(profile::AGE_BANDS).to_string()),
        first_access: Some(draw.chance(30)),
        referred_by: Some(draw.pick(profile::REFERRERS).to_string()),
        reasons: reason_codes,
        permit: Some(permit.to_string()),
        actions: actions.into_iter().map(String::from).collect(),
        accompaniment: Some(case == Some(CaseType::Full)),
        mediation: Some(mediation),
        change_seq: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn slots_fall_within_the_front_office_hours_and_skip_holidays() {
        for d in desk::presets() {
            let slots = slots(&d.front_office, 2023, day("2023-12-31"));
            assert!(!slots.is_empty(), "{} has slots", d.code);
            assert!(slots.windows(2).all(|w| w[0] <= w[1]), "in time order");
            for &(date, hour) in &slots {
                assert!(
                    holidays::holiday_name(date).is_none(),
                    "{date} is a holiday"
                );
                let weekday = date.weekday().number_from_monday();
                let open = if d.front_office.is_empty() {
                    profile::VIDEO_CALL_HOURS
                        .iter()
                        .any(|&(w, f, t)| w == weekday && (f..t).contains(&u32::from(hour)))
                } else {
                    d.front_office.iter().any(|h| {
                        let (f, t) = hour_range(h);
                        u32::from(h.weekday) == weekday && (f..t).contains(&u32::from(hour))
                    })
                };
                assert!(open, "{} is closed on {date} at {hour}", d.code);
            }
        }
    }

    #[test]
    fn grosseto_answers_nineteen_hours_a_week() {
        let gro = &desk::presets()[0];
        // 2 to 8 January 2023: Monday to Sunday, the 6th (Epiphany) a Friday
        let week = slots(&gro.front_office, 2023, day("2023-01-08"));
        let week: Vec<_> = week
            .into_iter()
            .filter(|s| s.0 >= day("2023-01-02"))
            .collect();
        assert_eq!(
            week.len(),
            19,
            "Mon-Thu 9-13 and Tue 15-18, as the seed says"
        );
        assert_eq!(hour_range(&desk::presets()[1].front_office[1]), (15, 17));
    }

    #[test]
    fn demo_ids_are_uuid_v4_and_the_same_for_the_same_stream() {
        let (mut d, mut again) = (Draw::new(2023, "GRO"), Draw::new(2023, "GRO"));
        let (a, b) = (demo_id(&mut d), demo_id(&mut d));
        assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 4);
        assert_ne!(a, b);
        assert_eq!((demo_id(&mut again), demo_id(&mut again)), (a, b));
    }
}
