//! Integration tests of the core and the `sportello` binary, one module per area.

mod appointments;
mod cases;
mod cli;
mod completeness;
mod demo;
mod export_import;
mod import_plan;
mod register;
mod report;
mod report_counts;
mod report_csv;
mod report_xlsx;
mod store;
mod ui_limits;
