//! What the demo desks look like: the 2023 report's figures, and the weights every
//! characteristic is drawn with.
//!
//! Figures marked "seed" are the 2023 activity report's; everything else is a
//! plausible proposal (said where it is one). Codes are the codebook's; a unit test
//! checks each of them against the codebook the migrations load.

/// The accompaniment figures of a desk-year, in the report's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CaseFigures {
    /// Full cases opened before the year and still open at its start.
    pub carried_in: u64,
    /// Full cases opened in the year.
    pub opened: u64,
    /// Full cases (of both kinds above) closed in the year.
    pub archived: u64,
    /// Fast accompaniments opened in the year.
    pub fast: u64,
}

/// A demo desk.
pub(super) struct Profile {
    pub code: &'static str,
    /// Accesses of the year in the "front desk" group, and their channels.
    pub front_desk: u64,
    pub front_channels: &'static [(&'static str, u32)],
    /// Accesses of the year in the "telefono/mail" group, and their channels.
    pub phone_mail: u64,
    pub phone_channels: &'static [(&'static str, u32)],
    /// The top foreign nationalities resident in the desk's municipality, and the
    /// number of foreign residents in all.
    pub residents: &'static [(&'static str, u32)],
    pub foreign_residents: u32,
    pub sex: &'static [(&'static str, u32)],
    pub cases: CaseFigures,
}

/// Grosseto's top six foreign nationalities, 2023 (seed; the OCR reads Ukraine's
/// figure as "26": the table is in descending order between Albania's 1,000 and
/// Moldova's 446, so 626).
const GRO_RESIDENTS: &[(&str, u32)] = &[
    ("RO", 1767),
    ("AL", 1000),
    ("UA", 626),
    ("MD", 446),
    ("MA", 423),
    ("PK", 277),
];

/// Follonica's top six foreign nationalities, 2023 (seed).
const FOL_RESIDENTS: &[(&str, u32)] = &[
    ("UA", 362),
    ("RO", 293),
    ("AL", 175),
    ("SN", 125),
    ("CN", 70),
    ("PL", 59),
];

/// The desks: GRO and FOL with the seed's 2023 figures; SCA, absent from the seed's
/// tables, with a few dozen video calls (proposal) and Grosseto's population mix.
pub(super) fn profiles() -> [Profile; 3] {
    [
        Profile {
            code: "GRO",
            front_desk: 4603,
            front_channels: &[("sportello", 1)],
            phone_mail: 5054,
            phone_channels: &[("telefono", 70), ("email", 30)],
            residents: GRO_RESIDENTS,
            foreign_residents: 7477,
            sex: &[("maschio", 52), ("femmina", 47), ("non_indicato", 1)],
            cases: CaseFigures {
                carried_in: 2,
                opened: 8,
                archived: 8,
                fast: 70,
            },
        },
        Profile {
            code: "FOL",
            front_desk: 976,
            front_channels: &[("sportello", 1)],
            phone_mail: 451,
            phone_channels: &[("telefono", 80), ("email", 20)],
            residents: FOL_RESIDENTS,
            foreign_residents: 1453,
            // the seed's typology table: prevalent sex male
            sex: &[("maschio", 60), ("femmina", 39), ("non_indicato", 1)],
            cases: CaseFigures {
                carried_in: 6,
                opened: 11,
                archived: 15,
                fast: 65,
            },
        },
        Profile {
            code: "SCA",
            front_desk: 36,
            front_channels: &[("videochiamata", 1)],
            phone_mail: 0,
            phone_channels: &[("email", 1)],
            residents: GRO_RESIDENTS,
            foreign_residents: 7477,
            sex: &[("maschio", 50), ("femmina", 49), ("non_indicato", 1)],
            cases: CaseFigures {
                carried_in: 0,
                opened: 1,
                archived: 1,
                fast: 3,
            },
        },
    ]
}

/// Weekly video-call hours for a desk whose preset has no front office (Scansano's
/// virtual desk): weekday (1 = Monday), first hour, hour after the last (proposal).
pub(super) const VIDEO_CALL_HOURS: &[(u32, u32, u32)] = &[(1, 10, 12), (4, 10, 12)];

