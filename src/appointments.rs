//! Back-office appointments: kinds and their documents, bookable slots, bookings and
//! their outcome, the day agenda, and the erasure of personal data after retention.
//!
//! Invariants:
//! - Bookable slots come from the desk's back-office hours, minus the Italian public
//!   holidays (computed, [`crate::holidays`]) and the desk's own closures; a slot is as
//!   long as its kind's `slot_minutes`.
//! - No two live (not cancelled) appointments of a desk overlap: the database refuses
//!   it (triggers of 0001), and every booking runs in an IMMEDIATE transaction so two
//!   operators (or the app and the CLI) booking at once meet the trigger one after the
//!   other and the second is refused with [`Refusal::Taken`] (code `conflict`).
//! - Name and phone are optional (a walk-in without either is bookable), stay on this
//!   machine, and are erased `retention_days` after the appointment day (default 90).
//!   The row stays, without them, so the counts by kind and outcome survive; each purge
//!   writes one audit row with how many were erased.
//! - Times: `now` is the desk's local time with its offset (`Local::now().fixed_offset()`
//!   in the adapters): its calendar part decides which slots are past, its instant stamps
//!   the rows.

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc,
};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::store::audit;
use crate::{Error, Result, desk, holidays, ids};

/// The setting that holds how many days after the appointment its personal data is kept.
pub const RETENTION_SETTING: &str = "appointments.retention_days";
/// Retention when the setting is absent.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
/// How far ahead [`next_free_slots`] looks for free slots.
pub const SEARCH_DAYS: u64 = 120;
/// How far ahead a booking may be made (a typo in the year must not pass).
pub const BOOKING_HORIZON_DAYS: u64 = 366;
/// Booking codes use letters and digits that cannot be mistaken for one another
/// (no 0/O, 1/I/L, no U/V pairs are ambiguous enough to matter here): 30 symbols.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Length of a booking code: 30^6 = 729 million codes.
pub const CODE_LENGTH: usize = 6;

/// A kind of back-office appointment, with its documents to bring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kind {
    pub code: String,
    pub label_it: String,
    pub label_en: String,
    pub slot_minutes: u32,
    pub active: bool,
    pub documents: Vec<String>,
}

/// A bookable slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub day: NaiveDate,
    /// "HH:MM"
    pub starts: String,
    /// "HH:MM"
    pub ends: String,
}

/// Why the calendar refuses a booking, a move or an outcome ([`Error::Refused`]): a
/// stable code the interface translates (the CLI prints the English message). The codes
/// are part of the IPC contract: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The time is not written HH:MM.
    BadTime,
    /// The desk is closed that day: the holiday or closure is the error's `detail`.
    Closed,
    /// The slot has already begun.
    Past,
    /// The day is beyond [`BOOKING_HORIZON_DAYS`] (a typo in the year).
    TooFar,
    /// Not a back-office slot of this kind on that day.
    NotASlot,
    /// Another booking holds (part of) the slot.
    Taken,
    /// Attended or no-show before the appointment's day.
    NotYetDay,
    /// The appointment was cancelled: nothing more can be done with it.
    WasCancelled,
    /// An appointment marked attended or no-show cannot be cancelled.
    AlreadyMarked,
    /// Only a booked appointment can be moved.
    NotBooked,
}

impl Refusal {
    /// The stable code, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::BadTime => "bad_time",
            Refusal::Closed => "closed",
            Refusal::Past => "past",
            Refusal::TooFar => "too_far",
            Refusal::NotASlot => "not_a_slot",
            Refusal::Taken => "taken",
            Refusal::NotYetDay => "not_yet_day",
            Refusal::WasCancelled => "was_cancelled",
            Refusal::AlreadyMarked => "already_marked",
            Refusal::NotBooked => "not_booked",
        }
    }

    /// The [`Error::code`] of the refusal: a slot taken meanwhile is a `conflict` (the
    /// interface reloads the slots), everything else an `invalid` input.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Taken => "conflict",
            _ => "invalid",
        }
    }
}

/// An [`Error::Refused`] without detail.
fn refused(reason: Refusal, field: &'static str, message: impl Into<String>) -> Error {
    Error::Refused {
        reason,
        field,
        detail: None,
        message: message.into(),
    }
}

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Booked,
    Attended,
    NoShow,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Attended => "attended",
            Status::NoShow => "no_show",
            Status::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Status {
        match s {
            "attended" => Status::Attended,
            "no_show" => Status::NoShow,
            "cancelled" => Status::Cancelled,
            _ => Status::Booked,
        }
    }
}

/// The outcome of an appointment, marked on or after its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Attended,
    NoShow,
}

/// A booking, as entered (one `NewAppointment` per write).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAppointment {
    pub kind: String,
    pub day: NaiveDate,
    /// "HH:MM": the start of a slot offered by [`next_free_slots`] or [`free_slots_on`].
    pub starts: String,
    /// Optional: a walk-in without a name or phone is bookable.
    #[serde(default)]
    pub person_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// The slip's second language (a code of [`crate::slip::LANGUAGES`]); "it" for Italian only.
    pub language: String,
    /// The access being recorded when the booking was made, if any.
    #[serde(default)]
    pub access_id: Option<String>,
}

/// A stored appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: String,
    pub desk: String,
    pub kind: String,
    pub kind_label: String,
    pub day: NaiveDate,
    pub starts: String,
    pub ends: String,
    pub booking_code: String,
    pub person_name: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub status: Status,
    pub access_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Set when the personal data was erased after retention.
    pub purged_at: Option<String>,
}

/// What a purge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// Appointments on or before this day had their personal data erased.
    pub up_to: NaiveDate,
    pub retention_days: u32,
    pub erased: usize,
}

/// Appointments of a period counted by kind and status: what survives the purge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub kind: String,
    pub status: Status,
    pub count: i64,
}

/// A day the desk is closed besides the national holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub day: NaiveDate,
    pub reason: String,
}

// ---------------------------------------------------------------------------------------
// Kinds and documents

/// Every kind (active or not), in the coordinator's order, with its documents.
pub fn kinds(conn: &Connection) -> Result<Vec<Kind>> {
    let codes: Vec<String> = conn
        .prepare("SELECT code FROM appointment_kinds ORDER BY sort_order, code")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    codes.iter().map(|c| kind(conn, c)).collect()
}

