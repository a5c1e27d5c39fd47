//! Snapshot files beside the journal: `snapshot-<seq>.bin` holds opaque
//! bytes (the server's engine) that stand for every journal record up to
//! and including `<seq>`.
//!
//! A file only counts once the database names it (meta `snapshot_seq`),
//! and the database names it only after the file is durable: written to a
//! temporary name, synced, renamed, and the directory synced. So a crash at
//! any point leaves either the previous snapshot and the full journal, or
//! the new snapshot; files nobody names are leftovers and are removed.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const PREFIX: &str = "snapshot-";
const SUFFIX: &str = ".bin";
const TEMP_SUFFIX: &str = ".tmp";

pub fn path(dir: &Path, seq: i64) -> PathBuf {
    dir.join(format!("{PREFIX}{seq}{SUFFIX}"))
}

/// Writes `bytes` as the snapshot for `seq`, durably, without ever leaving
/// a partial file under the final name.
pub fn write(dir: &Path, seq: i64, bytes: &[u8]) -> io::Result<()> {
    let temp = dir.join(format!("{PREFIX}{seq}{TEMP_SUFFIX}"));
    {
        let mut f = File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&temp, path(dir, seq))?;
    sync_dir(dir)
}

pub fn read(dir: &Path, seq: i64) -> io::Result<Vec<u8>> {
    fs::read(path(dir, seq))
}

/// Removes every snapshot file and temporary file but the one for `keep`.
/// Failures are ignored: a leftover costs disk space, nothing else.
pub fn remove_others(dir: &Path, keep: Option<i64>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let keep = keep.map(|seq| format!("{PREFIX}{seq}{SUFFIX}"));
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let ours =
            name.starts_with(PREFIX) && (name.ends_with(SUFFIX) || name.ends_with(TEMP_SUFFIX));
        if ours && keep.as_deref() != Some(name) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_snapshots_read_back_and_others_are_removed() {
        let dir = std::env::temp_dir().join(format!("dxlocal-snapfiles-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        write(&dir, 7, b"seven").unwrap();
        write(&dir, 9, b"nine").unwrap();
        fs::write(dir.join("snapshot-11.tmp"), b"half").unwrap();
        fs::write(dir.join("unrelated.txt"), b"keep me").unwrap();
        assert_eq!(read(&dir, 7).unwrap(), b"seven");
        remove_others(&dir, Some(9));
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["snapshot-9.bin", "unrelated.txt"]);
        let _ = fs::remove_dir_all(&dir);
    }
}
