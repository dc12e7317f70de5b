//! HTTPS served by `ducha serve` itself (issue 14): a real server process started from a
//! configuration naming a certificate and key made at test time, a real TLS client that trusts
//! only that certificate, `Strict-Transport-Security` on every answer over TLS and never over
//! plain HTTP, and a clear refusal to start when the files are missing or wrong.

use crate::helpers::{Db, spawn_app};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn ducha(dir: &Path, config: &Path) -> Command {
    let mut cmd = crate::support::ducha(dir);
    cmd.arg("--config").arg(config);
    cmd
}

fn write_config(dir: &Path, tls: &str) -> std::path::PathBuf {
    let config = dir.join("ducha.toml");
    std::fs::write(
        &config,
        format!(
            "[database]\nurl = \"sqlite://{db}\"\n\n[http]\nlisten = \"127.0.0.1:0\"\n{tls}\n\
             [audit]\ncheckpoint_file = \"{cp}\"\n\n[service.evidence]\ndir = \"{ev}\"\n",
            db = dir.join("ducha.db").display(),
            cp = dir.join("checkpoints.log").display(),
            ev = dir.join("evidence").display(),
        ),
    )
    .expect("write the configuration");
    config
}

/// Kills the server when the test ends, passing or not.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads the server's log (stderr) on a thread until it says where it listens over TLS, and
/// keeps draining it so the server never blocks on a full pipe.
async fn wait_listening(server: &mut Server) -> String {
    let stderr = server.0.stderr.take().expect("piped stderr");
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        let mut seen = String::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            seen.push_str(&line);
            seen.push('\n');
            if let Some(rest) = line.split("listening on https://").nth(1)
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(Ok(rest.split_whitespace().next().unwrap_or("").to_string()));
            }
        }
        if let Some(tx) = tx.take() {
            let _ = tx.send(Err(seen));
        }
    });
    match tokio::time::timeout(Duration::from_secs(120), rx).await {
        Ok(Ok(Ok(addr))) => addr,
        Ok(Ok(Err(log))) => panic!("ducha serve ended without listening: {log}"),
        other => panic!("ducha serve did not say it listens over TLS: {other:?}"),
    }
}

#[tokio::test]
async fn https_with_hsts_from_the_configuration() {
    ducha_notify::install_crypto();
    let dir = tempfile::tempdir().expect("temp dir");
    let key = rcgen::KeyPair::generate().expect("key pair");
    let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    let cert = params.self_signed(&key).expect("self-signed certificate");
    std::fs::write(dir.path().join("cert.pem"), cert.pem()).expect("write cert");
    std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).expect("write key");
    let tls = format!(
        "[http.tls]\ncert = \"{}\"\nkey = \"{}\"\n",
        dir.path().join("cert.pem").display(),
        dir.path().join("key.pem").display()
    );
    let config = write_config(dir.path(), &tls);
    let mut server = Server(
        ducha(dir.path(), &config)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ducha serve"),
    );
    let addr = wait_listening(&mut server).await;
    let port = addr.rsplit(':').next().expect("port");

    // A client that trusts only the test's certificate, reaching it by its name.
    let client = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([reqwest::Certificate::from_pem(cert.pem().as_bytes()).expect("cert")])
        .resolve(
            "localhost",
            format!("127.0.0.1:{port}").parse().expect("socket address"),
        )
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("TLS client");
    for path in [
        "/login",
        "/api/v1/openapi.json",
        "/api/v1/items",
        "/nowhere",
    ] {
        let resp = client
            .get(format!("https://localhost:{port}{path}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} over TLS: {e:?}"));
        assert_eq!(
            resp.headers()
                .get("strict-transport-security")
                .and_then(|v| v.to_str().ok()),
            Some("max-age=31536000; includeSubDomains"),
            "GET {path} ({})",
            resp.status()
        );
    }
    let resp = client
        .get(format!("https://localhost:{port}/login"))
        .send()
        .await
        .expect("login page");
    assert_eq!(resp.status(), reqwest::StatusCode::OK);
    assert!(resp.text().await.expect("page").contains("<form"));

    // Plain HTTP to the TLS port gets no page.
    let plain = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!("http://127.0.0.1:{port}/login"))
        .send()
        .await;
    assert!(
        plain.as_ref().map_or(true, |r| !r.status().is_success()),
        "plain HTTP on the TLS port: {plain:?}"
    );
    // A client that does not trust the certificate does not get through.
    let untrusting = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([])
        .resolve(
            "localhost",
            format!("127.0.0.1:{port}").parse().expect("addr"),
        )
        .build()
        .expect("client");
    assert!(
        untrusting
            .get(format!("https://localhost:{port}/login"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn plain_http_sends_no_hsts() {
    let app = spawn_app(Db::sqlite().await).await;
    let (status, headers, _) = app.anonymous().fetch("/login", &[]).await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(headers.get("strict-transport-security").is_none());
    app.finish().await;
}

#[tokio::test]
async fn bad_certificate_or_key_stops_the_start_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = rcgen::KeyPair::generate().expect("key pair");
    let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    let cert = params.self_signed(&key).expect("certificate");
    let other = rcgen::KeyPair::generate().expect("another key");
    let good_cert = dir.path().join("cert.pem");
    std::fs::write(&good_cert, cert.pem()).expect("write");
    let other_key = dir.path().join("other.pem");
    std::fs::write(&other_key, other.serialize_pem()).expect("write");
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").expect("write");
    let missing = dir.path().join("missing.pem");
    let cases = [
        (&missing, &other_key, "cannot read the TLS certificate"),
        (&good_cert, &missing, "cannot read the TLS private key"),
        (&garbage, &other_key, "holds no PEM certificate"),
        (&good_cert, &garbage, "holds no PEM private key"),
        (&good_cert, &other_key, "cannot be used together"),
    ];
    for (cert, key, message) in cases {
        let tls = format!(
            "[http.tls]\ncert = \"{}\"\nkey = \"{}\"\n",
            cert.display(),
            key.display()
        );
        let config = write_config(dir.path(), &tls);
        let out = ducha(dir.path(), &config)
            .arg("serve")
            .output()
            .expect("run ducha serve");
        let text = String::from_utf8_lossy(&out.stderr).to_string()
            + &String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{cert:?} {key:?} started: {text}");
        assert!(text.contains(message), "{message:?} in: {text}");
        assert!(
            text.contains(&cert.display().to_string())
                || text.contains(&key.display().to_string())
                || message == "cannot be used together",
            "the file is named: {text}"
        );
    }
}