/// Nationalities beyond the top six, with relative weights (proposal: the zone's
/// other large communities). The top six of a desk are left out of it.
const OTHERS: &[(&str, u32)] = &[
    ("SN", 10),
    ("CN", 9),
    ("PL", 8),
    ("NG", 9),
    ("IN", 8),
    ("BD", 7),
    ("TN", 7),
    ("MA", 8),
    ("MK", 6),
    ("EG", 5),
    ("PE", 4),
    ("BR", 4),
    ("GE", 4),
    ("RS", 3),
    ("PH", 3),
    ("GM", 3),
    ("ML", 3),
    ("CI", 3),
    ("DO", 3),
    ("CU", 3),
    ("BG", 4),
    ("RU", 3),
    ("XK", 3),
    ("XX", 1),
];

/// Citizens of another EU country: no permit to renew, so they come to the desk less
/// often than their number of residents suggests (proposal: half as often).
pub(super) const EU: &[&str] = &["RO", "PL", "BG"];

/// Italians come too (employers, spouses, volunteers): their weight as a share of the
/// foreign residents, in percent (proposal).
const ITALIANS_PERCENT: u32 = 6;

/// The nationality weights of a desk's accesses: the resident top six as in the seed,
/// the other foreign residents spread over [`OTHERS`], EU citizens halved, and Italians.
pub(super) fn nationality_weights(profile: &Profile) -> Vec<(&'static str, u32)> {
    let top: u32 = profile.residents.iter().map(|&(_, n)| n).sum();
    let rest = profile.foreign_residents.saturating_sub(top);
    let others: Vec<(&str, u32)> = OTHERS
        .iter()
        .copied()
        .filter(|(code, _)| profile.residents.iter().all(|(c, _)| c != code))
        .collect();
    let others_sum: u32 = others.iter().map(|&(_, w)| w).sum();
    let mut weights: Vec<(&str, u32)> = profile.residents.to_vec();
    weights.extend(others.iter().map(|&(c, w)| (c, rest * w / others_sum)));
    for (code, w) in &mut weights {
        if EU.contains(code) {
            *w /= 2;
        }
    }
    weights.push(("IT", profile.foreign_residents * ITALIANS_PERCENT / 100));
    weights
}

/// Age bands (proposal: mostly working age).
pub(super) const AGE_BANDS: &[(&str, u32)] = &[
    ("0-17", 2),
    ("18-29", 22),
    ("30-39", 30),
    ("40-49", 24),
    ("50-59", 14),
    ("60-69", 6),
    ("70+", 2),
];

/// Who sent the person (proposal: mostly word of mouth).
pub(super) const REFERRERS: &[(&str, u32)] = &[
    ("iniziativa_propria", 55),
    ("servizio_sociale", 8),
    ("comune", 8),
    ("questura", 6),
    ("prefettura", 2),
    ("asl", 3),
    ("centro_impiego", 3),
    ("scuola_cpia", 3),
    ("patronato_sindacato", 4),
    ("terzo_settore", 4),
    ("centro_accoglienza", 3),
    ("datore_lavoro", 2),
    ("altro", 2),
];

/// Reasons of a citizen of a country outside the EU: permits first.
pub(super) const REASONS_NON_EU: &[(&str, u32)] = &[
    ("rinnovo_permesso", 30),
    ("primo_rilascio", 6),
    ("permesso_ue", 10),
    ("cittadinanza", 10),
    ("ricongiungimento", 8),
    ("lavoro", 8),
    ("flussi", 4),
    ("residenza", 4),
    ("sanita", 4),
    ("casa", 3),
    ("scuola", 2),
    ("protezione", 4),
    ("documenti", 4),
    ("prestazioni", 2),
    ("legale", 2),
    ("altro", 2),
];

/// Reasons of an EU citizen: no permit, the rest of daily life.
pub(super) const REASONS_EU: &[(&str, u32)] = &[
    ("residenza", 20),
    ("lavoro", 20),
    ("sanita", 15),
    ("documenti", 10),
    ("prestazioni", 10),
    ("casa", 8),
    ("cittadinanza", 7),
    ("scuola", 4),
    ("altro", 6),
];

