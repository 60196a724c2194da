//! The export files of the import benchmark (benches/import.rs) and of its timing
//! example (examples/import_speed.rs): desk FOL's accesses, written as the desk writes
//! them.

use chrono::NaiveDate;
use sportello::exchange::wire::{
    AccessLine, Header, Period, Record, Trailer, sha256_hex, write_line,
};

/// How many accesses the file holds.
pub const N: usize = 200_000;

/// The id of access `i`: a random UUID (version 4) as a desk makes them, so that the
/// file's ids come in no order, drawn from `i` so that every run writes the same files.
fn id(i: usize) -> String {
    // splitmix64, twice: 128 bits that look random and differ for every i
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let seed = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&mix(seed).to_le_bytes());
    bytes[8..].copy_from_slice(&mix(seed ^ 0x5851_f42d_4c95_7f2d).to_le_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// Access `i` of desk FOL at `revision`: revision 1 is the original, a higher one
/// changes the hour, the channel and the reasons. The accesses are in the order they
/// were recorded, some 550 a day over 360 days of 2023, as an export lists them.
pub fn access(i: usize, revision: i64) -> AccessLine {
    const CHANNELS: [&str; 4] = ["sportello", "telefono", "email", "videochiamata"];
    const NATIONALITIES: [&str; 6] = ["MA", "RO", "AL", "UA", "SN", "IT"];
    const SEXES: [&str; 2] = ["maschio", "femmina"];
    const AGES: [&str; 5] = ["18-29", "30-39", "40-49", "50-59", "60-69"];
    const REASONS: [&str; 4] = ["rinnovo_permesso", "lavoro", "casa", "cittadinanza"];
    let r = (revision - 1) as usize;
    let mut reasons = vec![REASONS[(i + r) % 4].to_string()];
    if i % 7 == 0 {
        reasons.push(REASONS[(i / 4) % 4].to_string());
        reasons.sort();
        reasons.dedup();
    }
    let first = NaiveDate::from_ymd_opt(2023, 1, 2).unwrap();
    AccessLine {
        id: id(i),
        revision,
        deleted: false,
        date: first + chrono::Days::new((i % N * 360 / N) as u64),
        hour: Some(9 + ((i + r) % 8) as i64),
        channel: Some(CHANNELS[(i + r) % 4].into()),
        nationality: Some(NATIONALITIES[(i / 4) % 6].into()),
        sex: Some(SEXES[i % 2].into()),
        age_band: Some(AGES[(i / 3) % 5].into()),
        first_access: Some(i % 3 == 0),
        referred_by: Some("iniziativa_propria".into()),
        reasons: Some(reasons),
        permit: Some("lavoro_subordinato".into()),
        actions: Some(vec!["informazione".into()]),
        accompaniment: Some(false),
        mediation: Some(i % 5 == 0),
    }
}

/// An export file of FOL with `sequence` holding `lines`.
pub fn file(sequence: i64, lines: impl Iterator<Item = AccessLine>) -> Vec<u8> {
    let header = Header {
        format: "sportello-export".into(),
        format_version: 1,
        export_id: format!("01870000-0000-4000-9000-{sequence:012x}"),
        desk: "FOL".into(),
        sequence,
        created_at: "2024-01-02T18:00:00+01:00".into(),
        period: Period {
            from: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2023, 12, 31).unwrap(),
        },
        codebook_version: 1,
    };
    let mut out = Vec::new();
    write_line(&mut out, &header).unwrap();
    let mut count = 0;
    for line in lines {
        write_line(&mut out, &Record::Access(line)).unwrap();
        count += 1;
    }
    let trailer = Trailer {
        count,
        sha256: sha256_hex(&out),
    };
    write_line(&mut out, &trailer).unwrap();
    out
}

/// The three files: the first load, a revision of most of it, and a copy of the first
/// load under another export id.
pub fn files() -> [(String, Vec<u8>); 3] {
    let first = file(1, (0..N).map(|i| access(i, 1)));
    let updates = file(
        2,
        (0..N).map(|i| {
            if i < N / 10 * 9 {
                access(i, 2)
            } else {
                access(i + N, 1)
            }
        }),
    );
    let unchanged = file(3, (0..N).map(|i| access(i, 1)));
    [
        ("sportello-FOL-new.jsonl".into(), first),
        ("sportello-FOL-updates.jsonl".into(), updates),
        ("sportello-FOL-unchanged.jsonl".into(), unchanged),
    ]
}
