//! The files on disk: content-addressed under `<dir>/sha256/ab/cdef…`, each written to a
//! temporary file in the same directory and renamed, so a crash never leaves a half-written
//! file under its final name; images get a `.thumb` beside them. Blocking IO: run it on a
//! blocking thread.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Cursor, Write};
use std::path::{Path, PathBuf};

/// Longest side of a thumbnail, in pixels.
pub(crate) const THUMB_SIDE: u32 = 320;
/// Largest picture decoded, per side (a 100-megapixel camera is 12,000 pixels wide).
const MAX_SIDE: u32 = 12_000;
/// Most memory a decoded picture may take: a compressed "bomb" of a few kilobytes that
/// expands to gigabytes is refused before it is decoded.
const MAX_DECODED: u64 = 256 * 1024 * 1024;

/// Where the bytes with this hash live.
pub(crate) fn original(dir: &Path, sha256: &str) -> PathBuf {
    let (head, rest) = sha256.split_at(2.min(sha256.len()));
    dir.join("sha256").join(head).join(rest)
}

/// Where their thumbnail lives.
pub(crate) fn thumb(dir: &Path, sha256: &str) -> PathBuf {
    let mut p = original(dir, sha256).into_os_string();
    p.push(".thumb");
    PathBuf::from(p)
}

/// The picture decoded within the limits and turned upright by its EXIF orientation; `None`
/// when it cannot be.
fn decode(bytes: &[u8], mime: &str) -> Option<DynamicImage> {
    let format = ImageFormat::from_mime_type(mime)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    if decoder.total_bytes() > MAX_DECODED {
        return None;
    }
    let orientation = decoder.orientation().ok()?;
    let mut img = DynamicImage::from_decoder(decoder).ok()?;
    img.apply_orientation(orientation);
    Some(img)
}

/// `img` as JPEG of `quality`, or as PNG when it has transparency, with its MIME type. The
/// encoders write pixels only: no EXIF, no GPS position, no camera serial, no comments.
fn encode(img: &DynamicImage, quality: u8) -> Option<(Vec<u8>, &'static str)> {
    let mut out = Vec::new();
    if img.color().has_alpha() {
        let encoder = image::codecs::png::PngEncoder::new(&mut out);
        DynamicImage::ImageRgba8(img.to_rgba8())
            .write_with_encoder(encoder)
            .ok()?;
        Some((out, "image/png"))
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
        DynamicImage::ImageRgb8(img.to_rgb8())
            .write_with_encoder(encoder)
            .ok()?;
        Some((out, "image/jpeg"))
    }
}

/// A small JPEG (PNG when the picture has transparency) of at most [`THUMB_SIDE`] pixels a
/// side, upright by the picture's EXIF orientation. `None` when the picture cannot be decoded
/// within the limits.
pub(crate) fn thumbnail(bytes: &[u8], mime: &str) -> Option<Vec<u8>> {
    let mut img = decode(bytes, mime)?;
    if img.width() > THUMB_SIDE || img.height() > THUMB_SIDE {
        img = img.thumbnail(THUMB_SIDE, THUMB_SIDE);
    }
    encode(&img, 80).map(|(out, _)| out)
}

/// The picture at full size, upright, re-encoded from its pixels alone: what a citizen's photo
/// is kept as, since its metadata may hold where it was taken (EXIF GPS), the phone's serial
/// number or the owner's name. Returns the bytes and their MIME type; `None` when the picture
/// cannot be decoded within the limits.
pub(crate) fn scrubbed(bytes: &[u8], mime: &str) -> Option<(Vec<u8>, &'static str)> {
    encode(&decode(bytes, mime)?, 90)
}

/// The first bytes of a stored file.
pub(crate) fn head(path: &Path) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::with_capacity(8);
    File::open(path)?.take(8).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The MIME type of a stored thumbnail, from its first bytes.
pub(crate) fn thumb_mime(head: &[u8]) -> &'static str {
    if head.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        "image/jpeg"
    }
}

/// Stores a file's bytes and thumbnail unless they are there already. The thumbnail goes
/// first, so a stored original always has its thumbnail.
pub(crate) fn save(
    dir: &Path,
    sha256: &str,
    bytes: &[u8],
    thumbnail: Option<&[u8]>,
) -> io::Result<()> {
    let path = original(dir, sha256);
    if let Some(t) = thumbnail {
        write_once(&thumb(dir, sha256), t, false)?;
    }
    write_once(&path, bytes, true)
}

