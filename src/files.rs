//! Writing a file so that a reader never sees half of it.
//!
//! The desk's export files and the report's spreadsheet go to folders other programs
//! read (a USB stick, a shared folder, the coordinator's documents): a file is written
//! to a temporary name in the same folder, flushed, and renamed onto its name, so it is
//! either whole or absent. On an error the temporary file is removed.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Writes `bytes` to `dir/name` atomically: temporary file, fsync, rename, fsync folder.
///
/// The temporary name starts with a dot and carries the process id, so a file left by
/// a crashed run never blocks the next one and no two writers share it. A missing
/// `dir` is an [`Error::Io`] on the target path, with nothing written.
pub(crate) fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    write_with(
        dir,
        name,
        bytes,
        File::options().write(true).create_new(true),
    )
}

/// [`write_atomically`] for a file only its owner may read or write (mode 0600 on
/// Unix, from its creation on): a private key, its backup.
pub(crate) fn write_private(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let mut options = File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    write_with(dir, name, bytes, &options)
}

fn write_with(dir: &Path, name: &str, bytes: &[u8], options: &fs::OpenOptions) -> Result<PathBuf> {
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &target)?;
        // the rename itself must reach the disk (or the USB stick) too
        #[cfg(unix)]
        File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(&target, e));
    }
    Ok(target)
}
