//! The register's day on a database file: what the screen shows after saving, after a
//! restart of the app, and after undo.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sportello::register::accesses::NewAccess;
use sportello::register::{self, LastSave, Saved};
use sportello::{Store, desk};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 6, 9, 30, 0).unwrap()
}

/// What the register's status line counts as not exported yet, today.
fn pending(store: &Store) -> sportello::exchange::export::Pending {
    sportello::exchange::export::pending(store.conn(), day()).unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, 6).unwrap()
}

fn phone_call(nationality: &str) -> NewAccess {
    NewAccess {
        date: day(),
        hour: 9,
        channel: "telefono".into(),
        nationality: nationality.into(),
        sex: "femmina".into(),
        age_band: "40-49".into(),
        first_access: true,
        referred_by: "servizio_sociale".into(),
        reasons: vec!["rinnovo_permesso".into()],
        permit: "in_rinnovo".into(),
        actions: vec!["informazione".into(), "kit_postale".into()],
        accompaniment: false,
        mediation: true,
    }
}

#[test]
fn the_day_survives_a_restart_and_undo_leaves_tombstones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sportello.db");
    let mut store = Store::open(&path, now()).unwrap();
    let gro = desk::presets()
        .into_iter()
        .find(|d| d.code == "GRO")
        .unwrap();
    register::first_run(store.conn_mut(), &gro, "Anna", now().into()).unwrap();
    let batch = register::save(store.conn_mut(), &phone_call("UA"), 5, now().into())
        .unwrap()
        .accesses;
    register::save(store.conn_mut(), &phone_call("SN"), 1, now().into()).unwrap();
    drop(store);

    let mut store = Store::open(&path, now()).unwrap();
    let ctx = register::context(store.conn(), day()).unwrap();
    assert_eq!(ctx.desk.code, "GRO");
    assert_eq!(ctx.operator, "Anna", "the operator is remembered");
    assert_eq!(ctx.usual_channel.as_deref(), Some("telefono"));
    assert_eq!(ctx.frequent_nationalities, ["UA", "SN"]);
    let before = register::day(store.conn(), day()).unwrap();
    assert_eq!(before.counts.phone_mail, 6);
    assert_eq!(pending(&store).records, 6);
    assert_eq!(
        before.accesses[0].actions,
        ["informazione", "kit_postale"],
        "every field comes back as saved"
    );

    let last = LastSave::Recorded {
        accesses: batch
            .iter()
            .map(|a| Saved {
                id: a.id.clone(),
                revision: a.revision,
            })
            .collect(),
    };
    register::undo(store.conn_mut(), &last, now().into()).unwrap();
    let after = register::day(store.conn(), day()).unwrap();
    assert_eq!(after.counts.total, 1, "the batch of five is undone whole");
    assert_eq!(
        pending(&store).records,
        6,
        "the five tombstones still have to travel to the coordinator"
    );
    assert_eq!(after.frequent_nationalities, ["SN"]);
}
