//! The Debian package: what it installs, what it depends on, and that the command line
//! it carries runs.
//!
//! `make package-check` (part of `make test`) builds the package from the debug binaries
//! the other tests use and names it in `SPORTELLO_DEB`; a plain `cargo test` skips these
//! tests. They read the package with `dpkg-deb` only: nothing is installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The desktop entry's name, and the name of its icon in the hicolor theme.
const APP_ID: &str = "it.coeso.sportello";

/// The icon sizes the package installs (the folder name is the picture's size).
const ICON_SIZES: [u32; 4] = [32, 128, 256, 512];

fn deb() -> PathBuf {
    let path = std::env::var_os("SPORTELLO_DEB")
        .map(PathBuf::from)
        .expect("SPORTELLO_DEB names the package to check: run `make package-check`");
    assert!(path.is_file(), "no package at {}", path.display());
    path
}

/// Runs `dpkg-deb` and returns its standard output.
fn dpkg_deb(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new("dpkg-deb")
        .args(args)
        .output()
        .expect("dpkg-deb runs");
    assert!(
        out.status.success(),
        "dpkg-deb {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("dpkg-deb prints UTF-8")
}

/// The package's files and folders, without the leading `./`, with their permissions.
fn contents(deb: &Path) -> BTreeMap<String, String> {
    dpkg_deb(&["--contents".as_ref(), deb.as_os_str()])
        .lines()
        .map(|line| {
            // -rwxr-xr-x 0/0 10232448 2026-11-30 00:00 ./usr/bin/sportello
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert!(
                fields.len() >= 6,
                "unexpected line in the file list: {line}"
            );
            let path = fields[5].trim_start_matches("./").trim_end_matches('/');
            (path.to_string(), fields[0].to_string())
        })
        .collect()
}

fn icon_path(size: u32) -> String {
    format!("usr/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png")
}

#[test]
#[ignore = "checks a built package: run by make package-check"]
fn the_package_installs_both_programs_the_menu_entry_and_the_icons() {
    let files = contents(&deb());
    for program in ["usr/bin/sportello-app", "usr/bin/sportello"] {
        let mode = files.get(program).map(String::as_str);
        assert_eq!(
            mode,
            Some("-rwxr-xr-x"),
            "{program}: a program on the PATH, executable by every user"
        );
    }
    let entry = format!("usr/share/applications/{APP_ID}.desktop");
    assert_eq!(
        files.get(&entry).map(String::as_str),
        Some("-rw-r--r--"),
        "the menu entry is installed"
    );
    for size in ICON_SIZES {
        assert!(files.contains_key(&icon_path(size)), "the {size}px icon");
    }
    for path in files.keys() {
        assert!(
            path == "usr" || path.starts_with("usr/"),
            "{path}: the package installs under /usr only, never into a user's folder"
        );
        assert!(
            !path.ends_with(".db") && !path.contains(".db."),
            "{path}: the package ships no database (each user's lives in their own folder)"
        );
    }
}

#[test]
#[ignore = "checks a built package: run by make package-check"]
fn the_package_declares_webkitgtk_and_the_slip_fonts_and_runs_no_script() {
    let deb = deb();
    let field = |name: &str| dpkg_deb(&["--field".as_ref(), deb.as_os_str(), name.as_ref()]);
    assert_eq!(field("Package").trim(), "sportello");
    let machine = Command::new("dpkg")
        .arg("--print-architecture")
        .output()
        .expect("dpkg runs");
    assert_eq!(
        field("Architecture").trim(),
        String::from_utf8_lossy(&machine.stdout).trim(),
        "built for the machine that built it"
    );

    let depends = field("Depends");
    // "libgtk-3-0 (>= 3.21.5), fonts-noto-core | other" -> the package names
    let names: Vec<&str> = depends
        .split([',', '|'])
        .filter_map(|d| d.split_whitespace().next())
        .collect();
    for needed in [
        "libwebkit2gtk-4.1-0",
        "libgtk-3-0",
        "fonts-noto-core",
        "fonts-dejavu-core",
    ] {
        assert!(names.contains(&needed), "Depends lacks {needed}: {depends}");
    }

    // No maintainer script: installing, upgrading and removing the package change the
    // programs only; the database and its backups in the user's folder are left alone.
    let control = tempfile::tempdir().unwrap();
    dpkg_deb(&[
        "--control".as_ref(),
        deb.as_os_str(),
        control.path().as_os_str(),
    ]);
    for script in ["preinst", "postinst", "prerm", "postrm", "config"] {
        assert!(
            !control.path().join(script).exists(),
            "the package carries a {script} script"
        );
    }
}

#[test]
#[ignore = "checks a built package: run by make package-check"]
fn the_packaged_menu_entry_icons_and_command_line_work() {
    let root = tempfile::tempdir().unwrap();
    dpkg_deb(&[
        "--extract".as_ref(),
        deb().as_os_str(),
        root.path().as_os_str(),
    ]);

    let entry = root
        .path()
        .join(format!("usr/share/applications/{APP_ID}.desktop"));
    let validate = Command::new("desktop-file-validate")
        .arg(&entry)
        .output()
        .expect("desktop-file-validate runs (desktop-file-utils)");
    assert!(
        validate.status.success() && validate.stdout.is_empty(),
        "the menu entry follows the freedesktop specification: {}",
        String::from_utf8_lossy(&validate.stdout)
    );
    let text = std::fs::read_to_string(&entry).unwrap();
    let keys: BTreeMap<&str, &str> = text.lines().filter_map(|l| l.split_once('=')).collect();
    assert_eq!(keys.get("Name"), Some(&"Sportello Info Immigrati"));
    assert_eq!(keys.get("Icon"), Some(&APP_ID));
    assert_eq!(keys.get("Type"), Some(&"Application"));
    assert_eq!(keys.get("Terminal"), Some(&"false"));
    assert!(
        keys.get("Categories")
            .is_some_and(|c| c.split(';').any(|c| c == "Office")),
        "listed under Office: {text}"
    );
    let exec = keys.get("Exec").expect("the entry starts a program");
    assert_eq!(*exec, "sportello-app");
    assert!(
        root.path().join("usr/bin").join(exec).is_file(),
        "the entry starts a program of the package"
    );

    for size in ICON_SIZES {
        let png = std::fs::read(root.path().join(icon_path(size))).unwrap();
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{size}px icon: a PNG"
        );
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!(
            (width, height),
            (size, size),
            "the icon in the {size}x{size} folder has that size"
        );
    }

    // The packaged command line, on a new database outside every real data folder.
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("nuovo.db");
    let out = Command::new(root.path().join("usr/bin/sportello"))
        .arg("--db")
        .arg(&db)
        .args(["codebook", "--format", "json"])
        .env_remove("SPORTELLO_DB")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path())
        .output()
        .expect("the packaged sportello runs");
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let codebook: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the codebook as JSON");
    let italy = codebook["lists"]["nationality"]
        .as_array()
        .expect("the nationality list")
        .iter()
        .find(|e| e["code"] == "IT")
        .expect("Italy among the nationalities");
    assert_eq!(italy["label"], "Italia");
    assert!(db.is_file(), "the database named by --db was created");
}
