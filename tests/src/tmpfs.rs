//! A small filesystem to fill up: a tmpfs of a fixed size (`mount -t
//! tmpfs`, needs root), and filler files. Tests that need one say plainly
//! that they did not run when it cannot be mounted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::path_str;

/// A tmpfs of a fixed size; unmounted when dropped.
#[derive(Debug)]
pub struct Tmpfs {
    _dir: tempfile::TempDir,
    /// Where it is mounted.
    pub point: PathBuf,
}

impl Tmpfs {
    /// A new tmpfs of `mb` megabytes, or why it cannot be mounted.
    pub fn new(mb: u64) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
        let point = dir.path().join("disk");
        std::fs::create_dir_all(&point).map_err(|error| error.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mb}m"), "tmpfs", path_str(&point)])
            .output()
            .map_err(|error| format!("mount: {error}"))?;
        if !output.status.success() {
            return Err(format!("mount -t tmpfs: {}", String::from_utf8_lossy(&output.stderr).trim()));
        }
        Ok(Self { _dir: dir, point })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.point).status();
    }
}

/// A tmpfs, or `None` after saying plainly why this machine cannot run the test.
pub fn tmpfs_or_skip(test: &str, mb: u64) -> Option<Tmpfs> {
    match Tmpfs::new(mb) {
        Ok(disk) => Some(disk),
        Err(why) => {
            eprintln!("{test}: NOT RUN: it needs root to mount a small tmpfs ({why})");
            None
        }
    }
}

/// Writes a filler file of `bytes` (or until the disk is full, when `None`).
pub fn filler(path: &Path, bytes: Option<u64>) {
    let mut file = std::fs::File::create(path).expect("filler file");
    let chunk = vec![0x55u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        let want = bytes.map_or(chunk.len() as u64, |bytes| (bytes - written).min(chunk.len() as u64));
        if want == 0 {
            break;
        }
        match file.write(&chunk[..want as usize]) {
            Ok(0) => break,
            Ok(count) => written += count as u64,
            Err(error) if bytes.is_none() => {
                assert_eq!(error.raw_os_error(), Some(28), "filling: {error}");
                break;
            }
            Err(error) => panic!("filler: {error}"),
        }
    }
    // To the last page: tmpfs gives out space a page at a time.
    if bytes.is_none() {
        for size in [4096usize, 512, 1] {
            while file.write(&chunk[..size]).is_ok_and(|count| count > 0) {}
        }
    }
}
