//! Any bytes into the reader of ISTAT's demographic CSVs (the context tables): it must
//! return a file or a `Problem`, never panic, and whatever it accepts must hold
//! together: only the zone's municipalities, each once, with a six-digit code; in a
//! citizenship file each citizenship once and the foreign residents at most the
//! residents.
//!
//! Random bytes rarely make a header the reader knows, which would stop it before the
//! rows; so each input is also read behind each of the three headers, to reach the
//! checks of the rows.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use sportello::context::istat::{self, ITALY, Layout};

const ZONE: [&str; 3] = ["Grosseto", "Follonica", "Castell'Azzara"];

const HEADERS: [&str; 3] = [
    "Anno;Codice Istat;Denominazione;Codice stato di cittadinanza;Stato di cittadinanza;\
     Zona;Continente;Maschi;Femmine;Totale\r\n",
    "\"Popolazione residente per età e sesso al 1° gennaio 2024\"\r\n\
     \"Codice comune\";\"Comune\";\"Età\";\"Totale maschi\";\"Totale femmine\";\"Totale\"\r\n",
    "Codice comune;Comune;Età;Maschi;Femmine\r\n",
];

fn check(data: &[u8]) {
    let Ok(file) = istat::parse(data, 2024, &ZONE) else {
        return;
    };
    let mut seen = HashSet::new();
    for m in &file.found {
        assert!(ZONE.contains(&m.municipality.as_str()), "a zone municipality");
        assert!(seen.insert(m.municipality.clone()), "each municipality once");
        assert!(m.code.len() == 6 && m.code.bytes().all(|b| b.is_ascii_digit()));
        if file.layout == Layout::Citizenship {
            let mut codes = HashSet::new();
            let (mut males, mut females) = (0, 0);
            for c in &m.citizenships {
                assert!(codes.insert(c.code.clone()), "each citizenship once");
                males += c.males;
                females += c.females;
            }
            assert_eq!((males, females), (m.males, m.females), "residents are the sum");
            let foreign = m.citizenships.iter().filter(|c| c.code != ITALY);
            let fm: u64 = foreign.clone().map(|c| c.males).sum();
            let ff: u64 = foreign.map(|c| c.females).sum();
            assert!(fm <= m.males && ff <= m.females);
        } else {
            assert!(m.citizenships.is_empty());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check(data);
    for header in HEADERS {
        let mut bytes = header.as_bytes().to_vec();
        bytes.extend_from_slice(data);
        check(&bytes);
    }
});
