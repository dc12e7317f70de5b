//! What an uploaded file is, decided from its first bytes (its magic number), with the name's
//! extension only to tell apart formats that share a container. An `.exe` renamed `.jpg` is
//! refused; so is a macro-enabled Office file.

/// A file type evidence may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    /// The MIME type it is served with.
    pub mime: &'static str,
    /// The extension a name without one gets.
    pub ext: &'static str,
}

impl Kind {
    /// Whether it is shown as a picture, with a thumbnail.
    pub fn is_image(self) -> bool {
        self.mime.starts_with("image/")
    }
}

const JPEG: Kind = Kind {
    mime: "image/jpeg",
    ext: "jpg",
};
const PNG: Kind = Kind {
    mime: "image/png",
    ext: "png",
};
const WEBP: Kind = Kind {
    mime: "image/webp",
    ext: "webp",
};
const PDF: Kind = Kind {
    mime: "application/pdf",
    ext: "pdf",
};
const DOC: Kind = Kind {
    mime: "application/msword",
    ext: "doc",
};
const XLS: Kind = Kind {
    mime: "application/vnd.ms-excel",
    ext: "xls",
};
const DOCX: Kind = Kind {
    mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ext: "docx",
};
const XLSX: Kind = Kind {
    mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ext: "xlsx",
};
const TXT: Kind = Kind {
    mime: "text/plain",
    ext: "txt",
};

const IMAGE_EXTS: &[&str] = &["jpg", "jpeg", "png", "webp"];

/// The lower-case extension of a file name, if it has one.
pub(crate) fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Plain text in any common encoding (UTF-8, GB 18030, UTF-16 with a byte-order mark): no NUL
/// bytes and no control characters beyond tab, line breaks, form feed and escape.
fn is_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return bytes.len().is_multiple_of(2);
    }
    bytes
        .iter()
        .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
}

/// The type of `bytes` named `name`, or none when it is not an allowed type or the name's
/// extension contradicts the content.
pub(crate) fn sniff(bytes: &[u8], name: &str) -> Option<Kind> {
    let ext = extension(name);
    let ext = ext.as_deref();
    let image = |k: Kind| (ext.is_none_or(|e| IMAGE_EXTS.contains(&e))).then_some(k);
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return image(JPEG);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return image(PNG);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return image(WEBP);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // Word and Excel share the compound file format; the name tells which.
        return match ext {
            Some("doc") => Some(DOC),
            Some("xls") => Some(XLS),
            _ => None,
        };
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // Part names are stored uncompressed in the archive's headers.
        if contains(bytes, b"vbaProject.bin") || !contains(bytes, b"[Content_Types].xml") {
            return None;
        }
        let word = contains(bytes, b"word/document");
        let excel = contains(bytes, b"xl/workbook");
        return match ext {
            Some("docx") if word => Some(DOCX),
            Some("xlsx") if excel => Some(XLSX),
            None if word && !excel => Some(DOCX),
            None if excel && !word => Some(XLSX),
            _ => None,
        };
    }
    if bytes.trim_ascii_start().starts_with(b"%PDF-") {
        return ext.is_none_or(|e| e == "pdf").then_some(PDF);
    }
    (ext == Some("txt") && is_text(bytes)).then_some(TXT)
}

/// Longest file name kept, in characters.
pub(crate) const MAX_NAME: usize = 100;

/// A file name safe to store and to send back in a header: the last path component, without
/// control characters or characters Windows forbids, without leading dots, at most
/// [`MAX_NAME`] characters (keeping the extension), never empty.
pub(crate) fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
        .collect();
    let name = kept.trim().trim_start_matches('.').trim();
    if name.chars().count() <= MAX_NAME {
        return name.to_string();
    }
    match extension(name).filter(|e| e.chars().count() <= 10) {
        Some(ext) => {
            let stem: String = name
                .chars()
                .take(MAX_NAME - ext.chars().count() - 1)
                .collect();
            format!("{}.{ext}", stem.trim_end())
        }
        None => name.chars().take(MAX_NAME).collect(),
    }
}

