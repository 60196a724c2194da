use age::x25519;

use super::*;
use crate::Store;

fn pair() -> (x25519::Identity, x25519::Recipient) {
    let identity = x25519::Identity::generate();
    let recipient = identity.to_public();
    (identity, recipient)
}

#[test]
fn the_recipient_setting_takes_a_public_key_only() {
    let store = Store::open_in_memory().unwrap();
    let (identity, recipient) = pair();
    let text = recipient.to_string();
    assert_eq!(
        set_recipient(
            store.conn(),
            Some(&format!("  {}  ", text.to_uppercase())),
            now()
        )
        .unwrap(),
        Some(text.clone()),
        "spaces and case do not matter; the lower-case form is stored"
    );
    assert_eq!(recipient_of(&store), Some(text.clone()));
    let secret = identity.to_string();
    let err = set_recipient(store.conn(), Some(secret.expose_secret()), now()).unwrap_err();
    assert!(err.to_string().contains("private key"), "{err}");
    let pasted = format!("key: {}", secret.expose_secret());
    let err = set_recipient(store.conn(), Some(&pasted), now()).unwrap_err();
    assert!(
        !err.to_string().contains(secret.expose_secret()),
        "never echoed: {err}"
    );
    assert!(set_recipient(store.conn(), Some("age1notakey"), now()).is_err());
    assert_eq!(
        recipient_of(&store),
        Some(text),
        "a refused key leaves the setting"
    );
    set_recipient(store.conn(), None, now()).unwrap();
    let rows: Vec<String> = store
        .conn()
        .prepare("SELECT detail FROM audit_log WHERE entity = 'setting' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        rows,
        [recipient.to_string(), "cleared".to_string()],
        "each change audited, the public key only"
    );
    assert_eq!(recipient_of(&store), None, "cleared");
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn recipient_of(store: &Store) -> Option<String> {
    recipient(store.conn()).unwrap()
}

use age::secrecy::ExposeSecret;

#[test]
fn the_key_pair_is_private_never_replaced_and_restored_from_its_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sportello.db");
    let now = chrono::Utc::now();
    let pair = keys::init(&db, now).unwrap();
    assert!(pair.recipient.starts_with("age1"));
    assert_eq!(pair.path, dir.path().join("sportello-coordinator-key.txt"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pair.path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only the owner reads the key");
    }
    let before = std::fs::read(&pair.path).unwrap();
    assert!(keys::init(&db, now).is_err(), "a second init is refused");
    assert_eq!(
        std::fs::read(&pair.path).unwrap(),
        before,
        "and changes nothing"
    );
    assert_eq!(keys::show(&db).unwrap(), Some(pair.clone()));

    let backup = dir.path().join("backup.age");
    let short = age::secrecy::SecretString::from("short".to_string());
    assert!(keys::write_backup(&db, &backup, short, now).is_err());
    let passphrase = || age::secrecy::SecretString::from("a long enough phrase".to_string());
    keys::write_backup(&db, &backup, passphrase(), now).unwrap();
    let text = std::fs::read_to_string(&backup).unwrap();
    assert!(
        text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"),
        "printable"
    );
    assert!(
        !text.contains("AGE-SECRET-KEY"),
        "the key is not readable in it"
    );

    let other = dir.path().join("restored.db");
    let wrong = age::secrecy::SecretString::from("another long phrase".to_string());
    assert!(keys::restore_backup(&other, &backup, wrong).is_err());
    let restored = keys::restore_backup(&other, &backup, passphrase()).unwrap();
    assert_eq!(restored.recipient, pair.recipient, "the same key pair back");
}

#[test]
fn creating_keys_with_a_refused_backup_leaves_no_key_and_the_status_shows_the_pair() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sportello.db");
    let backup = dir.path().join("backup.age");
    let now = chrono::Utc::now();
    let short = age::secrecy::SecretString::from("too short".to_string());
    assert!(keys::init_with_backup(&db, &backup, short, now).is_err());
    assert!(
        keys::show(&db).unwrap().is_none(),
        "no key without its backup"
    );
    assert!(!backup.exists());

    let phrase = age::secrecy::SecretString::from("a long enough phrase".to_string());
    let pair = keys::init_with_backup(&db, &backup, phrase, now).unwrap();
    assert!(backup.exists());
    let store = Store::open(&db, now).unwrap();
    let shown = status(store.conn(), Some(&db)).unwrap();
    assert_eq!(shown.key_pair, Some(pair));
    assert!(!shown.required);
    set_required(store.conn(), true, now).unwrap();
    assert!(status(store.conn(), Some(&db)).unwrap().required);
}
