//! Office documents read back: a .docx opened as Word would (its text), then converted to PDF
//! by LibreOffice headless and read again, as a reader's WPS or Word would print it. Under
//! `CI=true` LibreOffice and pdftotext are required; elsewhere the conversion is skipped with a
//! notice when they are missing.

use std::path::Path;
use std::process::Command;

fn have(tool: &str, flag: &str) -> bool {
    Command::new(tool)
        .arg(flag)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Checks that `docx` is a Word document whose text holds every one of `texts`, and that
/// LibreOffice converts it to a PDF that says the same.
pub fn check_docx_text(docx: &[u8], texts: &[&str]) {
    let doc = docx_rs::read_docx(docx).expect("a readable .docx");
    let json = doc.json();
    for t in texts {
        assert!(json.contains(t), "the document says {t}");
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !(have("soffice", "--version") && have("pdftotext", "-v")) {
        assert!(!ci, "LibreOffice and pdftotext are required under CI=true");
        eprintln!("soffice or pdftotext missing: the PDF conversion is not checked here");
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("doc.docx");
    std::fs::write(&input, docx).expect("write");
    // One user profile per conversion, so concurrent tests do not share a lock.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("profile").display()
    );
    let out = Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .output()
        .expect("soffice runs");
    assert!(
        out.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir.path().join("doc.pdf");
    assert!(Path::new(&pdf).exists(), "LibreOffice wrote the PDF");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout).replace(['\n', ' '], "");
    for t in texts {
        assert!(
            text.contains(&t.replace(' ', "")),
            "the PDF says {t}: {text}"
        );
    }
}

/// The text LibreOffice prints of `docx` (spaces and line breaks removed), with the fonts
/// `pdffonts` lists in the PDF; none where the tools are missing outside CI.
pub fn docx_pdf_text(docx: &[u8]) -> Option<(String, String)> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !(have("soffice", "--version") && have("pdftotext", "-v")) {
        assert!(!ci, "LibreOffice and pdftotext are required under CI=true");
        eprintln!("soffice or pdftotext missing: the PDF conversion is not checked here");
        return None;
    }
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("doc.docx");
    std::fs::write(&input, docx).expect("write");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.path().join("profile").display()
    );
    let out = Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .output()
        .expect("soffice runs");
    assert!(
        out.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir.path().join("doc.pdf");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let fonts = Command::new("pdffonts")
        .arg(&pdf)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    Some((
        String::from_utf8_lossy(&text.stdout).replace(['\n', ' '], ""),
        fonts,
    ))
}

/// Whether LibreOffice's `soffice` runs here.
pub fn soffice_present() -> bool {
    have("soffice", "--version")
}

/// What poppler reads of a PDF: its text (spaces and line breaks removed), `pdffonts`' table
/// and how many pictures `pdfimages -list` finds.
pub fn pdf_text(pdf: &[u8]) -> (String, String, usize) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("write");
    let run = |tool: &str, args: &[&str]| {
        let out = Command::new(tool)
            .args(args)
            .arg(&path)
            .args(if tool == "pdftotext" {
                &["-"][..]
            } else {
                &[][..]
            })
            .output()
            .unwrap_or_else(|e| panic!("{tool} runs: {e}"));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let text = run("pdftotext", &[]).replace(['\n', ' ', '\u{3000}'], "");
    let fonts = run("pdffonts", &[]);
    // Two header lines, then one line per picture.
    let images = run("pdfimages", &["-list"]).lines().skip(2).count();
    (text, fonts, images)
}
