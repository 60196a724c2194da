//! Preferences of this installation: the operator's display name and the interface
//! language, kept in the `settings` table.
//!
//! The operator's display name is the free-text name of installations from before the
//! operators' accounts (the operators module): old audit rows are signed with it, and it
//! still signs changes made on a connection where nobody signed in. The language is `it` (default) or
//! `en`.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::store::settings;
use crate::{Error, Result};

const OPERATOR_KEY: &str = "operator_name";
const LANGUAGE_KEY: &str = "ui_language";

/// The longest display name accepted: initials or a first name and surname.
pub const OPERATOR_MAX_CHARS: usize = 40;

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Italian, the default.
    #[default]
    It,
    /// English.
    En,
}

impl Language {
    fn as_str(self) -> &'static str {
        match self {
            Language::It => "it",
            Language::En => "en",
        }
    }
}

/// Checks and normalises an operator's display name: trimmed, 1 to 40 characters,
/// no control characters.
pub fn validate_operator_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(
            "operator",
            "enter your name or initials (they sign every change in the audit log)",
        ));
    }
    if name.chars().count() > OPERATOR_MAX_CHARS {
        return Err(Error::invalid(
            "operator",
            format!("the name is too long: at most {OPERATOR_MAX_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "operator",
            "the name cannot contain tabs or line breaks",
        ));
    }
    Ok(name.to_string())
}

/// The operator's display name, or `None` before the first-run setup.
pub fn operator_name(conn: &Connection) -> Result<Option<String>> {
    settings::get(conn, OPERATOR_KEY)
}

/// The name that signs a change made on `conn` in the audit log: the one the
/// connection signs with ([`crate::store::signer`]: the signed-in operator in the
/// app, "command line" in the command line); on a connection that names nobody (the
/// tests, a tool), the display name of installations from before the operators'
/// accounts, or empty.
pub fn signing_operator(conn: &Connection) -> Result<String> {
    if let Some(name) = crate::store::signer::current(conn)? {
        return Ok(name);
    }
    Ok(operator_name(conn)?.unwrap_or_default())
}

/// Sets the operator's display name (validated, trimmed); returns the stored name.
pub fn set_operator_name(conn: &Connection, name: &str) -> Result<String> {
    let name = validate_operator_name(name)?;
    settings::set(conn, OPERATOR_KEY, &name)?;
    Ok(name)
}

/// The interface language (Italian until someone chooses English).
pub fn language(conn: &Connection) -> Result<Language> {
    Ok(match settings::get(conn, LANGUAGE_KEY)?.as_deref() {
        Some("en") => Language::En,
        _ => Language::It,
    })
}

/// Sets the interface language.
pub fn set_language(conn: &Connection, language: Language) -> Result<()> {
    settings::set(conn, LANGUAGE_KEY, language.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn operator_name_is_trimmed_and_checked() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(operator_name(store.conn()).unwrap(), None);
        assert_eq!(
            set_operator_name(store.conn(), "  M.R. ").unwrap(),
            "M.R.",
            "surrounding spaces are dropped"
        );
        assert_eq!(
            operator_name(store.conn()).unwrap().as_deref(),
            Some("M.R.")
        );
        for bad in ["", "   ", "a\tb", &"x".repeat(41)] {
            let err = set_operator_name(store.conn(), bad).unwrap_err();
            assert_eq!(err.code(), "invalid", "{bad:?} must be refused");
        }
        assert_eq!(
            operator_name(store.conn()).unwrap().as_deref(),
            Some("M.R."),
            "a refused name leaves the stored one unchanged"
        );
        // 40 characters, some of them not ASCII, is still fine
        set_operator_name(store.conn(), &"è".repeat(40)).unwrap();
    }

    #[test]
    fn language_defaults_to_italian() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(language(store.conn()).unwrap(), Language::It);
        set_language(store.conn(), Language::En).unwrap();
        assert_eq!(language(store.conn()).unwrap(), Language::En);
        set_language(store.conn(), Language::It).unwrap();
        assert_eq!(language(store.conn()).unwrap(), Language::It);
    }
}
