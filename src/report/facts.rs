//! The counts behind every table of the report, per desk, gathered from the accesses'
//! counts kept by the register ([`crate::register::figures`]) and summed in memory.
//!
//! The report and its tables (JSON, CSV, the view) all read these sums, so they can
//! never disagree; rankings follow the contract: highest count first, ties broken by
//! code in ascending byte order (Rust's `str` order is byte order, as SQLite's BINARY).

use std::collections::BTreeMap;

use crate::Result;
use crate::codebook::{ChannelGroup, Codebook, List};
use crate::register::figures::{self, Scope};
use rusqlite::Connection;

/// The accesses of one desk (or of every desk in scope) in one period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Accesses per month (index 0 = January) and channel group: front desk, phone/mail.
    pub months: [[i64; 2]; 12],
    /// Accesses per month, every channel (a channel without a group counts here only).
    pub month_totals: [i64; 12],
    pub first_accesses: i64,
    pub italians: i64,
    pub sex: BTreeMap<String, i64>,
    pub age_band: BTreeMap<String, i64>,
    /// Keyed by (age band, sex).
    pub age_by_sex: BTreeMap<(String, String), i64>,
    pub nationality: BTreeMap<String, i64>,
    pub reason: BTreeMap<String, i64>,
}

impl Facts {
    /// Accesses of the front-desk group.
    pub fn front_desk(&self) -> i64 {
        self.months.iter().map(|m| m[0]).sum()
    }

    /// Accesses of the phone/mail group.
    pub fn phone_mail(&self) -> i64 {
        self.months.iter().map(|m| m[1]).sum()
    }

    /// Every access.
    pub fn total(&self) -> i64 {
        self.month_totals.iter().sum()
    }

    fn add(&mut self, other: &Facts) {
        for (m, o) in self.months.iter_mut().zip(&other.months) {
            m[0] += o[0];
            m[1] += o[1];
        }
        for (m, o) in self.month_totals.iter_mut().zip(&other.month_totals) {
            *m += o;
        }
        self.first_accesses += other.first_accesses;
        self.italians += other.italians;
        merge(&mut self.sex, &other.sex);
        merge(&mut self.age_band, &other.age_band);
        merge(&mut self.age_by_sex, &other.age_by_sex);
        merge(&mut self.nationality, &other.nationality);
        merge(&mut self.reason, &other.reason);
    }
}

/// The nationality code of Italians, counted apart in the report.
pub const ITALIAN: &str = "IT";

fn merge<K: Ord + Clone>(into: &mut BTreeMap<K, i64>, from: &BTreeMap<K, i64>) {
    for (k, n) in from {
        *into.entry(k.clone()).or_default() += n;
    }
}

/// The facts of `scope` per desk (only desks with accesses), and their sum.
pub fn gather(
    conn: &Connection,
    cb: &Codebook,
    scope: &Scope<'_>,
) -> Result<(BTreeMap<String, Facts>, Facts)> {
    let mut desks: BTreeMap<String, Facts> = BTreeMap::new();
    for g in figures::grouped(conn, scope)? {
        let f = desks.entry(g.desk).or_default();
        let m = (g.month as usize).clamp(1, 12) - 1;
        // a channel missing from the codebook counts in the total only
        match cb.entry(List::Channel, &g.channel).and_then(|e| e.group) {
            Some(ChannelGroup::FrontDesk) => f.months[m][0] += g.count,
            Some(ChannelGroup::PhoneMail) => f.months[m][1] += g.count,
            None => {}
        }
        f.month_totals[m] += g.count;
        if g.first_access {
            f.first_accesses += g.count;
        }
        *f.sex.entry(g.sex.clone()).or_default() += g.count;
        *f.age_band.entry(g.age_band.clone()).or_default() += g.count;
        *f.age_by_sex.entry((g.age_band, g.sex)).or_default() += g.count;
    }
    for (desk, code, n) in figures::nationalities(conn, scope)? {
        let f = desks.entry(desk).or_default();
        if code == ITALIAN {
            f.italians += n;
        }
        f.nationality.insert(code, n);
    }
    for (desk, code, n) in figures::reasons(conn, scope)? {
        desks.entry(desk).or_default().reason.insert(code, n);
    }
    let mut all = Facts::default();
    for f in desks.values() {
        all.add(f);
    }
    Ok((desks, all))
}

/// The `limit` highest counts of `counts`: highest first, ties by code in byte order.
pub fn top(counts: &BTreeMap<String, i64>, limit: usize) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| (c.clone(), *n))
        .collect();
    // a stable sort over keys already in byte order keeps ties by code
    v.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    v.truncate(limit);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_are_broken_by_code_in_byte_order() {
        let counts: BTreeMap<String, i64> = [("b", 2), ("a", 2), ("Z", 2), ("c", 3)]
            .into_iter()
            .map(|(c, n)| (c.to_string(), n))
            .collect();
        let codes: Vec<String> = top(&counts, 3).into_iter().map(|(c, _)| c).collect();
        assert_eq!(
            codes,
            ["c", "Z", "a"],
            "upper case sorts before lower in bytes"
        );
    }
}
