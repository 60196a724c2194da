//! Paths that come from the window.
//!
//! The window chooses where a PDF, a CSV or a workbook is saved through the save
//! dialog, then hands the chosen path to a command. The shell cannot tell a path the
//! dialog returned from one a script made up, so every command that writes a file
//! checks the path itself: absolute, ending as its kind must (`.pdf`, `.csv`, `.xlsx`),
//! not a folder nor a symbolic link, and never one of the app's own files: the
//! database and everything named after it beside it (its WAL, lock, pre-migration
//! copies, the case documents folder), and the demo database. The window runs only the
//! app's own scripts (see the CSP in tauri.conf.json); this is the second wall.

use std::path::{Component, Path, PathBuf};

use sportello::Error;
use sportello::error::Refusal;

/// Checks `path`, where a file of the kind `extension` (without the dot) is about to be
/// written, against the app's own files beside the database `db`.
pub fn file_to_write(path: &Path, extension: &str, db: &Path) -> Result<(), Error> {
    if !path.is_absolute() || path.file_name().is_none() {
        return Err(Error::invalid(
            "path",
            "choose where to save the file (a full path with a file name)",
        ));
    }
    let fits = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(extension));
    if !fits {
        return Err(Error::Refused {
            reason: Refusal::WrongFileType,
            field: "path",
            message: format!("the file's name must end in .{extension}"),
            detail: Some(format!(".{extension}")),
        });
    }
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && !meta.file_type().is_file()
    {
        return Err(Error::invalid(
            "path",
            "that name is a folder or a link, not a file: choose another name",
        ));
    }
    if is_own_file(path, db) {
        return Err(Error::refused(
            Refusal::PrivateFolder,
            "path",
            "the app's own files are written by the app alone: choose another folder",
        ));
    }
    Ok(())
}

/// Checks `dir`, a folder chosen in the window for files the app writes there (the
/// backups): absolute, and never one of the app's own files beside the database `db`
/// (its documents folder, say). Whether it exists is the core's to say.
pub fn folder_to_write(dir: &Path, db: &Path) -> Result<(), Error> {
    if !dir.is_absolute() {
        return Err(Error::invalid(
            "backup_folder",
            "choose the folder by its full path",
        ));
    }
    if is_own_file(dir, db) {
        return Err(Error::refused(
            Refusal::PrivateFolder,
            "backup_folder",
            "the app's own files are written by the app alone: choose another folder",
        ));
    }
    Ok(())
}

/// Whether `path` is one of the files (or lies in one of the folders) named after the
/// database `db` or its demo database, beside it; links and `..` resolved as far as
/// the folders exist.
fn is_own_file(path: &Path, db: &Path) -> bool {
    let (Some(folder), Some(name)) = (db.parent(), db.file_name()) else {
        return false;
    };
    if folder.as_os_str().is_empty() {
        return false;
    }
    let demo = sportello::demo::path_beside(db);
    let names = [name, demo.file_name().unwrap_or(name)];
    let folder = resolved(folder);
    let Ok(rest) = resolved(path).strip_prefix(&folder).map(Path::to_path_buf) else {
        return false;
    };
    let first = rest
        .components()
        .next()
        .map(|c| c.as_os_str().to_os_string());
    first.is_some_and(|first| {
        names
            .iter()
            .any(|n| first.as_encoded_bytes().starts_with(n.as_encoded_bytes()))
    })
}

