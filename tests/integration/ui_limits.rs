//! The interface mirrors the core's shared limits in `ui/js/limits.js`: the two must
//! say the same, or a date the form accepts would be refused on save (or the reverse).

use sportello::limits;

/// The integer of `export const NAME = N;` in the interface's limits module.
fn ui_constant(source: &str, name: &str) -> i32 {
    let prefix = format!("export const {name} = ");
    let line = source
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("ui/js/limits.js has no `{prefix}...;` line"));
    line[prefix.len()..]
        .trim_end_matches(';')
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("{name} in ui/js/limits.js is not an integer: {e}"))
}

#[test]
fn the_interface_mirrors_the_cores_year_limits() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/js/limits.js");
    let source = std::fs::read_to_string(&path).expect("ui/js/limits.js exists");
    assert_eq!(
        ui_constant(&source, "EARLIEST_YEAR"),
        limits::EARLIEST_YEAR,
        "ui/js/limits.js EARLIEST_YEAR differs from src/limits.rs"
    );
    assert_eq!(
        ui_constant(&source, "LATEST_YEAR"),
        limits::LATEST_YEAR,
        "ui/js/limits.js LATEST_YEAR differs from src/limits.rs"
    );
}