/// One kind with its documents.
pub fn kind(conn: &Connection, code: &str) -> Result<Kind> {
    let row = conn
        .query_row(
            "SELECT code, label_it, label_en, slot_minutes, active FROM appointment_kinds
             WHERE code = ?1",
            [code],
            |r| {
                Ok(Kind {
                    code: r.get(0)?,
                    label_it: r.get(1)?,
                    label_en: r.get(2)?,
                    slot_minutes: r.get(3)?,
                    active: r.get(4)?,
                    documents: Vec::new(),
                })
            },
        )
        .optional()?;
    let mut kind = row.ok_or_else(|| Error::NotFound {
        entity: "appointment kind",
        id: code.into(),
    })?;
    kind.documents = documents(conn, code)?;
    Ok(kind)
}

fn documents(conn: &Connection, kind: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare("SELECT text_it FROM appointment_documents WHERE kind = ?1 ORDER BY position")?
        .query_map([kind], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Replaces the documents to bring of `kind` (the coordinator's edit), in this order.
pub fn set_documents(
    conn: &mut Connection,
    kind_code: &str,
    docs: &[String],
    operator: &str,
    now: DateTime<Utc>,
) -> Result<Kind> {
    kind(conn, kind_code)?;
    let cleaned: Vec<&str> = docs.iter().map(|d| d.trim()).collect();
    if let Some(i) = cleaned.iter().position(|d| d.is_empty()) {
        return Err(Error::invalid(
            "documents",
            format!("document {} is empty: write its text or remove it", i + 1),
        ));
    }
    if let Some(d) = cleaned.iter().find(|d| d.chars().count() > 200) {
        return Err(Error::invalid(
            "documents",
            format!("'{d}' is longer than 200 characters: a slip line must stay short"),
        ));
    }
    let tx = conn.transaction()?;
    tx.execute(
        "DELETE FROM appointment_documents WHERE kind = ?1",
        [kind_code],
    )?;
    for (i, d) in cleaned.iter().enumerate() {
        tx.execute(
            "INSERT INTO appointment_documents (kind, position, text_it) VALUES (?1, ?2, ?3)",
            params![kind_code, i as i64 + 1, d],
        )?;
    }
    audit::log(
        &tx,
        now,
        operator,
        "set_documents",
        "appointment_kind",
        kind_code,
        None,
        &format!("{} documents", cleaned.len()),
    )?;
    tx.commit()?;
    kind(conn, kind_code)
}

/// Changes the slot length of a kind; booked appointments keep their length.
pub fn set_slot_minutes(
    conn: &Connection,
    kind_code: &str,
    minutes: u32,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<Kind> {
    kind(conn, kind_code)?;
    if !(5..=480).contains(&minutes) {
        return Err(Error::invalid(
            "slot_minutes",
            "a slot lasts 5 to 480 minutes",
        ));
    }
    conn.execute(
        "UPDATE appointment_kinds SET slot_minutes = ?2 WHERE code = ?1",
        params![kind_code, minutes],
    )?;
    audit::log(
        conn,
        now,
        operator,
        "set_slot_minutes",
        "appointment_kind",
        kind_code,
        None,
        &minutes.to_string(),
    )?;
    kind(conn, kind_code)
}

// ---------------------------------------------------------------------------------------
// Closures and slots

/// Why `desk` is closed on `day` (a national holiday or one of its closures), if it is.
pub fn closed_reason(conn: &Connection, desk_code: &str, day: NaiveDate) -> Result<Option<String>> {
    if let Some(name) = holidays::holiday_name(day) {
        return Ok(Some(name.to_string()));
    }
    Ok(conn
        .query_row(
            "SELECT reason FROM desk_closures WHERE desk = ?1 AND day = ?2",
            params![desk_code, day.to_string()],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .map(|r| if r.is_empty() { "chiusura".into() } else { r }))
}

/// The desk's own closures from `from` on, in date order.
pub fn closures(conn: &Connection, desk_code: &str, from: NaiveDate) -> Result<Vec<Closure>> {
    let mut stmt = conn.prepare(
        "SELECT day, reason FROM desk_closures WHERE desk = ?1 AND day >= ?2 ORDER BY day",
    )?;
    let rows = stmt.query_map(params![desk_code, from.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (day, reason) = row?;
        out.push(Closure {
            day: parse_day(&day)?,
            reason,
        });
    }
    Ok(out)
}

/// Closes `desk` on `day` (e.g. the patron saint): no slot is offered that day.
/// Appointments already booked that day are listed in the error, to be moved first.
pub fn add_closure(
    conn: &Connection,
    desk_code: &str,
    day: NaiveDate,
    reason: &str,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let booked: Vec<String> = conn
        .prepare(
            "SELECT starts || ' ' || booking_code FROM appointments
             WHERE desk = ?1 AND day = ?2 AND status = 'booked' ORDER BY starts",
        )?
        .query_map(params![desk_code, day.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if !booked.is_empty() {
        return Err(Error::Conflict(format!(
            "{} has booked appointments ({}): reschedule or cancel them first",
            format_day(day),
            booked.join(", ")
        )));
    }
    conn.execute(
        "INSERT INTO desk_closures (desk, day, reason) VALUES (?1, ?2, ?3)
         ON CONFLICT (desk, day) DO UPDATE SET reason = excluded.reason",
        params![desk_code, day.to_string(), reason.trim()],
    )?;
    audit::log(
        conn,
        now,
        operator,
        "add_closure",
        "desk",
        desk_code,
        None,
        &day.to_string(),
    )
}

/// Opens `desk` again on `day`.
pub fn remove_closure(
    conn: &Connection,
    desk_code: &str,
    day: NaiveDate,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = conn.execute(
        "DELETE FROM desk_closures WHERE desk = ?1 AND day = ?2",
        params![desk_code, day.to_string()],
    )?;
    if n == 0 {
        return Err(Error::NotFound {
            entity: "closure",
            id: day.to_string(),
        });
    }
    audit::log(
        conn,
        now,
        operator,
        "remove_closure",
        "desk",
        desk_code,
        None,
        &day.to_string(),
    )
}

fn minutes_of(hhmm: &str) -> Option<u32> {
    if hhmm.len() != 5 {
        return None;
    }
    let t = NaiveTime::parse_from_str(hhmm, "%H:%M").ok()?;
    Some(t.hour() * 60 + t.minute())
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The step between offered starts: the slot length, but at most half an hour, so a
/// long slot can still start on the half hour after a short one.
fn grid(slot_minutes: u32) -> u32 {
    slot_minutes.min(30)
}

/// Every slot of `kind` on `day` that fits the back-office hours, free or not.
fn candidate_slots(
    conn: &Connection,
    desk: &desk::Desk,
    slot_minutes: u32,
    day: NaiveDate,
) -> Result<Vec<(u32, u32)>> {
    if closed_reason(conn, &desk.code, day)?.is_some() {
        return Ok(Vec::new());
    }
    let weekday = day.weekday().number_from_monday() as u8;
    let mut out = Vec::new();
    for hours in desk.back_office.iter().filter(|h| h.weekday == weekday) {
        let (Some(opens), Some(closes)) = (minutes_of(&hours.opens), minutes_of(&hours.closes))
        else {
            continue;
        };
        let mut start = opens;
        while start + slot_minutes <= closes {
            out.push((start, start + slot_minutes));
            start += grid(slot_minutes);
        }
    }
    Ok(out)
}

/// Live appointments of `desk` on `day` as minute intervals (optionally ignoring one).
fn taken(
    conn: &Connection,
    desk: &str,
    day: NaiveDate,
    except: Option<&str>,
) -> Result<Vec<(u32, u32)>> {
    let mut stmt = conn.prepare(
        "SELECT starts, ends FROM appointments
         WHERE desk = ?1 AND day = ?2 AND status <> 'cancelled' AND id <> ?3",
    )?;
    let rows = stmt.query_map(params![desk, day.to_string(), except.unwrap_or("")], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (s, e) = row?;
        if let (Some(s), Some(e)) = (minutes_of(&s), minutes_of(&e)) {
            out.push((s, e));
        }
    }
    Ok(out)
}

fn own_desk(conn: &Connection) -> Result<desk::Desk> {
    desk::own(conn)?.ok_or(Error::NoDesk)
}

fn free_on(
    conn: &Connection,
    desk: &desk::Desk,
    kind: &Kind,
    day: NaiveDate,
    now: NaiveDateTime,
    except: Option<&str>,
) -> Result<Vec<Slot>> {
    if day < now.date() {
        return Ok(Vec::new());
    }
    let taken = taken(conn, &desk.code, day, except)?;
    let now_minutes = now.time().hour() * 60 + now.time().minute();
    Ok(candidate_slots(conn, desk, kind.slot_minutes, day)?
        .into_iter()
        .filter(|(s, _)| day > now.date() || *s > now_minutes)
        .filter(|(s, e)| !taken.iter().any(|(ts, te)| ts < e && s < te))
        .map(|(s, e)| Slot {
            day,
            starts: hhmm(s),
            ends: hhmm(e),
        })
        .collect())
}

/// The free slots of `kind` at this desk on `day` (none on a closed or past day).
pub fn free_slots_on(
    conn: &Connection,
    kind_code: &str,
    day: NaiveDate,
    now: DateTime<FixedOffset>,
) -> Result<Vec<Slot>> {
    let desk = own_desk(conn)?;
    let kind = kind(conn, kind_code)?;
    free_on(conn, &desk, &kind, day, now.naive_local(), None)
}

/// The next `limit` free slots of `kind` at this desk, soonest first, from `now` on.
pub fn next_free_slots(
    conn: &Connection,
    kind_code: &str,
    now: DateTime<FixedOffset>,
    limit: usize,
) -> Result<Vec<Slot>> {
    let desk = own_desk(conn)?;
    let kind = kind(conn, kind_code)?;
    let local = now.naive_local();
    let mut out = Vec::new();
    for offset in 0..SEARCH_DAYS {
        let day = local.date() + Days::new(offset);
        out.extend(free_on(conn, &desk, &kind, day, local, None)?);
        if out.len() >= limit {
            break;
        }
    }
    out.truncate(limit);
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Bookings

fn clean_optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn validate_person(name: &Option<String>, phone: &Option<String>) -> Result<()> {
    if name.as_ref().is_some_and(|n| n.chars().count() > 100) {
        return Err(Error::invalid("person_name", "at most 100 characters"));
    }
    if let Some(p) = phone {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        if !p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-/.()".contains(c))
            || !(5..=16).contains(&digits)
        {
            return Err(Error::invalid(
                "phone",
                "a phone number is 5 to 16 digits (spaces, + - / . ( ) allowed), or leave it empty",
            ));
        }
    }
    Ok(())
}

/// Checks that `starts` on `day` is a free slot of `kind` at `desk` now.
fn require_slot(
    conn: &Connection,
    desk: &desk::Desk,
    kind: &Kind,
    day: NaiveDate,
    starts: &str,
    now: NaiveDateTime,
    except: Option<&str>,
) -> Result<Slot> {
    let Some(start) = minutes_of(starts) else {
        return Err(refused(
            Refusal::BadTime,
            "starts",
            "times are written HH:MM, e.g. 14:30",
        ));
    };
    if day > now.date() + Days::new(BOOKING_HORIZON_DAYS) {
        return Err(refused(
            Refusal::TooFar,
            "day",
            format!(
                "appointments are booked at most {BOOKING_HORIZON_DAYS} days ahead: check the year"
            ),
        ));
    }
    if let Some(reason) = closed_reason(conn, &desk.code, day)? {
        return Err(Error::Refused {
            reason: Refusal::Closed,
            field: "day",
            message: format!(
                "the desk is closed on {} ({reason}): choose another day",
                format_day(day)
            ),
            detail: Some(reason),
        });
    }
    let fits = candidate_slots(conn, desk, kind.slot_minutes, day)?
        .into_iter()
        .any(|(s, _)| s == start);
    if !fits {
        return Err(refused(
            Refusal::NotASlot,
            "starts",
            format!(
                "{starts} on {} is not a back-office slot for this kind: choose one of the offered slots",
                format_day(day)
            ),
        ));
    }
    if NaiveDateTime::new(
        day,
        NaiveTime::from_hms_opt(start / 60, start % 60, 0).expect("valid time"),
    ) <= now
    {
        return Err(refused(
            Refusal::Past,
            "starts",
            "this slot is already past: choose a later one",
        ));
    }
    let end = start + kind.slot_minutes;
    if taken(conn, &desk.code, day, except)?
        .iter()
        .any(|(ts, te)| *ts < end && start < *te)
    {
        return Err(slot_taken());
    }
    Ok(Slot {
        day,
        starts: hhmm(start),
        ends: hhmm(end),
    })
}

fn slot_taken() -> Error {
    refused(
        Refusal::Taken,
        "starts",
        "this slot has just been taken by another booking: choose another slot",
    )
}

/// Turns the no-overlap trigger's refusal into a conflict the operator understands.
fn map_overlap(e: rusqlite::Error) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("slot already taken") => {
            slot_taken()
        }
        _ => Error::Sqlite(e),
    }
}

/// A new random booking code from [`CODE_ALPHABET`].
fn new_booking_code() -> String {
    // UUIDv4-quality randomness from the v7 generator's random bits (74 of them).
    let id = uuid::Uuid::now_v7();
    let bytes = id.as_bytes();
    let mut n = u64::from_be_bytes(bytes[8..16].try_into().expect("8 bytes"));
    let mut code = String::with_capacity(CODE_LENGTH);
    for _ in 0..CODE_LENGTH {
        code.push(CODE_ALPHABET[(n % CODE_ALPHABET.len() as u64) as usize] as char);
        n /= CODE_ALPHABET.len() as u64;
    }
    code
}

/// Normalises a booking code as typed (case, spaces, dashes) for a lookup.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Books an appointment at this desk in one IMMEDIATE transaction.
///
/// Errors: `invalid` (kind retired, closed day, not a slot, past slot, bad phone,
/// unknown language or access), `conflict` (the slot was taken meanwhile).
pub fn book(
    conn: &mut Connection,
    input: &NewAppointment,
    operator: &str,
    now: DateTime<FixedOffset>,
) -> Result<Appointment> {
    let name = clean_optional(&input.person_name);
    let phone = clean_optional(&input.phone);
    validate_person(&name, &phone)?;
    if !crate::slip::is_language(&input.language) {
        return Err(Error::invalid(
            "language",
            format!("no slip translation for '{}'", input.language),
        ));
    }
    let utc = now.with_timezone(&Utc);
    let ts = ids::timestamp(utc);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let desk = own_desk(&tx)?;
    let kind = kind(&tx, &input.kind)?;
    if !kind.active {
        return Err(Error::invalid(
            "kind",
            "this kind of appointment is no longer offered",
        ));
    }
    if let Some(access) = &input.access_id {
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM accesses WHERE id = ?1 AND deleted = 0)",
            [access],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(Error::invalid(
                "access_id",
                "the access this booking comes from is not recorded",
            ));
        }
    }
    let slot = require_slot(
        &tx,
        &desk,
        &kind,
        input.day,
        &input.starts,
        now.naive_local(),
        None,
    )?;
    let id = ids::new_id(utc);
    // A code collision is astronomically rare; retry a few times rather than fail.
    let mut attempt = 0;
    loop {
        let code = new_booking_code();
        let inserted = tx.execute(
            "INSERT INTO appointments (id, desk, kind, day, starts, ends, booking_code, person_name,
                 phone, language, status, access_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'booked', ?11, ?12, ?12)
             ON CONFLICT (booking_code) DO NOTHING",
            params![
                id,
                desk.code,
                kind.code,
                slot.day.to_string(),
                slot.starts,
                slot.ends,
                code,
                name,
                phone,
                input.language,
                input.access_id,
                ts
            ],
        );
        match inserted.map_err(map_overlap)? {
            1 => break,
            _ if attempt < 5 => attempt += 1,
            _ => {
                return Err(Error::Conflict(
                    "could not draw a free booking code: try again".into(),
                ));
            }
        }
    }
    audit::log(
        &tx,
        utc,
        operator,
        "book",
        "appointment",
        &id,
        None,
        &format!("{} {} {}", kind.code, slot.day, slot.starts),
    )?;
    tx.commit()?;
    get(conn, &id)
}

/// Moves a booked appointment to another free slot (same kind, same booking code).
pub fn reschedule(
    conn: &mut Connection,
    id: &str,
    day: NaiveDate,
    starts: &str,
    operator: &str,
    now: DateTime<FixedOffset>,
) -> Result<Appointment> {
    let utc = now.with_timezone(&Utc);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = get(&tx, id)?;
    if current.status != Status::Booked || current.purged_at.is_some() {
        return Err(refused(
            Refusal::NotBooked,
            "status",
            "only a booked appointment can be moved: book a new one instead",
        ));
    }
    let desk = own_desk(&tx)?;
    let kind = kind(&tx, &current.kind)?;
    let slot = require_slot(&tx, &desk, &kind, day, starts, now.naive_local(), Some(id))?;
    tx.execute(
        "UPDATE appointments SET day = ?2, starts = ?3, ends = ?4, updated_at = ?5 WHERE id = ?1",
        params![
            id,
            slot.day.to_string(),
            slot.starts,
            slot.ends,
            ids::timestamp(utc)
        ],
    )
    .map_err(map_overlap)?;
    audit::log(
        &tx,
        utc,
        operator,
        "reschedule",
        "appointment",
        id,
        None,
        &format!(
            "{} {} -> {} {}",
            current.day, current.starts, slot.day, slot.starts
        ),
    )?;
    tx.commit()?;
    get(conn, id)
}

/// Cancels a booked appointment: its slot is free again.
pub fn cancel(
    conn: &mut Connection,
    id: &str,
    operator: &str,
    now: DateTime<FixedOffset>,
) -> Result<Appointment> {
    set_status(conn, id, Status::Cancelled, operator, now)
}

/// Marks an appointment attended or not attended, on or after its day (a wrong mark
/// can be corrected the same way).
pub fn mark(
    conn: &mut Connection,
    id: &str,
    outcome: Outcome,
    operator: &str,
    now: DateTime<FixedOffset>,
) -> Result<Appointment> {
    let status = match outcome {
        Outcome::Attended => Status::Attended,
        Outcome::NoShow => Status::NoShow,
    };
    set_status(conn, id, status, operator, now)
}

fn set_status(
    conn: &mut Connection,
    id: &str,
    status: Status,
    operator: &str,
    now: DateTime<FixedOffset>,
) -> Result<Appointment> {
    let utc = now.with_timezone(&Utc);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = get(&tx, id)?;
    match (current.status, status) {
        (Status::Cancelled, _) => {
            return Err(refused(
                Refusal::WasCancelled,
                "status",
                "this appointment was cancelled: book a new one instead",
            ));
        }
        (Status::Booked, Status::Cancelled) => {}
        (_, Status::Cancelled) => {
            return Err(refused(
                Refusal::AlreadyMarked,
                "status",
                "an appointment already marked attended or no-show cannot be cancelled",
            ));
        }
        (_, Status::Attended | Status::NoShow) if current.day > now.date_naive() => {
            return Err(refused(
                Refusal::NotYetDay,
                "status",
                format!(
                    "the appointment is on {}: mark it on that day or later",
                    format_day(current.day)
                ),
            ));
        }
        _ => {}
    }
    tx.execute(
        "UPDATE appointments SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, status.as_str(), ids::timestamp(utc)],
    )
    .map_err(map_overlap)?;
    audit::log(
        &tx,
        utc,
        operator,
        status.as_str(),
        "appointment",
        id,
        None,
        "",
    )?;
    tx.commit()?;
    get(conn, id)
}

const SELECT: &str =
    "SELECT a.id, a.desk, a.kind, k.label_it, a.day, a.starts, a.ends, a.booking_code,
        a.person_name, a.phone, a.language, a.status, a.access_id, a.created_at, a.updated_at,
        a.purged_at
    FROM appointments a JOIN appointment_kinds k ON k.code = a.kind";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Appointment> {
    let day: String = r.get(4)?;
    Ok(Appointment {
        id: r.get(0)?,
        desk: r.get(1)?,
        kind: r.get(2)?,
        kind_label: r.get(3)?,
        day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
        })?,
        starts: r.get(5)?,
        ends: r.get(6)?,
        booking_code: r.get(7)?,
        person_name: r.get(8)?,
        phone: r.get(9)?,
        language: r.get(10)?,
        status: Status::parse(&r.get::<_, String>(11)?),
        access_id: r.get(12)?,
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
        purged_at: r.get(15)?,
    })
}

/// One appointment by id.
pub fn get(conn: &Connection, id: &str) -> Result<Appointment> {
    conn.query_row(&format!("{SELECT} WHERE a.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "appointment",
            id: id.into(),
        })
}

/// One appointment by its booking code (as typed: case, spaces and dashes ignored).
pub fn find_by_code(conn: &Connection, code: &str) -> Result<Appointment> {
    let code = normalize_code(code);
    conn.query_row(
        &format!("{SELECT} WHERE a.booking_code = ?1"),
        [&code],
        from_row,
    )
    .optional()?
    .ok_or(Error::NotFound {
        entity: "appointment",
        id: code,
    })
}

/// The day agenda of this desk: every appointment of `day` (cancelled ones too, last
/// among equals), by start time.
pub fn agenda(conn: &Connection, day: NaiveDate) -> Result<Vec<Appointment>> {
    let desk = desk::own_code(conn)?;
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE a.desk = ?1 AND a.day = ?2
         ORDER BY a.starts, a.status = 'cancelled', a.created_at"
    ))?;
    let rows = stmt.query_map(params![desk, day.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Appointments booked from the access `access_id`.
pub fn for_access(conn: &Connection, access_id: &str) -> Result<Vec<Appointment>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE a.access_id = ?1 ORDER BY a.day, a.starts"
    ))?;
    let rows = stmt.query_map([access_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---------------------------------------------------------------------------------------
// Retention

/// Days after the appointment its personal data is kept (setting, default 90).
pub fn retention_days(conn: &Connection) -> Result<u32> {
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [RETENTION_SETTING],
            |r| r.get(0),
        )
        .optional()?;
    Ok(value
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_RETENTION_DAYS))
}

/// Sets the retention (1 to 3650 days).
pub fn set_retention_days(
    conn: &Connection,
    days: u32,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if !(1..=3650).contains(&days) {
        return Err(Error::invalid("retention_days", "between 1 and 3650 days"));
    }
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![RETENTION_SETTING, days.to_string()],
    )?;
    audit::log(
        conn,
        now,
        operator,
        "set_retention",
        "setting",
        RETENTION_SETTING,
        None,
        &days.to_string(),
    )
}