/// `path` with its existing part canonicalised and the rest normalised lexically.
fn resolved(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) | None => {}
            Some(_) => out.push(part),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(r: Result<(), Error>) -> Option<&'static str> {
        match r {
            Ok(()) => None,
            Err(Error::Refused { reason, .. }) => Some(reason.as_str()),
            Err(e) => Some(if e.code() == "invalid" {
                "invalid"
            } else {
                "other"
            }),
        }
    }

    #[test]
    fn a_file_of_its_kind_that_is_not_the_apps_own_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sportello.db");
        let docs = dir.path().join("Documenti");
        std::fs::create_dir(&docs).unwrap();
        for (ok, ext) in [
            (docs.join("slip.pdf"), "pdf"),
            (docs.join("RAPPORTO.PDF"), "pdf"),
            (dir.path().join("rapporto-2023.pdf"), "pdf"),
            (dir.path().join("sportello-2023.csv"), "csv"),
        ] {
            assert_eq!(
                reason(file_to_write(&ok, ext, &db)),
                None,
                "{}",
                ok.display()
            );
        }
        std::fs::write(docs.join("old.csv"), "x").unwrap();
        assert_eq!(
            reason(file_to_write(&docs.join("old.csv"), "csv", &db)),
            None,
            "an existing file is replaced"
        );
    }

    #[test]
    fn anything_else_is_refused_naming_why() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sportello.db");
        std::fs::write(&db, "db").unwrap();
        let papers = dir.path().join("sportello.db.documents");
        std::fs::create_dir(&papers).unwrap();
        let docs = dir.path().join("Documenti");
        std::fs::create_dir(&docs).unwrap();
        let cases = [
            (Path::new("slip.pdf").to_path_buf(), "pdf", "invalid"),
            (docs.join("slip.db"), "pdf", "wrong_file_type"),
            (docs.join("slip"), "pdf", "wrong_file_type"),
            (docs.join("report.pdf.sh"), "pdf", "wrong_file_type"),
            (papers.join("a1b2.pdf"), "pdf", "private_folder"),
            (papers.join("new/deeper/x.pdf"), "pdf", "private_folder"),
            (
                docs.join("../sportello.db.documents/x.pdf"),
                "pdf",
                "private_folder",
            ),
            (dir.path().join("sportello.db.pdf"), "pdf", "private_folder"),
            (
                dir.path().join("sportello-demo.db.documents/x.pdf"),
                "pdf",
                "private_folder",
            ),
        ];
        for (path, ext, why) in cases {
            assert_eq!(
                reason(file_to_write(&path, ext, &db)),
                Some(why),
                "{}",
                path.display()
            );
        }
        std::fs::create_dir(docs.join("folder.pdf")).unwrap();
        assert_eq!(
            reason(file_to_write(&docs.join("folder.pdf"), "pdf", &db)),
            Some("invalid"),
            "a folder named like a PDF"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_backup_folder_is_a_full_path_outside_the_apps_own_files() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sportello.db");
        folder_to_write(&dir.path().join("backups"), &db).expect("the default folder");
        folder_to_write(Path::new("/media/usb"), &db).expect("a stick");
        let err = folder_to_write(&dir.path().join("sportello.db.documents"), &db).unwrap_err();
        assert_eq!(err.code(), "invalid", "{err}");
        assert!(err.to_string().contains("own files"), "{err}");
        let err = folder_to_write(Path::new("usb"), &db).unwrap_err();
        assert!(err.to_string().contains("full path"), "{err}");
    }

    #[test]
    fn a_link_to_the_apps_own_files_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("data/sportello.db");
        let papers = dir.path().join("data/sportello.db.documents");
        std::fs::create_dir_all(&papers).unwrap();
        std::fs::write(papers.join("scan.pdf"), "scan").unwrap();
        let docs = dir.path().join("Documenti");
        std::fs::create_dir(&docs).unwrap();
        std::os::unix::fs::symlink(papers.join("scan.pdf"), docs.join("x.pdf")).unwrap();
        assert_eq!(
            reason(file_to_write(&docs.join("x.pdf"), "pdf", &db)),
            Some("invalid"),
            "a link named like a PDF, pointing at a case's document"
        );
        std::os::unix::fs::symlink(&papers, docs.join("carte")).unwrap();
        assert_eq!(
            reason(file_to_write(&docs.join("carte/y.pdf"), "pdf", &db)),
            Some("private_folder"),
            "a linked folder leading into the case documents"
        );
        assert_eq!(
            std::fs::read_to_string(papers.join("scan.pdf")).unwrap(),
            "scan"
        );
    }
}