/// The stored name: the clean name, with the type's extension when it has none.
pub(crate) fn stored_name(clean: &str, kind: Kind) -> String {
    let base = if clean.is_empty() { "evidence" } else { clean };
    if extension(base).is_some() {
        base.to_string()
    } else {
        format!("{base}.{}", kind.ext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ooxml(parts: &[&str]) -> Vec<u8> {
        let mut b = b"PK\x03\x04".to_vec();
        b.extend_from_slice(b"....[Content_Types].xml....");
        for p in parts {
            b.extend_from_slice(p.as_bytes());
            b.extend_from_slice(b"....");
        }
        b
    }

    #[test]
    fn types_come_from_the_content() {
        let png = b"\x89PNG\r\n\x1a\n rest";
        assert_eq!(sniff(png, "照片.png"), Some(PNG));
        // A picture with the wrong picture extension is still that picture.
        assert_eq!(sniff(png, "photo.JPG"), Some(PNG));
        assert_eq!(sniff(png, "photo"), Some(PNG));
        assert_eq!(sniff(png, "photo.pdf"), None);
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0..", "a.jpeg"), Some(JPEG));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 ", "a.webp"), Some(WEBP));
        assert_eq!(sniff(b"%PDF-1.7\n", "整改报告.pdf"), Some(PDF));
        // An executable renamed as a picture or a text file.
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0", "photo.jpg"), None);
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0", "notes.txt"), None);
        assert_eq!(sniff(b"GIF89a....", "a.gif"), None);
        assert_eq!(sniff(b"<html><script>", "a.html"), None);
    }

    #[test]
    fn office_files_need_the_right_container_and_name() {
        let ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest";
        assert_eq!(sniff(ole, "台账.xls"), Some(XLS));
        assert_eq!(sniff(ole, "通知.doc"), Some(DOC));
        assert_eq!(sniff(ole, "a.msi"), None);
        let docx = ooxml(&["word/document.xml"]);
        assert_eq!(sniff(&docx, "a.docx"), Some(DOCX));
        assert_eq!(sniff(&docx, "a"), Some(DOCX));
        assert_eq!(sniff(&docx, "a.xlsx"), None);
        assert_eq!(sniff(&ooxml(&["xl/workbook.xml"]), "a.xlsx"), Some(XLSX));
        assert_eq!(
            sniff(
                &ooxml(&["word/document.xml", "word/vbaProject.bin"]),
                "a.docx"
            ),
            None
        );
        // A plain zip archive.
        assert_eq!(sniff(b"PK\x03\x04word/document.xml", "a.docx"), None);
    }

    #[test]
    fn text_is_named_txt_and_has_no_binary_bytes() {
        assert_eq!(sniff("整改情况说明\r\n".as_bytes(), "说明.txt"), Some(TXT));
        // GB 18030 bytes are text too.
        assert_eq!(sniff(b"\xd5\xfb\xb8\xc4\n", "gbk.txt"), Some(TXT));
        assert_eq!(sniff(b"plain", "plain"), None);
        assert_eq!(sniff(b"a\0b", "a.txt"), None);
    }

    #[test]
    fn names_are_cleaned_and_bounded() {
        assert_eq!(clean_name("C:\\Users\\x\\现场照片.jpg"), "现场照片.jpg");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("..hidden"), "hidden");
        assert_eq!(clean_name("a\r\nb\"<>.pdf"), "ab.pdf");
        let long = format!("{}.docx", "长".repeat(300));
        let cleaned = clean_name(&long);
        assert_eq!(cleaned.chars().count(), MAX_NAME);
        assert!(cleaned.ends_with(".docx"));
        assert_eq!(stored_name("", PNG), "evidence.png");
        assert_eq!(stored_name("photo", PNG), "photo.png");
        assert_eq!(stored_name("photo.JPG", PNG), "photo.JPG");
    }
}
