//! Integration tests of the core and the `sportello` binary, one module per area.

mod appointments;
mod backup_cli;
mod case_lifecycle;
mod cases;
mod cli;
mod closed_years;
mod completeness;
mod context;
mod crash;
mod demo;
mod encryption;
mod export_import;
mod import_plan;
mod inbox;
mod outbox;
mod package;
mod receipts;
mod register;
mod report;
mod report_counts;
mod report_csv;
mod report_html;
mod report_xlsx;
mod store;
mod sync_cli;
mod ui_limits;