/// Reasons of an Italian: employers hiring from abroad, families, neighbours.
pub(super) const REASONS_IT: &[(&str, u32)] = &[
    ("lavoro", 25),
    ("flussi", 15),
    ("ricongiungimento", 10),
    ("residenza", 10),
    ("prestazioni", 10),
    ("casa", 10),
    ("legale", 5),
    ("altro", 15),
];

/// Permits of a citizen of a country outside the EU.
pub(super) const PERMITS_NON_EU: &[(&str, u32)] = &[
    ("in_rinnovo", 20),
    ("lavoro_subordinato", 25),
    ("lavoro_autonomo", 4),
    ("attesa_occupazione", 5),
    ("famiglia", 14),
    ("studio", 2),
    ("protezione_internazionale", 5),
    ("protezione_speciale", 5),
    ("richiesta_asilo", 5),
    ("cure_mediche", 1),
    ("ue_lungo_periodo", 12),
    ("carta_familiare_ue", 1),
    ("nessuno", 4),
    ("altro", 1),
];

/// What the desk activated for a reason (proposal, after the seed's description of
/// front and back office).
pub(super) fn actions_for(reason: &str) -> &'static [(&'static str, u32)] {
    match reason {
        "rinnovo_permesso" | "permesso_ue" => &[
            ("kit_postale", 50),
            ("appuntamento", 35),
            ("informazione", 15),
        ],
        "cittadinanza" | "ricongiungimento" => &[("appuntamento", 60), ("informazione", 40)],
        "lavoro" | "flussi" => &[("informazione", 60), ("incrocio_dom", 40)],
        "legale" | "protezione" => &[
            ("consulenza_legale", 40),
            ("informazione", 40),
            ("invio_servizio", 20),
        ],
        "sanita" | "casa" | "prestazioni" | "residenza" => {
            &[("informazione", 60), ("invio_servizio", 40)]
        }
        _ => &[("informazione", 1)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use crate::codebook::{self, List};
    use crate::demo::random::quotas;

    #[test]
    fn every_code_is_in_the_codebook() {
        let store = Store::open_in_memory().unwrap();
        let cb = codebook::load(store.conn()).unwrap();
        let known = |list: List, code: &str| {
            assert!(
                cb.entry(list, code).is_some(),
                "{code} is not a {list:?} code"
            );
        };
        for p in profiles() {
            for &(c, _) in p.front_channels.iter().chain(p.phone_channels) {
                known(List::Channel, c);
            }
            for (c, _) in nationality_weights(&p) {
                known(List::Nationality, c);
            }
            p.sex.iter().for_each(|&(c, _)| known(List::Sex, c));
        }
        AGE_BANDS.iter().for_each(|&(c, _)| known(List::AgeBand, c));
        REFERRERS
            .iter()
            .for_each(|&(c, _)| known(List::ReferredBy, c));
        PERMITS_NON_EU
            .iter()
            .for_each(|&(c, _)| known(List::Permit, c));
        for &(r, _) in REASONS_NON_EU.iter().chain(REASONS_EU).chain(REASONS_IT) {
            known(List::Reason, r);
            actions_for(r)
                .iter()
                .for_each(|&(a, _)| known(List::Action, a));
        }
    }

    #[test]
    fn follonica_ranks_senegal_ukraine_and_albania_in_its_top_five() {
        let [_, fol, _] = profiles();
        let weights = nationality_weights(&fol);
        let shares = quotas(1427, &weights.iter().map(|&(_, w)| w).collect::<Vec<_>>());
        let mut ranked: Vec<(u64, &str)> = shares
            .iter()
            .zip(&weights)
            .map(|(&n, &(c, _))| (n, c))
            .collect();
        // the report's order: highest count first, ties by code
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let top5: Vec<&str> = ranked.iter().take(5).map(|&(_, c)| c).collect();
        for code in ["SN", "UA", "AL"] {
            assert!(top5.contains(&code), "{code} not in {top5:?}");
        }
    }

    #[test]
    fn the_seed_figures_add_up() {
        let [gro, fol, _] = profiles();
        assert_eq!(gro.front_desk + gro.phone_mail, 9657);
        assert_eq!(fol.front_desk + fol.phone_mail, 1427);
        for p in [gro, fol] {
            let c = p.cases;
            assert!(c.archived <= c.carried_in + c.opened, "{}", p.code);
        }
    }
}
