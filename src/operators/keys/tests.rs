use chrono::{TimeZone, Utc};

use super::*;
use crate::Store;
use crate::operators::{self, NewOperator, Role};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn new(name: &str, role: Role, pin: &str) -> NewOperator {
    NewOperator {
        name: name.into(),
        initials: name.chars().take(2).collect::<String>().to_uppercase(),
        role,
        pin: pin.into(),
    }
}

fn sealed_value(store: &Store) -> String {
    store
        .conn()
        .query_row("SELECT seal('t.c', 1, 'Nome')", [], |r| r.get(0))
        .unwrap()
}

/// A store with a coordinator "Maria" (PIN 246810) and an operator "Luca" (PIN
/// 135790), nothing sealed yet.
fn accounts() -> (Store, PinHasher, Operator, Operator) {
    let mut store = Store::open_in_memory().unwrap();
    let h = PinHasher::light();
    let v = store.vault().clone();
    let maria = operators::create_first(
        store.conn_mut(),
        &h,
        &v,
        &new("Maria Rossi", Role::Coordinator, "246810"),
        t0(),
    )
    .unwrap();
    let luca = operators::create(
        store.conn_mut(),
        &h,
        &v,
        &maria,
        &new("Luca Bianchi", Role::Operator, "135790"),
        t0(),
    )
    .unwrap();
    (store, h, maria, luca)
}

/// Anna, an operator (PIN 112233) created by Maria with the key as it stands.
fn anna(store: &mut Store, h: &PinHasher, maria: &Operator) -> Operator {
    let v = store.vault().clone();
    operators::create(
        store.conn_mut(),
        h,
        &v,
        maria,
        &new("Anna Verdi", Role::Operator, "112233"),
        t0(),
    )
    .unwrap()
}

/// [`accounts`], sealed by Maria: Luca's account is older than the setup.
fn sealed() -> (Store, PinHasher, Operator, Operator, RecoveryKey) {
    let (mut store, h, maria, luca) = accounts();
    let v = store.vault().clone();
    assert!(!v.is_sealed(), "nothing is sealed before the setup");
    assert_eq!(
        open(store.conn(), &v, luca.id, "135790").unwrap(),
        Opened::Plain
    );
    let recovery = setup(store.conn_mut(), &h, &v, &maria, "246810", t0()).unwrap();
    (store, h, maria, luca, recovery)
}

#[test]
fn only_a_coordinator_seals_and_only_once() {
    let (mut store, h, maria, luca) = accounts();
    let v = store.vault().clone();
    let err = setup(store.conn_mut(), &h, &v, &luca, "135790", t0()).unwrap_err();
    assert_eq!(err.code(), "coordinator_only");
    assert!(!v.is_sealed());
    setup(store.conn_mut(), &h, &v, &maria, "246810", t0()).unwrap();
    assert!(v.is_sealed() && v.is_open());
    let err = setup(store.conn_mut(), &h, &v, &maria, "246810", t0()).unwrap_err();
    assert_eq!(err.code(), "conflict");
    let audit: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'seal_personal_data' AND operator = 'Maria Rossi'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audit, 1);
}

#[test]
fn a_sign_in_opens_the_key_and_the_lock_drops_it() {
    let (store, _h, maria, _luca, _) = sealed();
    let v = store.vault();
    let sealed = sealed_value(&store);
    assert!(sealed.starts_with(vault::TEXT_PREFIX));
    v.lock();
    assert!(v.key().is_none());
    assert_eq!(
        store
            .conn()
            .query_row("SELECT seal('t.c', 1, 'x')", [], |r| r.get::<_, String>(0))
            .map_err(Error::from)
            .unwrap_err()
            .code(),
        "personal_locked"
    );
    assert_eq!(
        open(store.conn(), v, maria.id, "246810").unwrap(),
        Opened::Open
    );
    let back: String = store
        .conn()
        .query_row("SELECT unseal('t.c', 1, ?1)", [&sealed], |r| r.get(0))
        .unwrap();
    assert_eq!(back, "Nome");
}

