//! Evidence files (佐证材料): uploaded through the real multipart route, kept once per content
//! on disk, thumbnails for pictures, types decided by content, size limits, reports that carry
//! files (recorded in the chain) and reuse them, and who may download them.

use crate::helpers::{
    Db, Resp, Session, TestApp, assert_fields, dispatched_item, in_days, spawn_app_with,
};
use ducha_service::Config;
use image::{DynamicImage, ImageFormat, RgbImage};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// The largest file the test server takes: above the 1 MiB every other route allows.
const MAX: usize = 2 * 1024 * 1024;

/// A test application whose evidence lives in its own temporary directory.
struct EvidenceApp {
    app: TestApp,
    dir: tempfile::TempDir,
}

async fn start(db: Db) -> EvidenceApp {
    let dir = tempfile::tempdir().expect("evidence directory");
    let mut config = Config::default();
    config.evidence.dir = dir.path().to_path_buf();
    config.evidence.max_bytes = MAX as u64;
    EvidenceApp {
        app: spawn_app_with(db, config).await,
        dir,
    }
}

macro_rules! evidence_stories {
    ($($story:ident),* $(,)?) => {$(
        mod $story {
            #[tokio::test]
            async fn sqlite() {
                let e = super::start(crate::helpers::Db::sqlite().await).await;
                super::$story(&e.app, e.dir.path()).await;
                e.app.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(url) = crate::helpers::pg_url(module_path!()) else {
                    return;
                };
                let e = super::start(crate::helpers::Db::postgres(&url).await).await;
                super::$story(&e.app, e.dir.path()).await;
                e.app.finish().await;
            }
        }
    )*};
}

evidence_stories!(
    files_are_kept_once_and_checked,
    reports_carry_and_reuse_evidence
);

/// A real PNG picture, `w` × `h`, of noise from `seed` (as large as a photo's PNG would be).
pub(crate) fn png(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761) | 1;
    let img = RgbImage::from_fn(w, h, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [r, g, b, _] = state.to_le_bytes();
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("encode PNG");
    out
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

pub(crate) fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Uploads `bytes` as the multipart field `field` named `name`.
pub(crate) async fn upload_as(who: &Session, field: &str, name: &str, bytes: &[u8]) -> Resp {
    let boundary = "ducha-test-boundary-7d1f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n现场\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; \
             filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    who.send(
        Method::POST,
        "/evidence",
        Some(body.into()),
        true,
        &[("content-type", &content_type)],
    )
    .await
}

async fn upload(who: &Session, name: &str, bytes: &[u8]) -> Value {
    upload_as(who, "file", name, bytes).await.ok()
}

/// Every file under the evidence directory.
fn stored(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("header {name} missing in {h:?}"))
}

