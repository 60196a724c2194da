//! Any bytes into the opening of an encrypted export: it must return the plaintext or
//! a `Rejection`, never panic, and never hand the parser more than the size limit.
//!
//! Each input is opened three ways: as it is; after the age header line (so that the
//! header parser, not the plain path, reads it); and encrypted to the test key, then
//! cut or changed at a place the input chooses: whole, it opens to the input itself;
//! cut or changed, it is refused (a change in the first line makes it a plain file).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sportello::exchange::encryption::{AGE_HEADER, encrypt, x25519};
use sportello::exchange::import::{Decryption, MAX_FILE_BYTES, open};

/// A key made for this target only: it protects nothing.
const TEST_KEY: &str = "AGE-SECRET-KEY-18FKEE7Q04XWAAAQF5DJKFSWEX34W730HYHKFZMNXE4LQNUKLPVJS44ZM3V";

fn keys() -> (Decryption, x25519::Recipient) {
    let identity: x25519::Identity = TEST_KEY.parse().expect("the test key parses");
    let recipient = identity.to_public();
    (Decryption::with(identity, "the test key"), recipient)
}

fuzz_target!(|data: &[u8]| {
    let (keys, recipient) = keys();
    if let Ok(opened) = open(data.to_vec(), &keys) {
        assert!(opened.plain.len() as u64 <= MAX_FILE_BYTES);
    }
    let mut headed = AGE_HEADER.to_vec();
    headed.extend_from_slice(data);
    let _ = open(headed, &keys);

    let sealed = encrypt(&recipient, data).expect("encrypting to a key works");
    let opened = open(sealed.clone(), &keys).expect("a whole file opens");
    assert_eq!(opened.plain, data, "the plaintext is the input");
    if let Some((&first, _)) = data.split_first() {
        let at = first as usize * sealed.len() / 256;
        let _ = open(sealed[..at].to_vec(), &keys);
        let mut changed = sealed;
        changed[at] ^= 0x01;
        if let Ok(opened) = open(changed, &keys) {
            // only a change in the first line makes it no age file, read as plain
            assert!(
                !opened.encrypted && at < AGE_HEADER.len(),
                "a changed byte of an age file is never decrypted"
            );
        }
    }
});
