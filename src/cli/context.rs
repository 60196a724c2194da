//! `sportello context ...`: the report's context tables (ISTAT residents of the zone):
//! load a year from ISTAT's files, show a year, list the years, the zone and the
//! desks' municipalities. Argument handling and printing only; every rule is in
//! `sportello::context`.

use std::path::PathBuf;

use clap::Subcommand;
use sportello::context::{self, Context, Residents};
use sportello::{Error, Now, Result, Store};

use super::{Format, print_json};

#[derive(Subcommand)]
pub enum Action {
    /// Load a year from ISTAT's files (demo.istat.it), replacing what the year held:
    /// one "residents by citizenship" file (Dati_RCS_cittadinanza_YYYY), or one
    /// "residents by age and sex" (POSAS) with one "foreign residents by age and sex"
    /// (STRASA). Each FILE is the CSV or the ZIP as downloaded. A problem in any file
    /// stores nothing and names the file, line and column (docs/context.md).
    Load {
        /// The year: the population at 1 January of it, e.g. 2024.
        #[arg(long)]
        year: i32,
        /// The ISTAT files (CSV or ZIP).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Show a year's context tables: residents and foreign residents of the zone's
    /// municipalities with the share of foreigners, and the largest nationalities of
    /// the desks' municipalities.
    Show {
        /// The year, e.g. 2023.
        #[arg(long)]
        year: i32,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the years held, with where their figures come from.
    Years {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the municipalities of the zone and the desks' municipalities.
    Zone,
    /// Set the municipality whose nationalities are shown beside a desk (a
    /// municipality of the zone), or remove it with --none.
    Desk {
        /// The desk's code, e.g. SCA.
        code: String,
        /// The municipality, e.g. Scansano.
        #[arg(required_unless_present = "none", conflicts_with = "none")]
        municipality: Option<String>,
        /// The desk shows no nationalities.
        #[arg(long)]
        none: bool,
    },
}

/// Runs one `context` subcommand.
pub fn run(store: &mut Store, action: Action) -> Result<()> {
    match action {
        Action::Load { year, files } => {
            let loaded = context::load(store.conn_mut(), year, &files, Now::read().utc())?;
            for f in &loaded.files {
                let encoding = if f.latin1 { ", read as Latin-1" } else { "" };
                println!(
                    "{}: {} file, {} other municipalities not kept{encoding}",
                    f.name, f.layout, f.others
                );
            }
            println!(
                "{}: {} municipalities and {} nationality rows stored",
                loaded.year, loaded.municipalities, loaded.nationalities
            );
        }
        Action::Show { year, format } => {
            let c = context::show(store.conn(), year)?.ok_or_else(|| {
                Error::invalid(
                    "year",
                    format!(
                        "no context data for {year}: load it with \
                         `sportello context load --year {year} FILE...`"
                    ),
                )
            })?;
            match format {
                Format::Json => print_json(&c)?,
                Format::Text => print_text(&c),
            }
        }
        Action::Years { format } => {
            let years = context::years(store.conn())?;
            match format {
                Format::Json => print_json(&years)?,
                Format::Text => {
                    for y in years {
                        let when = y.loaded_at.as_deref().unwrap_or("shipped with the program");
                        println!("{}  {}  ({when})", y.year, y.source);
                    }
                }
            }
        }
        Action::Zone => {
            println!("{}", context::zone(store.conn())?.join("\n"));
            for (desk, municipality) in context::desk_municipalities(store.conn())? {
                println!("desk {desk}: {municipality}");
            }
        }
        Action::Desk {
            code,
            municipality,
            none: _,
        } => context::set_desk_municipality(store.conn(), &code, municipality.as_deref())?,
    }
    Ok(())
}

/// A whole number with the Italian thousands separator: 81.608.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A share with the decimal comma: 9,2%.
fn share(p: f64) -> String {
    format!("{p:.1}%").replace('.', ",")
}

fn print_row(r: &Residents) {
    println!(
        "{:<28}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>8}{:>8}{:>8}",
        r.municipality,
        thousands(r.males),
        thousands(r.females),
        thousands(r.total),
        thousands(r.foreign_males),
        thousands(r.foreign_females),
        thousands(r.foreign_total),
        share(r.foreign_share.males),
        share(r.foreign_share.females),
        share(r.foreign_share.total),
    );
}

fn print_text(c: &Context) {
    println!("Residenti e stranieri residenti, {} ({})", c.year, c.source);
    if !c.note.is_empty() {
        println!("Nota: {}", c.note);
    }
    println!(
        "{:<28}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>8}{:>8}{:>8}",
        "Comune", "M", "F", "Totale", "Str. M", "Str. F", "Str. tot", "% M", "% F", "% tot"
    );
    for r in &c.municipalities {
        print_row(r);
    }
    print_row(&c.total);
    for d in &c.desks {
        println!();
        println!(
            "{} ({}): {} stranieri residenti",
            d.municipality,
            d.desk,
            thousands(d.foreign_residents)
        );
        if d.nationalities.is_empty() {
            println!("  nessuna nazionalità per il {}", c.year);
        }
        for n in &d.nationalities {
            println!(
                "  {:<28}{:>9}{:>8}",
                n.name,
                thousands(n.residents),
                share(n.percent)
            );
        }
    }
}
