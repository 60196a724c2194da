//! Any bytes into the import parser: it must return a file or a `Rejection`, never
//! panic, and whatever it accepts must hold together (ids unique, lines in order).
//!
//! Random bytes almost never carry a matching SHA-256 trailer, which would stop the
//! parser before the record lines; so each input is also parsed a second time as the
//! body of a file, with a correct trailer appended, to reach the field validation.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use sportello::exchange::import::parse;
use sportello::exchange::wire::{Record, sha256_hex};

fn check(data: &[u8]) {
    let Ok(file) = parse(data) else {
        return;
    };
    let mut ids = HashSet::new();
    let mut last_line = 1;
    for (line, record) in &file.records {
        assert!(*line > last_line, "record lines follow the header, in order");
        last_line = *line;
        let id = match record {
            Record::Access(a) => &a.id,
            Record::Case(c) => &c.id,
        };
        assert!(ids.insert(id.clone()), "an accepted file has unique ids");
    }
    assert!(file.header.period.from <= file.header.period.to);
}

fuzz_target!(|data: &[u8]| {
    check(data);
    let mut body = data.to_vec();
    if !body.ends_with(b"\n") {
        body.push(b'\n');
    }
    let records = body.iter().filter(|&&b| b == b'\n').count().saturating_sub(1);
    let trailer = format!(
        "{{\"record\":\"trailer\",\"count\":{records},\"sha256\":\"{}\"}}\n",
        sha256_hex(&body)
    );
    body.extend_from_slice(trailer.as_bytes());
    check(&body);
});