#[test]
fn an_account_older_than_the_setup_needs_a_reset_and_a_new_one_opens_at_once() {
    let (mut store, h, maria, luca, _) = sealed();
    let v = store.vault().clone();
    v.lock();
    assert_eq!(
        open(store.conn(), &v, luca.id, "135790").unwrap(),
        Opened::NoKey
    );
    assert!(!v.is_open());

    // a reset needs the key in memory: the coordinator's areas must be open
    let err =
        operators::reset_pin(store.conn(), &h, &v, &maria, luca.id, "975310", t0()).unwrap_err();
    assert_eq!(err.code(), "personal_locked");
    open(store.conn(), &v, maria.id, "246810").unwrap();
    operators::reset_pin(store.conn(), &h, &v, &maria, luca.id, "975310", t0()).unwrap();
    v.lock();
    assert_eq!(
        open(store.conn(), &v, luca.id, "975310").unwrap(),
        Opened::Open
    );

    // an account created with the key in memory opens with its own PIN
    let anna = anna(&mut store, &h, &maria);
    v.lock();
    assert_eq!(
        open(store.conn(), &v, anna.id, "112233").unwrap(),
        Opened::Open
    );
    // a changed PIN: the new one opens, the old wrap is gone
    operators::change_own_pin(store.conn(), &h, &v, anna.id, "112233", "445566", t0()).unwrap();
    v.lock();
    assert_eq!(
        open(store.conn(), &v, anna.id, "445566").unwrap(),
        Opened::Open
    );
    assert_eq!(
        open(store.conn(), &v, anna.id, "112233")
            .unwrap_err()
            .code(),
        "sealed",
        "the old PIN opens nothing (the caller verifies the PIN first)"
    );
    // retiring an account deletes its wrap
    operators::retire(store.conn(), &maria, anna.id, t0()).unwrap();
    v.lock();
    assert_eq!(
        open(store.conn(), &v, anna.id, "445566").unwrap(),
        Opened::NoKey
    );
}

#[test]
fn the_recovery_key_opens_the_installation_and_sets_a_new_pin() {
    let (store, h, maria, _luca, recovery) = sealed();
    let v = store.vault().clone();
    let sealed = sealed_value(&store);
    v.lock();
    let typed = recovery.to_string();
    assert_eq!(typed.len(), 39, "8 groups of 4 and 7 dashes: {typed}");

    // a wrong key, a malformed key: nothing changes
    let wrong = RecoveryKey::generate().to_string();
    let err = recover(store.conn(), &h, &v, &wrong, maria.id, "777777", t0()).unwrap_err();
    assert_eq!(err.code(), "invalid");
    let err = recover(store.conn(), &h, &v, "1234", maria.id, "777777", t0()).unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(!v.is_open());
    operators::verify(store.conn(), &h, maria.id, "246810", t0()).unwrap();

    // typed in lower case, with spaces and an O for a zero
    let sloppy = typed.to_lowercase().replace('-', " ").replace('0', "o");
    let back = recover(store.conn(), &h, &v, &sloppy, maria.id, "777777", t0()).unwrap();
    assert_eq!(back.id, maria.id);
    assert!(v.is_open());
    let opened: String = store
        .conn()
        .query_row("SELECT unseal('t.c', 1, ?1)", [&sealed], |r| r.get(0))
        .unwrap();
    assert_eq!(opened, "Nome");
    // the new PIN signs in and opens; the old one does not sign in
    operators::verify(store.conn(), &h, maria.id, "777777", t0()).unwrap();
    assert!(operators::verify(store.conn(), &h, maria.id, "246810", t0()).is_err());
    v.lock();
    assert_eq!(
        open(store.conn(), &v, maria.id, "777777").unwrap(),
        Opened::Open
    );

    // a new recovery key replaces the old one
    let next = new_recovery_key(store.conn(), &v, &maria, t0()).unwrap();
    v.lock();
    let err = recover(store.conn(), &h, &v, &typed, maria.id, "888888", t0()).unwrap_err();
    assert_eq!(err.code(), "invalid", "the old recovery key opens nothing");
    recover(
        store.conn(),
        &h,
        &v,
        &next.to_string(),
        maria.id,
        "888888",
        t0(),
    )
    .unwrap();
}

