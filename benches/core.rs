//! Speed of the operations a desk feels: saving an access while the queue waits,
//! showing today's list, loading the codebook at start. Run with `make bench`.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use sportello::register::accesses::{self, NewAccess};
use sportello::{Store, codebook, desk};

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
criterion_main!(benches);
