//! A bulletin as PDF: the .docx converted by LibreOffice headless (`soffice --convert-to
//! pdf`), which embeds the CJK faces it lays the text out with. Each conversion has its own
//! directory and LibreOffice profile (two conversions at once would otherwise share one and
//! fail), and is stopped after the configured timeout.

use super::charts::BulletinSettings;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Why a conversion gave no PDF.
#[derive(Debug)]
pub(crate) enum PdfError {
    /// `soffice` is not installed (or not where the configuration says).
    Missing,
    /// It ran but gave no PDF, or took too long.
    Failed(String),
}

static SEQ: AtomicU64 = AtomicU64::new(0);

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Converts a .docx into PDF (blocking: call it off the async runtime).
pub(crate) fn convert(settings: &BulletinSettings, docx: &[u8]) -> Result<Vec<u8>, PdfError> {
    let dir = std::env::temp_dir().join(format!(
        "ducha-pdf-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let failed = |e: std::io::Error| PdfError::Failed(e.to_string());
    std::fs::create_dir_all(&dir).map_err(failed)?;
    let scratch = Scratch(dir);
    let input = scratch.0.join("bulletin.docx");
    std::fs::write(&input, docx).map_err(failed)?;
    let profile = format!(
        "-env:UserInstallation=file://{}",
        scratch.0.join("profile").display()
    );
    let child = Command::new(&settings.soffice)
        .arg(profile)
        .args([
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&scratch.0)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(PdfError::Missing),
        Err(e) => return Err(failed(e)),
    };
    let deadline = Instant::now() + Duration::from_secs(settings.pdf_timeout_seconds.max(1));
    let status = loop {
        match child.try_wait().map_err(failed)? {
            Some(s) => break s,
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PdfError::Failed(format!(
                    "soffice took longer than {} s",
                    settings.pdf_timeout_seconds
                )));
            }
            // Polling the child process, not waiting for a server.
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let out = scratch.0.join("bulletin.pdf");
    match read_pdf(&out) {
        Some(bytes) if status.success() => Ok(bytes),
        _ => {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            Err(PdfError::Failed(format!(
                "soffice {status}: {}",
                err.trim()
            )))
        }
    }
}

fn read_pdf(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok().filter(|b| b.starts_with(b"%PDF"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_soffice_is_said_so() {
        let s = BulletinSettings {
            soffice: "/nonexistent/soffice".into(),
            ..BulletinSettings::default()
        };
        assert!(matches!(convert(&s, b"PK"), Err(PdfError::Missing)));
    }
}