/// Erases name and phone of every appointment more than `retention_days` before
/// `today`, keeping kind, day and outcome for the counts; logs how many it erased.
/// An appointment still `booked` when purged is counted as it stands.
pub fn purge(
    conn: &mut Connection,
    today: NaiveDate,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<PurgeReport> {
    let days = retention_days(conn)?;
    let up_to = today - Days::new(u64::from(days) + 1);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let erased = tx.execute(
        "UPDATE appointments SET person_name = NULL, phone = NULL, purged_at = ?2, updated_at = ?2
         WHERE purged_at IS NULL AND day <= ?1",
        params![up_to.to_string(), ids::timestamp(now)],
    )?;
    if erased > 0 {
        audit::log(
            &tx,
            now,
            operator,
            "purge",
            "appointments",
            &up_to.to_string(),
            None,
            &format!("personal data of {erased} appointments erased (retention {days} days)"),
        )?;
    }
    tx.commit()?;
    Ok(PurgeReport {
        up_to,
        retention_days: days,
        erased,
    })
}

/// Appointments of this desk from `from` to `to` (inclusive) counted by kind and status:
/// anonymous, and still complete after the purge.
pub fn counts(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<Count>> {
    let mut stmt = conn.prepare(
        "SELECT a.kind, a.status, count(*) FROM appointments a
         JOIN appointment_kinds k ON k.code = a.kind
         WHERE a.day BETWEEN ?1 AND ?2
         GROUP BY a.kind, a.status ORDER BY k.sort_order, a.status",
    )?;
    let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok(Count {
            kind: r.get(0)?,
            status: Status::parse(&r.get::<_, String>(1)?),
            count: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn parse_day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::invalid("day", format!("'{s}' is not a date YYYY-MM-DD")))
}

/// dd/mm/yyyy, as every date the operator reads.
pub fn format_day(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use chrono::TimeZone;

    /// The desk's local time (CEST in spring and summer, CET in winter).
    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
        let offset = if (4..=10).contains(&m) { 2 } else { 1 };
        FixedOffset::east_opt(offset * 3600)
            .unwrap()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn reason(err: &Error) -> Option<Refusal> {
        match err {
            Error::Refused { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    #[test]
    fn refusal_codes_are_what_serde_writes() {
        use Refusal::*;
        for r in [
            BadTime,
            Closed,
            Past,
            TooFar,
            NotASlot,
            Taken,
            NotYetDay,
            WasCancelled,
            AlreadyMarked,
            NotBooked,
        ] {
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::json!(r.as_str()),
                "{r:?}"
            );
        }
    }

    fn store(desk_code: &str) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let d = desk::presets()
            .into_iter()
            .find(|d| d.code == desk_code)
            .unwrap();
        desk::set_own(store.conn_mut(), &d, Utc::now()).unwrap();
        store
    }

    fn new(kind: &str, d: NaiveDate, starts: &str) -> NewAppointment {
        NewAppointment {
            kind: kind.into(),
            day: d,
            starts: starts.into(),
            person_name: None,
            phone: None,
            language: "it".into(),
            access_id: None,
        }
    }

    fn starts(slots: &[Slot]) -> Vec<String> {
        slots
            .iter()
            .map(|s| format!("{} {}", s.day, s.starts))
            .collect()
    }

    #[test]
    fn seeded_kinds_have_slot_lengths_and_documents() {
        let store = store("GRO");
        let all = kinds(store.conn()).unwrap();
        let codes: Vec<&str> = all.iter().map(|k| k.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "rinnovo_permesso",
                "permesso_ue",
                "cittadinanza",
                "ricongiungimento",
                "altro"
            ]
        );
        assert_eq!(
            kind(store.conn(), "rinnovo_permesso").unwrap().slot_minutes,
            30
        );
        assert_eq!(kind(store.conn(), "cittadinanza").unwrap().slot_minutes, 60);
        assert!(
            all.iter().all(|k| !k.documents.is_empty()),
            "every kind lists documents"
        );
        assert_eq!(kind(store.conn(), "nope").unwrap_err().code(), "not_found");
    }

    #[test]
    fn slots_follow_back_office_hours_and_slot_length() {
        let store = store("GRO");
        let before = at(2024, 3, 1, 8, 0);
        // Tuesday 2 April 2024, 14-18: eight half-hour slots.
        let tue = free_slots_on(store.conn(), "rinnovo_permesso", day(2024, 4, 2), before).unwrap();
        assert_eq!(tue.len(), 8, "{:?}", starts(&tue));
        assert_eq!(
            (tue[0].starts.as_str(), tue[0].ends.as_str()),
            ("14:00", "14:30")
        );
        assert_eq!(tue[7].ends, "18:00", "the last slot ends at closing time");
        // Citizenship, 60 minutes, starting on the half hour: 14:00 ... 17:00.
        let cit = free_slots_on(store.conn(), "cittadinanza", day(2024, 4, 2), before).unwrap();
        assert_eq!(cit.len(), 7);
        assert_eq!(cit.last().unwrap().starts, "17:00");
        assert_eq!(cit.last().unwrap().ends, "18:00");
        // Friday: 9-13 and 14-18, and nothing across the lunch break.
        let fri = free_slots_on(store.conn(), "rinnovo_permesso", day(2024, 4, 5), before).unwrap();
        assert_eq!(fri.len(), 16);
        let fri60 = free_slots_on(store.conn(), "cittadinanza", day(2024, 4, 5), before).unwrap();
        assert!(
            !fri60.iter().any(|s| s.starts == "12:30"),
            "a 60-minute slot cannot straddle the 13-14 break: {:?}",
            starts(&fri60)
        );
        // Saturday and Sunday have no back office.
        assert!(
            free_slots_on(store.conn(), "altro", day(2024, 4, 6), before)
                .unwrap()
                .is_empty()
        );
        assert!(
            free_slots_on(store.conn(), "altro", day(2024, 4, 7), before)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn follonica_hours_give_its_own_slots() {
        let store = store("FOL");
        let before = at(2024, 3, 1, 8, 0);
        // Thursday 15-17 only; Tuesday nothing.
        let thu = free_slots_on(store.conn(), "rinnovo_permesso", day(2024, 4, 4), before).unwrap();
        assert_eq!(
            starts(&thu),
            [
                "2024-04-04 15:00",
                "2024-04-04 15:30",
                "2024-04-04 16:00",
                "2024-04-04 16:30"
            ]
        );
        assert!(
            free_slots_on(store.conn(), "altro", day(2024, 4, 2), before)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn holidays_and_closures_have_no_slots() {
        let mut store = store("GRO");
        // Easter Monday of several years, 25 April, 1 May, 8 December on working days.
        for d in [
            day(2024, 4, 1),
            day(2025, 4, 21),
            day(2026, 4, 6),
            day(2027, 3, 29),
            day(2025, 4, 25),
            day(2024, 5, 1),
            day(2025, 12, 8),
            day(2025, 1, 6),
        ] {
            let slots = free_slots_on(store.conn(), "altro", d, at(2024, 1, 1, 8, 0)).unwrap();
            assert!(
                slots.is_empty(),
                "{d} is a public holiday: {:?}",
                starts(&slots)
            );
        }
        // From Saturday 30 March 2024 the next slot skips Sunday and Easter Monday.
        let next = next_free_slots(store.conn(), "altro", at(2024, 3, 30, 10, 0), 3).unwrap();
        assert_eq!(
            starts(&next),
            ["2024-04-02 14:00", "2024-04-02 14:30", "2024-04-02 15:00"]
        );
        // A desk closure (the patron saint, say) removes the day too.
        add_closure(
            store.conn(),
            "GRO",
            day(2024, 4, 2),
            "chiusura straordinaria",
            "op",
            Utc::now(),
        )
        .unwrap();
        let next = next_free_slots(store.conn(), "altro", at(2024, 3, 30, 10, 0), 1).unwrap();
        assert_eq!(starts(&next), ["2024-04-03 14:00"]);
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "14:00"),
            "op",
            at(2024, 3, 30, 10, 0),
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid", "no booking on a closed day: {err}");
        assert_eq!(reason(&err), Some(Refusal::Closed), "{err}");
        assert!(
            matches!(&err, Error::Refused { detail: Some(d), .. } if !d.is_empty()),
            "the closure's name travels with the refusal: {err:?}"
        );
        remove_closure(store.conn(), "GRO", day(2024, 4, 2), "op", Utc::now()).unwrap();
        assert_eq!(
            closed_reason(store.conn(), "GRO", day(2024, 4, 2)).unwrap(),
            None,
            "the day is open again"
        );
    }

    #[test]
    fn past_slots_are_not_offered_nor_bookable() {
        let mut store = store("GRO");
        let now = at(2024, 4, 2, 15, 10);
        let next = next_free_slots(store.conn(), "rinnovo_permesso", now, 2).unwrap();
        assert_eq!(starts(&next), ["2024-04-02 15:30", "2024-04-02 16:00"]);
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "15:00"),
            "op",
            now,
        )
        .unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::Past), "{err}");
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "15:45"),
            "op",
            now,
        )
        .unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::NotASlot), "{err}");
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "3pm"),
            "op",
            now,
        )
        .unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::BadTime), "{err}");
        let far = new("altro", day(2025, 4, 8), "15:00");
        let err = book(store.conn_mut(), &far, "op", now).unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::TooFar), "a year too far: {err}");
    }

    #[test]
    fn booking_takes_the_slot_and_overlaps_are_refused() {
        let mut store = store("GRO");
        let now = at(2024, 4, 2, 9, 0);
        let a = book(
            store.conn_mut(),
            &new("rinnovo_permesso", day(2024, 4, 2), "14:00"),
            "op",
            now,
        )
        .unwrap();
        assert_eq!(
            (a.starts.as_str(), a.ends.as_str(), a.status),
            ("14:00", "14:30", Status::Booked)
        );
        assert_eq!(a.person_name, None, "a walk-in without name is bookable");
        assert_eq!(a.booking_code.len(), CODE_LENGTH);
        assert!(
            a.booking_code.bytes().all(|b| CODE_ALPHABET.contains(&b)),
            "{}",
            a.booking_code
        );
        let next = next_free_slots(store.conn(), "cittadinanza", now, 1).unwrap();
        assert_eq!(
            starts(&next),
            ["2024-04-02 14:30"],
            "a 60-minute slot starts after the booked half hour"
        );
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "14:00"),
            "op",
            now,
        )
        .unwrap_err();
        assert_eq!(err.code(), "conflict", "{err}");
        assert_eq!(reason(&err), Some(Refusal::Taken), "{err}");
        // The database itself refuses an overlap, whatever the caller checked.
        let raw = store.conn().execute(
            "INSERT INTO appointments (id, desk, kind, day, starts, ends, booking_code, created_at, updated_at)
             VALUES ('x', 'GRO', 'altro', '2024-04-02', '14:15', '14:45', 'ZZZZZZ', 'x', 'x')",
            [],
        );
        assert!(
            raw.is_err(),
            "the trigger must refuse an overlapping insert"
        );
        assert_eq!(
            find_by_code(store.conn(), &a.booking_code.to_lowercase())
                .unwrap()
                .id,
            a.id
        );
        assert_eq!(
            audit::history(store.conn(), "appointment", &a.id).unwrap()[0].action,
            "book"
        );
    }

    #[test]
    fn name_phone_and_language_are_checked() {
        let mut store = store("GRO");
        let now = at(2024, 4, 2, 9, 0);
        let mut input = new("altro", day(2024, 4, 2), "14:00");
        input.phone = Some("call me".into());
        assert_eq!(
            book(store.conn_mut(), &input, "op", now)
                .unwrap_err()
                .code(),
            "invalid"
        );
        input.phone = Some(" +39 333 123 4567 ".into());
        input.person_name = Some("  ".into());
        input.language = "xx".into();
        assert_eq!(
            book(store.conn_mut(), &input, "op", now)
                .unwrap_err()
                .code(),
            "invalid"
        );
        input.language = "ar".into();
        let a = book(store.conn_mut(), &input, "op", now).unwrap();
        assert_eq!(a.phone.as_deref(), Some("+39 333 123 4567"), "trimmed");
        assert_eq!(a.person_name, None, "a blank name is no name");
        input.starts = "15:00".into();
        input.access_id = Some("no-such-access".into());
        let err = book(store.conn_mut(), &input, "op", now).unwrap_err();
        assert!(err.to_string().contains("access"), "{err}");
    }

    #[test]
    fn reschedule_cancel_and_outcomes() {
        let mut store = store("GRO");
        let now = at(2024, 4, 2, 9, 0);
        let a = book(
            store.conn_mut(),
            &new("cittadinanza", day(2024, 4, 2), "14:00"),
            "op",
            now,
        )
        .unwrap();
        let b = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "16:00"),
            "op",
            now,
        )
        .unwrap();
        // Moving half an hour later overlaps its own old slot only: allowed.
        let moved =
            reschedule(store.conn_mut(), &a.id, day(2024, 4, 2), "14:30", "op", now).unwrap();
        assert_eq!(
            (moved.starts.as_str(), moved.ends.as_str()),
            ("14:30", "15:30")
        );
        assert_eq!(
            moved.booking_code, a.booking_code,
            "the code stays with the appointment"
        );
        let err =
            reschedule(store.conn_mut(), &a.id, day(2024, 4, 2), "15:30", "op", now).unwrap_err();
        assert_eq!(err.code(), "conflict", "15:30-16:30 overlaps 16:00: {err}");
        assert_eq!(reason(&err), Some(Refusal::Taken), "{err}");
        let moved =
            reschedule(store.conn_mut(), &a.id, day(2024, 4, 3), "14:00", "op", now).unwrap();
        assert_eq!(moved.day, day(2024, 4, 3));
        assert!(
            free_slots_on(store.conn(), "altro", day(2024, 4, 2), now)
                .unwrap()
                .iter()
                .any(|s| s.starts == "14:30"),
            "the old slot is free again"
        );
        // Outcomes only on or after the day.
        let err = mark(
            store.conn_mut(),
            &b.id,
            Outcome::Attended,
            "op",
            now - chrono::Duration::days(1),
        )
        .unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::NotYetDay), "{err}");
        let b = mark(
            store.conn_mut(),
            &b.id,
            Outcome::NoShow,
            "op",
            at(2024, 4, 2, 17, 0),
        )
        .unwrap();
        assert_eq!(b.status, Status::NoShow);
        let b = mark(
            store.conn_mut(),
            &b.id,
            Outcome::Attended,
            "op",
            at(2024, 4, 2, 17, 5),
        )
        .unwrap();
        assert_eq!(b.status, Status::Attended, "a wrong mark can be corrected");
        let err = cancel(store.conn_mut(), &b.id, "op", now).unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert_eq!(reason(&err), Some(Refusal::AlreadyMarked), "{err}");
        // Cancel frees the slot; a cancelled one cannot be moved or marked.
        let c = cancel(store.conn_mut(), &a.id, "op", now).unwrap();
        assert_eq!(c.status, Status::Cancelled);
        let err =
            reschedule(store.conn_mut(), &a.id, day(2024, 4, 4), "14:00", "op", now).unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::NotBooked), "{err}");
        let err = mark(
            store.conn_mut(),
            &a.id,
            Outcome::Attended,
            "op",
            at(2024, 4, 5, 9, 0),
        )
        .unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::WasCancelled), "{err}");
        let again = book(
            store.conn_mut(),
            &new("cittadinanza", day(2024, 4, 3), "14:00"),
            "op",
            now,
        )
        .unwrap();
        assert_eq!(
            again.starts, "14:00",
            "a cancelled appointment's slot can be booked again"
        );
        let agenda_day = agenda(store.conn(), day(2024, 4, 3)).unwrap();
        assert_eq!(
            agenda_day.len(),
            2,
            "the agenda lists the cancelled one too"
        );
        assert_eq!(
            agenda_day[0].status,
            Status::Booked,
            "live before cancelled at the same time"
        );
        let actions: Vec<String> = audit::history(store.conn(), "appointment", &a.id)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["book", "reschedule", "reschedule", "cancelled"]);
    }

    #[test]
    fn purge_erases_personal_data_after_retention_and_keeps_counts() {
        let mut store = store("GRO");
        let booked_at = at(2024, 1, 2, 9, 0);
        let mut input = new("rinnovo_permesso", day(2024, 1, 10), "14:00");
        input.person_name = Some("Amina B.".into());
        input.phone = Some("333 1234567".into());
        let a = book(store.conn_mut(), &input, "op", booked_at).unwrap();
        input.starts = "15:00".into();
        let b = book(store.conn_mut(), &input, "op", booked_at).unwrap();
        mark(
            store.conn_mut(),
            &a.id,
            Outcome::Attended,
            "op",
            at(2024, 1, 10, 15, 0),
        )
        .unwrap();
        mark(
            store.conn_mut(),
            &b.id,
            Outcome::NoShow,
            "op",
            at(2024, 1, 10, 16, 0),
        )
        .unwrap();
        let later = book(
            store.conn_mut(),
            &new("cittadinanza", day(2024, 4, 9), "14:00"),
            "op",
            booked_at,
        )
        .unwrap();
        assert_eq!(retention_days(store.conn()).unwrap(), 90);
        let counts_before = counts(store.conn(), day(2024, 1, 1), day(2024, 12, 31)).unwrap();

        // 90 days after 10 January is 9 April: kept that day, erased the next.
        let report = purge(store.conn_mut(), day(2024, 4, 9), "op", Utc::now()).unwrap();
        assert_eq!(
            report.erased, 0,
            "kept until 90 days have passed: {report:?}"
        );
        assert_eq!(
            get(store.conn(), &a.id).unwrap().person_name.as_deref(),
            Some("Amina B.")
        );
        let report = purge(store.conn_mut(), day(2024, 4, 10), "op", Utc::now()).unwrap();
        assert_eq!(report.erased, 2);
        for id in [&a.id, &b.id] {
            let gone = get(store.conn(), id).unwrap();
            assert_eq!(
                (gone.person_name, gone.phone),
                (None, None),
                "personal data erased"
            );
            assert!(gone.purged_at.is_some());
        }
        let kept = get(store.conn(), &later.id).unwrap();
        assert!(
            kept.purged_at.is_none(),
            "a recent appointment is untouched"
        );
        let leftovers: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM appointments WHERE purged_at IS NOT NULL
                 AND (person_name IS NOT NULL OR phone IS NOT NULL)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(leftovers, 0);
        assert_eq!(
            counts(store.conn(), day(2024, 1, 1), day(2024, 12, 31)).unwrap(),
            counts_before,
            "the counts by kind and outcome survive the purge"
        );
        assert!(counts_before.contains(&Count {
            kind: "rinnovo_permesso".into(),
            status: Status::NoShow,
            count: 1
        }));
        let log = audit::history(store.conn(), "appointments", "2024-01-10").unwrap();
        assert_eq!(log.len(), 1, "the purge is logged once");
        assert!(
            log[0].detail.contains("2 appointments"),
            "{}",
            log[0].detail
        );
        assert!(
            !log[0].detail.contains("Amina"),
            "the log holds no personal data"
        );
        // A second purge finds nothing more; a shorter retention erases sooner.
        assert_eq!(
            purge(store.conn_mut(), day(2024, 4, 10), "op", Utc::now())
                .unwrap()
                .erased,
            0
        );
        set_retention_days(store.conn(), 1, "op", Utc::now()).unwrap();
        assert_eq!(
            purge(store.conn_mut(), day(2024, 4, 11), "op", Utc::now())
                .unwrap()
                .erased,
            1
        );
        assert_eq!(
            set_retention_days(store.conn(), 0, "op", Utc::now())
                .unwrap_err()
                .code(),
            "invalid"
        );
    }

    #[test]
    fn documents_are_data_the_coordinator_edits() {
        let mut store = store("GRO");
        let docs = vec!["Passaporto".to_string(), " Due fototessere ".to_string()];
        let k = set_documents(store.conn_mut(), "altro", &docs, "coord", Utc::now()).unwrap();
        assert_eq!(k.documents, ["Passaporto", "Due fototessere"]);
        let err = set_documents(store.conn_mut(), "altro", &["".into()], "coord", Utc::now())
            .unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert_eq!(
            kind(store.conn(), "altro").unwrap().documents.len(),
            2,
            "a refused edit changes nothing"
        );
        let k = set_slot_minutes(store.conn(), "altro", 45, "coord", Utc::now()).unwrap();
        assert_eq!(k.slot_minutes, 45);
        assert!(set_slot_minutes(store.conn(), "altro", 1, "coord", Utc::now()).is_err());
    }

    #[test]
    fn booking_codes_avoid_ambiguous_characters() {
        for b in b"01OIL" {
            assert!(!CODE_ALPHABET.contains(b), "{} is ambiguous", *b as char);
        }
        let codes: std::collections::HashSet<String> =
            (0..200).map(|_| new_booking_code()).collect();
        assert!(
            codes.len() > 195,
            "codes are random: {} distinct of 200",
            codes.len()
        );
        assert_eq!(normalize_code(" k7m-4qx "), "K7M4QX");
    }
}