#[test]
fn recovery_keys_read_back_as_written() {
    let k = RecoveryKey::generate();
    let typed = k.to_string();
    assert!(
        typed
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
    );
    let back = RecoveryKey::parse(&typed).unwrap();
    assert_eq!(back.0[..], k.0[..]);
    for bad in [
        "",
        "zz",
        &typed[..38],
        &format!("{typed}0"),
        &typed.replace('A', "G"),
    ] {
        if bad == typed {
            continue;
        }
        assert!(RecoveryKey::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_operator_changes_their_own_pin_while_locked_and_keeps_the_key() {
    let (mut store, h, maria, luca, _) = sealed();
    let v = store.vault().clone();
    let anna = anna(&mut store, &h, &maria);
    v.lock();
    // the current PIN opens Anna's own wrap: the new one is wrapped, the key stays out
    operators::change_own_pin(store.conn(), &h, &v, anna.id, "112233", "998877", t0()).unwrap();
    assert!(!v.is_open());
    assert_eq!(
        open(store.conn(), &v, anna.id, "998877").unwrap(),
        Opened::Open
    );
    // Luca has no wrap: his PIN changes, and he still needs a coordinator's reset
    v.lock();
    operators::change_own_pin(store.conn(), &h, &v, luca.id, "135790", "102938", t0()).unwrap();
    assert_eq!(
        open(store.conn(), &v, luca.id, "102938").unwrap(),
        Opened::NoKey
    );
}

#[test]
fn wrong_recovery_keys_are_logged_and_a_tampered_wrap_is_refused_without_deriving() {
    let (store, h, maria, _luca, _) = sealed();
    let v = store.vault().clone();
    let wrong = RecoveryKey::generate().to_string();
    assert!(recover(store.conn(), &h, &v, &wrong, maria.id, "777777", t0()).is_err());
    let logged: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'wrong_recovery_key'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1);
    // a wrap asking for 4 TiB of memory is not derived
    store
        .conn()
        .execute(
            "UPDATE key_wraps SET m_cost = 4294967295 WHERE holder = ?1",
            [holder(maria.id)],
        )
        .unwrap();
    v.lock();
    assert_eq!(
        open(store.conn(), &v, maria.id, "246810")
            .unwrap_err()
            .code(),
        "sealed"
    );
    assert!(!v.is_open());
}

#[test]
fn the_sealing_finishes_once_and_then_has_nothing_left() {
    let (store, _h, _maria, _luca, _) = sealed();
    // in memory: nothing to checkpoint, copy or back up; the setup finished it
    assert_eq!(settings::get(store.conn(), PENDING).unwrap(), None);
    settings::set(store.conn(), PENDING, "2026-03-02T09:00:00Z").unwrap();
    assert!(finish_sealing(store.conn(), t0()).unwrap());
    assert!(!finish_sealing(store.conn(), t0()).unwrap());
}

#[test]
fn a_failed_sealing_leaves_the_installation_plain() {
    let (mut store, h, maria, _luca) = accounts();
    let v = store.vault().clone();
    // the sealing fails at its last statement, after the values were sealed
    store
        .conn()
        .execute_batch(
            "CREATE TEMP TRIGGER fail BEFORE INSERT ON audit_log
             WHEN NEW.action = 'seal_personal_data'
             BEGIN SELECT RAISE(ABORT, 'the disk is full'); END;",
        )
        .unwrap();
    assert!(setup(store.conn_mut(), &h, &v, &maria, "246810", t0()).is_err());
    assert!(!v.is_sealed(), "back to plain, as the database");
    assert_eq!(settings::get(store.conn(), vault::SETTING).unwrap(), None);
    let wraps: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM key_wraps", [], |r| r.get(0))
        .unwrap();
    assert_eq!(wraps, 0);
    assert_eq!(
        sealed_value(&store),
        "Nome",
        "the functions pass values through again"
    );
}

#[test]
fn a_coordinators_sign_in_seals_an_operators_does_not_and_the_demo_never() {
    // an operator first: nothing sealed
    let (mut store, h, maria, luca) = accounts();
    let v = store.vault().clone();
    let (opened, recovery) = sign_in(store.conn_mut(), &h, &v, &luca, "135790", t0()).unwrap();
    assert_eq!((opened, recovery.is_none()), (Opened::Plain, true));
    assert!(!v.is_sealed());
    // then a coordinator: sealed, the recovery key answered once
    let (opened, recovery) = sign_in(store.conn_mut(), &h, &v, &maria, "246810", t0()).unwrap();
    assert_eq!(opened, Opened::Open);
    assert!(recovery.is_some() && v.is_sealed());
    v.lock();
    let (opened, recovery) = sign_in(store.conn_mut(), &h, &v, &maria, "246810", t0()).unwrap();
    assert_eq!(
        (opened, recovery.is_none()),
        (Opened::Open, true),
        "once only"
    );

    // the demo's made-up data stays plain
    let (mut demo, h, maria, _) = accounts();
    settings::set(demo.conn(), "demo_database", "2023").unwrap();
    let v = demo.vault().clone();
    let (opened, recovery) = sign_in(demo.conn_mut(), &h, &v, &maria, "246810", t0()).unwrap();
    assert_eq!((opened, recovery.is_none()), (Opened::Plain, true));
    assert!(!v.is_sealed());
}
