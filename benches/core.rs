//! Speed of the operations a desk feels: saving an access while the queue waits,
//! showing today's list, loading the codebook at start; and of the coordinator's
//! yearly report over a large register. Run with `make bench`.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use sportello::register::accesses::{self, NewAccess};
use sportello::{Store, codebook, desk, report};

fn typical() -> NewAccess {
    NewAccess {
        date: NaiveDate::from_ymd_opt(2024, 3, 12).unwrap(),
        hour: 10,
        channel: "sportello".into(),
        nationality: "MA".into(),
        sex: "femmina".into(),
        age_band: "30-39".into(),
        first_access: true,
        referred_by: "iniziativa_propria".into(),
        reasons: vec!["rinnovo_permesso".into()],
        permit: "famiglia".into(),
        actions: vec!["informazione".into()],
        accompaniment: false,
        mediation: false,
    }
}

/// A file database (WAL, synchronous FULL: the real cost of a durable save) holding a
/// year of a busy desk (about 10,000 accesses, Grosseto 2023).
fn busy_desk(dir: &std::path::Path) -> Store {
    let now = Utc.with_ymd_and_hms(2024, 3, 12, 9, 0, 0).unwrap();
    let mut store = Store::open(&dir.join("bench.db"), now).unwrap();
    let gro = desk::presets().remove(0);
    desk::set_own(store.conn_mut(), &gro, now).unwrap();
    let mut input = typical();
    for day in 0..250u64 {
        input.date = NaiveDate::from_ymd_opt(2023, 1, 2).unwrap() + chrono::Days::new(day);
        accesses::record_batch(store.conn_mut(), &input, 40, "bench", now.into()).unwrap();
    }
    store
}

/// A register of 200,000 accesses in 2023 and 20,000 in 2022 (for the comparison),
/// varied over channel, nationality, sex, age band, first access and reasons, written
/// with the register's own batch function (200 accesses a transaction).
fn large_register(dir: &std::path::Path) -> Store {
    const CHANNELS: [&str; 4] = ["sportello", "telefono", "email", "videochiamata"];
    const NATIONALITIES: [&str; 12] = [
        "MA", "RO", "AL", "UA", "SN", "CN", "MD", "PK", "PL", "IT", "NG", "BD",
    ];
    const SEXES: [&str; 3] = ["maschio", "femmina", "non_indicato"];
    const AGES: [&str; 7] = ["0-17", "18-29", "30-39", "40-49", "50-59", "60-69", "70+"];
    const REASONS: [&str; 4] = ["rinnovo_permesso", "lavoro", "casa", "cittadinanza"];
    let now = Utc.with_ymd_and_hms(2024, 3, 12, 9, 0, 0).unwrap();
    let mut store = Store::open(&dir.join("report.db"), now).unwrap();
    let gro = desk::presets().remove(0);
    desk::set_own(store.conn_mut(), &gro, now).unwrap();
    let mut input = typical();
    for (year, batches) in [(2023, 1000u64), (2022, 100)] {
        for b in 0..batches {
            let day = (b * 7) % 365;
            input.date = NaiveDate::from_ymd_opt(year, 1, 1).unwrap() + chrono::Days::new(day);
            let i = b as usize;
            input.channel = CHANNELS[i % 4].into();
            input.nationality = NATIONALITIES[(i / 4) % 12].into();
            input.sex = SEXES[i % 3].into();
            input.age_band = AGES[(i / 3) % 7].into();
            input.first_access = i % 5 == 0;
            input.reasons = vec![REASONS[i % 4].into(), REASONS[(i / 4) % 4].into()];
            input.reasons.dedup();
            accesses::record_batch(store.conn_mut(), &input, 200, "bench", now.into()).unwrap();
        }
    }
    store
}

fn bench_report(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = large_register(dir.path());
    c.bench_function("report 2023 over 200,000 accesses (json)", |b| {
        b.iter(|| report::yearly(store.conn(), 2023, None).unwrap())
    });
    c.bench_function("report 2023 tables over 200,000 accesses", |b| {
        b.iter(|| report::tables::build(store.conn(), 2023, None).unwrap())
    });
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = busy_desk(dir.path());
    let now = Utc.with_ymd_and_hms(2024, 3, 12, 9, 0, 0).unwrap();
    let input = typical();
    c.bench_function("record one access (durable)", |b| {
        b.iter(|| accesses::record(store.conn_mut(), &input, "bench", now.into()).unwrap())
    });
    c.bench_function("list a day of 40 accesses", |b| {
        let day = NaiveDate::from_ymd_opt(2023, 6, 1).unwrap();
        b.iter(|| accesses::list_for_day(store.conn(), "GRO", day).unwrap())
    });
    c.bench_function("load the codebook", |b| {
        b.iter(|| codebook::load(store.conn()).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_group! {
    name = reports;
    // building the register takes most of the time; ten samples of the report are enough
    config = Criterion::default().sample_size(10);
    targets = bench_report
}
criterion_main!(benches, reports);
