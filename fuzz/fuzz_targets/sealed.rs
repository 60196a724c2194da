//! Any bytes into the readers of sealed values: a sealed text or a sealed copy must
//! open or be refused (malformed, or not opening with this key here), never panic; and
//! what opens must be exactly what was sealed for that place, under a fixed test key.
//!
//! Each input is read three ways: as stored bytes, as stored text (when UTF-8), and
//! sealed under the key then opened back, for the place and for another place.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sportello::store::vault::{DataKey, open_bytes, open_text, seal_bytes, seal_text};

fuzz_target!(|data: &[u8]| {
    let key = DataKey::from_bytes([7; 32]);
    let _ = open_bytes(&key, "case_documents.file", "d1", data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = open_text(&key, "case_files.person_name", "c1", text);
        let sealed = seal_text(&key, "case_files.person_name", "c1", text);
        assert_eq!(
            open_text(&key, "case_files.person_name", "c1", &sealed).as_deref(),
            Ok(text)
        );
        if !text.is_empty() {
            assert!(open_text(&key, "case_files.phone", "c1", &sealed).is_err());
        }
    }
    let sealed = seal_bytes(&key, "case_documents.file", "d1", data);
    assert_eq!(open_bytes(&key, "case_documents.file", "d1", &sealed).as_deref(), Ok(data));
    assert!(open_bytes(&key, "case_documents.file", "d2", &sealed).is_err());
});