async fn files_are_kept_once_and_checked(app: &TestApp, dir: &Path) {
    let county = app.login("county_a").await;
    let chief = app.login("county_a_chief").await;
    let other = app.login("county_b").await;

    // A picture: recorded with the hash of its content, typed by it.
    let photo = png(800, 600, 7);
    let first = upload(&county, "现场照片.png", &photo).await;
    assert_eq!(first["sha256"], sha256(&photo));
    assert_eq!(first["mime"], "image/png");
    assert_eq!(first["size"], photo.len());
    assert_eq!(first["is_image"], true);
    assert_eq!(first["filename"], "现场照片.png");
    // The same bytes again, under another name and by another user: a second record, the
    // same file.
    let again = upload(&chief, "相册/IMG_0001", &photo).await;
    assert_ne!(again["id"], first["id"]);
    assert_eq!(again["sha256"], first["sha256"]);
    assert_eq!(
        again["filename"], "IMG_0001.png",
        "a path is cut, a type suffix added"
    );
    let sha = sha256(&photo);
    let on_disk = stored(dir);
    let original = dir.join("sha256").join(&sha[..2]).join(&sha[2..]);
    let thumb_path = dir
        .join("sha256")
        .join(&sha[..2])
        .join(format!("{}.thumb", &sha[2..]));
    assert_eq!(
        on_disk,
        vec![original.clone(), thumb_path],
        "one original and one thumbnail, no temporary file"
    );
    assert_eq!(std::fs::read(&original).expect("stored file"), photo);

    // Downloaded as it was uploaded, shown inline, never sniffed, cached only privately.
    let id = first["id"].as_i64().expect("id");
    let (status, h, body) = county.fetch(&format!("/evidence/{id}"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, photo);
    assert_eq!(header(&h, "content-type"), "image/png");
    assert!(header(&h, "content-disposition").starts_with("inline;"));
    assert!(
        header(&h, "content-disposition")
            .ends_with("filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png")
    );
    assert_eq!(header(&h, "x-content-type-options"), "nosniff");
    assert_eq!(header(&h, "cache-control"), "no-store");

    // The thumbnail is a real, smaller picture with the same proportions.
    let (status, h, body) = county.fetch(&format!("/evidence/{id}/thumb"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&h, "content-type"), "image/jpeg");
    let t = image::load_from_memory(&body).expect("the thumbnail decodes");
    assert_eq!((t.width(), t.height()), (320, 240));
    assert!(body.len() < photo.len());

    // A PDF is a download, under its exact name; it has no thumbnail.
    let report = upload(&county, "整改报告.pdf", &pdf()).await;
    assert_eq!(report["mime"], "application/pdf");
    assert_eq!(report["is_image"], false);
    let pid = report["id"].as_i64().expect("id");
    let (status, h, body) = county.fetch(&format!("/evidence/{pid}"), &[]).await;
    assert_eq!((status, body), (StatusCode::OK, pdf()));
    assert_eq!(header(&h, "content-type"), "application/pdf");
    assert_eq!(
        header(&h, "content-disposition"),
        "attachment; filename=\"____.pdf\"; \
         filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A.pdf"
    );
    let (status, _, _) = county.fetch(&format!("/evidence/{pid}/thumb"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A large file passes the 1 MiB limit of the other routes, up to the configured size.
    let text = "整改台账说明\n".repeat(MAX / 19);
    assert!(text.len() > 1024 * 1024 && text.len() <= MAX);
    let big = upload(&county, "说明.txt", text.as_bytes()).await;
    assert_eq!(big["mime"], "text/plain");
    let files_before = stored(dir);

    // What is refused, with a translated message, writes nothing.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.extend_from_slice(&[0u8; 512]);
    let e = upload_as(&county, "file", "photo.jpg", &exe)
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.file_type");
    assert_fields(&e, &[("file", "validation.file_type")]);
    upload_as(&county.english(), "file", "notes.txt", &exe)
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.file_type");
    // A picture that does not decode is not that picture.
    let mut broken = photo[..40].to_vec();
    broken.extend_from_slice(&[0x55; 400]);
    upload_as(&county, "file", "broken.png", &broken)
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.file_type");
    let too_big = vec![b'a'; MAX + 1];
    upload_as(&county, "file", "big.txt", &too_big).await.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.file_too_large",
    );
    upload_as(&county.english(), "file", "big.txt", &too_big)
        .await
        .error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.file_too_large",
        );
    upload_as(&county, "file", "empty.txt", b"")
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.file_empty");
    let e = upload_as(&county, "attachment", "a.pdf", &pdf())
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
    assert_fields(&e, &[("file", "validation.required")]);
    county
        .post("/evidence", json!({ "file": "x" }))
        .await
        .error(StatusCode::BAD_REQUEST, "validation.upload");
    assert_eq!(stored(dir), files_before);

    // A bearer token reads the file too; nobody reads it without one.
    let token = county
        .post("/tokens", json!({ "name": "采集终端" }))
        .await
        .ok()["token"]
        .as_str()
        .expect("token")
        .to_string();
    let bearer = format!("Bearer {token}");
    let (status, _, body) = app
        .anonymous()
        .fetch(&format!("/evidence/{id}"), &[("authorization", &bearer)])
        .await;
    assert_eq!((status, body), (StatusCode::OK, photo.clone()));
    let (status, _, _) = app.anonymous().fetch(&format!("/evidence/{id}"), &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Another county, a township below and an admin account do not know the file exists.
    let town = app.login("town_a1").await;
    let admin = app.login("sysadmin").await;
    for who in [&other, &town, &admin] {
        for path in [format!("/evidence/{id}"), format!("/evidence/{id}/thumb")] {
            let (status, _, body) = who.fetch(&path, &[]).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            let body: Value = serde_json::from_slice(&body).expect("JSON error");
            assert_eq!(body["error"]["key"], "error.not_found");
        }
    }
    let (status, _, _) = county.fetch("/evidence/999999", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The city's supervisors see what units of their jurisdiction uploaded.
    let sup = app.login("sup").await;
    let (status, _, _) = sup.fetch(&format!("/evidence/{id}/thumb"), &[]).await;
    assert_eq!(status, StatusCode::OK);
}

async fn reports_carry_and_reuse_evidence(app: &TestApp, dir: &Path) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let other = app.login("county_b").await;
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "东城县人居环境整治",
        in_days(40),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let a = top[0];
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();

    let photo = png(640, 480, 42);
    let p = upload(&county, "整治前后对比.png", &photo).await;
    let d = upload(&county, "验收意见.pdf", &pdf()).await;
    let (pid, did) = (p["id"].as_i64().expect("id"), d["id"].as_i64().expect("id"));

    // A report carries the files; the item shows them with it, and the chain records their
    // hashes in the report's event.
    county
        .post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "已完成前期整治", "percent": 40, "evidence_ids": [did, pid] }),
        )
        .await
        .ok();
    let detail = sup.get(&format!("/items/{item}")).await.ok();
    let reports = detail["reports"].as_array().expect("reports");
    let carried: Vec<&Value> = reports[0]["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .collect();
    assert_eq!(carried.len(), 2);
    assert_eq!(carried[0]["id"], did, "in the order given");
    assert_eq!(carried[0]["is_image"], false);
    assert_eq!(carried[1]["id"], pid);
    assert_eq!(carried[1]["is_image"], true);
    assert_eq!(carried[1]["sha256"], sha256(&photo));
    assert_eq!(carried[1]["filename"], "整治前后对比.png");
    let event = detail["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .rfind(|e| e["kind"] == "report.submitted")
        .expect("report event")
        .clone();
    assert_eq!(
        event["payload"]["evidence"],
        json!([sha256(&pdf()), sha256(&photo)])
    );

    // Collect once: the unit's files are offered again, newest first, and a later report
    // cites one without uploading it again.
    let offered = county.get(&format!("/assignments/{a}/evidence")).await.ok();
    let offered: Vec<i64> = offered
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(offered, vec![did, pid]);
    let files_before = stored(dir);
    county
        .post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "持续巡查，成效巩固", "percent": 60, "evidence_ids": [pid] }),
        )
        .await
        .ok();
    assert_eq!(stored(dir), files_before);
    let detail = county.get(&format!("/items/{item}")).await.ok();
    let second = &detail["reports"].as_array().expect("reports")[1];
    assert_eq!(second["evidence"][0]["id"], pid);
    assert_eq!(second["evidence"][0]["sha256"], sha256(&photo));

    // Those who see the report read its files; another county does not, and may not list or
    // cite them.
    for who in [&sup, &leader, &county] {
        let (status, _, body) = who.fetch(&format!("/evidence/{pid}"), &[]).await;
        assert_eq!((status, body.len()), (StatusCode::OK, photo.len()));
    }
    let (status, _, _) = other.fetch(&format!("/evidence/{did}"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    other
        .get(&format!("/assignments/{a}/evidence"))
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");

    // A report may only carry files within the reporter's reach; a foreign or unknown file is
    // refused like a missing one, and the report is not recorded.
    let foreign = upload(&other, "西山县材料.pdf", b"%PDF-1.7\n% another county\n").await;
    let fid = foreign["id"].as_i64().expect("id");
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.unknown_evidence",
            county.post(
                &format!("/assignments/{a}/reports"),
                json!({ "text": "补充材料", "evidence_ids": [pid, fid, 999_999] }),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("evidence_ids[1]", "validation.unknown_evidence"),
            ("evidence_ids[2]", "validation.unknown_evidence"),
        ],
    );
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.duplicate",
            county.post(
                &format!("/assignments/{a}/reports"),
                json!({ "text": "补充材料", "evidence_ids": [pid, pid] }),
            ),
        )
        .await;
    assert_fields(&e, &[("evidence_ids[1]", "validation.duplicate")]);
}
