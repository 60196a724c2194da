use age::x25519;

use super::*;
use crate::exchange::encryption::{AGE_HEADER, encrypt};

fn pair() -> (x25519::Identity, x25519::Recipient) {
    let identity = x25519::Identity::generate();
    let recipient = identity.to_public();
    (identity, recipient)
}

const PLAIN: &[u8] = b"{\"record\":\"header\"}\n";

#[test]
fn an_encrypted_file_opens_with_its_key_and_is_an_age_file() {
    let (identity, recipient) = pair();
    let sealed = encrypt(&recipient, PLAIN).unwrap();
    assert!(sealed.starts_with(AGE_HEADER), "a binary age file");
    let opened = open(sealed, &Decryption::with(identity, "test key")).unwrap();
    assert_eq!(opened.plain, PLAIN, "the plaintext is the file as written");
    assert!(opened.encrypted);
}

#[test]
fn a_plain_file_passes_unless_encryption_is_required() {
    let opened = open(PLAIN.to_vec(), &Decryption::none()).unwrap();
    assert!(!opened.encrypted);
    let refused = open(PLAIN.to_vec(), &Decryption::none().requiring(true)).unwrap_err();
    assert_eq!(refused.kind, RejectionKind::PlainRefused);
}

#[test]
fn another_key_no_key_damage_and_truncation_each_have_their_reason() {
    let (_, recipient) = pair();
    let (other, _) = pair();
    let sealed = encrypt(&recipient, &PLAIN.repeat(5000)).unwrap();
    let keys = Decryption::with(other, "test key");
    assert_eq!(
        open(sealed.clone(), &keys).unwrap_err().kind,
        RejectionKind::WrongKey
    );
    assert_eq!(
        open(sealed.clone(), &Decryption::none()).unwrap_err().kind,
        RejectionKind::NoKey
    );
    let (identity, recipient) = pair();
    let sealed = encrypt(&recipient, &PLAIN.repeat(5000)).unwrap();
    let keys = Decryption::with(identity, "test key");
    for cut in [sealed.len() - 1, sealed.len() - 70_000, 200, 30] {
        let kind = open(sealed[..cut].to_vec(), &keys).unwrap_err().kind;
        assert!(
            matches!(
                kind,
                RejectionKind::EncryptedTruncated | RejectionKind::EncryptedDamaged
            ),
            "a copy cut at {cut} is refused, not read: {kind:?}"
        );
    }
    // a cut at the end of a 64 KiB chunk is known for one: the last chunk is missing
    let header_end = sealed
        .windows(5)
        .position(|w| w == b"\n--- ")
        .and_then(|i| {
            sealed[i + 1..]
                .iter()
                .position(|b| *b == b'\n')
                .map(|j| i + j + 2)
        })
        .unwrap();
    let chunk_end = header_end + 16 + 64 * 1024 + 16;
    assert_eq!(
        open(sealed[..chunk_end].to_vec(), &keys).unwrap_err().kind,
        RejectionKind::EncryptedTruncated,
        "a whole chunk missing is a truncation"
    );
    let mut flipped = sealed.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x55;
    assert_eq!(
        open(flipped, &keys).unwrap_err().kind,
        RejectionKind::EncryptedDamaged,
        "a changed byte fails authentication"
    );
}

#[test]
fn any_bytes_after_the_age_header_are_refused_without_panic() {
    let (identity, _) = pair();
    let keys = Decryption::with(identity, "test key");
    let mut seed = 7u64;
    for len in 0..300 {
        let mut bytes = AGE_HEADER.to_vec();
        for _ in 0..len {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            bytes.push((seed >> 33) as u8);
        }
        assert!(open(bytes, &keys).is_err(), "random bytes never decrypt");
    }
}

#[test]
fn every_changed_byte_of_an_age_file_is_refused() {
    let (identity, recipient) = pair();
    let keys = Decryption::with(identity, "test key");
    let sealed = encrypt(&recipient, PLAIN).unwrap();
    for at in 0..sealed.len() {
        let mut changed = sealed.clone();
        changed[at] ^= 0x01;
        match open(changed, &keys) {
            Ok(opened) => assert!(
                !opened.encrypted && at < AGE_HEADER.len(),
                "byte {at} changed: only a changed first line reads as another (plain) file"
            ),
            Err(r) => assert!(
                matches!(
                    r.kind,
                    RejectionKind::EncryptedDamaged
                        | RejectionKind::EncryptedTruncated
                        | RejectionKind::WrongKey
                ),
                "byte {at}: {:?}",
                r.kind
            ),
        }
        let cut = open(sealed[..at].to_vec(), &keys);
        assert!(
            cut.as_ref().is_err() || !cut.unwrap().encrypted,
            "a copy cut at {at} is never decrypted"
        );
    }
}