/// Writes `bytes` to `path` through a temporary file and a rename. An existing file is kept
/// when `exact` (content-addressed: same name, same bytes) and its size matches, or always for
/// a thumbnail (any rendering of the same picture will do).
fn write_once(path: &Path, bytes: &[u8], exact: bool) -> io::Result<()> {
    if let Ok(meta) = fs::metadata(path)
        && (!exact || meta.len() == bytes.len() as u64)
    {
        return Ok(());
    }
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("a stored file needs a directory"))?;
    fs::create_dir_all(dir)?;
    let token = crate::auth::random_token().map_err(|_| io::Error::other("no randomness"))?;
    let tmp = dir.join(format!(".tmp-{}", &token[..16]));
    let written = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        // The rename itself is durable once the directory is.
        File::open(dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_the_hash() {
        let sha = "ab".to_string() + &"c".repeat(62);
        let dir = Path::new("/data/evidence");
        assert_eq!(
            original(dir, &sha),
            Path::new("/data/evidence/sha256/ab").join("c".repeat(62))
        );
        assert_eq!(
            thumb(dir, &sha),
            Path::new("/data/evidence/sha256/ab").join("c".repeat(62) + ".thumb")
        );
    }

    #[test]
    fn a_file_is_written_once_and_no_temporary_file_stays() {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let sha = "0f".to_string() + &"1".repeat(62);
        save(tmp.path(), &sha, b"first", Some(b"t")).expect("save");
        save(tmp.path(), &sha, b"other", Some(b"u")).expect("save again");
        assert_eq!(
            fs::read(original(tmp.path(), &sha)).expect("read"),
            b"first"
        );
        assert_eq!(fs::read(thumb(tmp.path(), &sha)).expect("read"), b"t");
        let names: Vec<_> = fs::read_dir(tmp.path().join("sha256/0f"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    /// CRC-32 (ISO-HDLC), as PNG chunks carry it.
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A valid 2 × 2 RGBA PNG whose header announces `side` × `side` pixels.
    fn announced(side: u32) -> Vec<u8> {
        let mut png = Vec::new();
        let encoder = image::codecs::png::PngEncoder::new(&mut png);
        image::ImageEncoder::write_image(encoder, &[0; 16], 2, 2, image::ExtendedColorType::Rgba8)
            .expect("encode");
        // Patch width and height in the IHDR chunk, and its checksum.
        png[16..20].copy_from_slice(&side.to_be_bytes());
        png[20..24].copy_from_slice(&side.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        assert!(thumbnail(&announced(2), "image/png").is_some());
        // Too wide, and (11,000² RGBA = 484 MB) too large to decode.
        assert!(thumbnail(&announced(60_000), "image/png").is_none());
        assert!(thumbnail(&announced(11_000), "image/png").is_none());
        assert!(thumbnail(b"\x89PNG\r\n\x1a\ngarbage", "image/png").is_none());
    }

    #[test]
    fn scrubbed_pictures_keep_pixels_and_lose_metadata() {
        let img = image::RgbImage::from_pixel(64, 48, image::Rgb([30, 120, 200]));
        let mut jpeg = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .expect("encode");
        // An APP1 segment right after SOI, as a phone writes it: "Exif" and a GPS position.
        let payload = b"Exif\0\0GPSLatitude 30.2741N GPSLongitude 120.1551E owner Zhang San";
        let len = u16::try_from(payload.len() + 2).expect("short");
        let mut with_exif = jpeg[..2].to_vec();
        with_exif.extend_from_slice(&[0xFF, 0xE1]);
        with_exif.extend_from_slice(&len.to_be_bytes());
        with_exif.extend_from_slice(payload);
        with_exif.extend_from_slice(&jpeg[2..]);
        assert!(image::load_from_memory(&with_exif).is_ok(), "a valid JPEG");
        let (clean, mime) = scrubbed(&with_exif, "image/jpeg").expect("scrubbed");
        assert_eq!(mime, "image/jpeg");
        let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(has(&with_exif, b"GPSLatitude"));
        assert!(!has(&clean, b"Exif"), "EXIF kept");
        assert!(!has(&clean, b"GPSLatitude"), "the position kept");
        let back = image::load_from_memory(&clean).expect("decode").to_rgb8();
        assert_eq!((back.width(), back.height()), (64, 48));
        let p = back.get_pixel(10, 10);
        assert!(p[2] > 150 && p[0] < 80, "pixels changed: {p:?}");
        assert!(scrubbed(b"not a picture", "image/jpeg").is_none());
    }

    #[test]
    fn thumbnails_are_small_and_keep_the_aspect() {
        let img = image::RgbImage::from_pixel(800, 400, image::Rgb([200, 30, 30]));
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .expect("encode");
        let t = thumbnail(&png, "image/png").expect("thumbnail");
        assert_eq!(thumb_mime(&t), "image/jpeg");
        let decoded = image::load_from_memory(&t).expect("decode");
        assert_eq!((decoded.width(), decoded.height()), (320, 160));
    }
}
