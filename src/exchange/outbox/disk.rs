//! The file operations a delivery does at the destination, behind one small trait.
//!
//! Delivery must behave when the destination fails in ways a test cannot easily cause
//! on a real disk (a stick pulled out mid-copy, a full share, a read-only mount when the
//! tests run as root, who may write anywhere). [`Disk`] is the seam: the delivery does
//! every destination operation through it, [`RealDisk`] does them on the file system,
//! and a test puts a disk in its place that fails the operation it chooses.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

/// The operations a delivery does at the destination.
pub trait Disk {
    /// Whether `dir` is an existing folder.
    fn is_dir(&self, dir: &Path) -> io::Result<bool>;
    /// Whether `dir` is where another file system is mounted (a stick, a share):
    /// its device differs from its parent folder's. Always `false` where the platform
    /// does not say.
    fn is_mount_point(&self, dir: &Path) -> io::Result<bool>;
    /// Writes `bytes` into a new file at `path` (it must not exist) and flushes it to
    /// the device.
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Reads a whole file.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Renames `from` onto `to`, in the same folder.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Flushes a folder's entries (a rename in it) to the device.
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
    /// Removes a file.
    fn remove(&self, path: &Path) -> io::Result<()>;
}

/// The file system itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealDisk;

impl Disk for RealDisk {
    fn is_dir(&self, dir: &Path) -> io::Result<bool> {
        match fs::metadata(dir) {
            Ok(m) => Ok(m.is_dir()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    #[cfg(unix)]
    fn is_mount_point(&self, dir: &Path) -> io::Result<bool> {
        use std::os::unix::fs::MetadataExt;
        // `dir/..` rather than the parent in the text: the right answer for a path
        // through a symbolic link too (and `/..` is `/`, never a mount point)
        Ok(fs::metadata(dir)?.dev() != fs::metadata(dir.join(".."))?.dev())
    }

    #[cfg(not(unix))]
    fn is_mount_point(&self, _dir: &Path) -> io::Result<bool> {
        // a drive letter that is gone is a folder that is missing: nothing to compare
        Ok(false)
    }

    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut f = File::options().write(true).create_new(true).open(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        fs::read(path)
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    #[cfg(unix)]
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        File::open(dir)?.sync_all()
    }

    #[cfg(not(unix))]
    fn sync_dir(&self, _dir: &Path) -> io::Result<()> {
        // Windows flushes a rename with the file; a folder cannot be opened to sync it
        Ok(())
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }
}
