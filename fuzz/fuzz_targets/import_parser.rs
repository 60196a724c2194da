//! Any bytes into the import parser: it must return a file or a `FormatError`, never
//! panic, and whatever it accepts must hold together (ids unique, counts consistent).
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use sportello::import::{Record, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = parse(data) else {
        return;
    };
    let mut ids = HashSet::new();
    for (line, record) in &file.records {
        assert!(*line >= 2, "record lines follow the header");
        let id = match record {
            Record::Access(a) => &a.id,
            Record::Case(c) => &c.id,
        };
        assert!(ids.insert(id.clone()), "an accepted file has unique ids");
    }
    assert!(file.header.period_from <= file.header.period_to);
});
