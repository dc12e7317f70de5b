//! A local webhook receiver for the group robots of the tests: records every request, answers
//! 200, and checks the HMAC signature ducha puts on each.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

/// A unit's webhook robot.
#[derive(Debug, Clone)]
pub struct Robot {
    pub unit: i64,
    pub path: String,
    pub url: String,
    pub secret: String,
}

/// A request as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// The robots' endpoint: records every request and answers 200.
pub struct Receiver {
    pub base: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Receiver {
    pub async fn start() -> Self {
        let hits = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().fallback(record).with_state(Arc::clone(&hits));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the receiver");
        let addr = listener.local_addr().expect("the receiver's address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base: format!("http://{addr}"),
            hits,
        }
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().expect("lock").clone()
    }
}

async fn record(
    State(hits): State<Arc<Mutex<Vec<Hit>>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    hits.lock().expect("lock").push(Hit {
        path: uri.path().to_string(),
        headers,
        body: body.to_vec(),
    });
    StatusCode::OK
}

pub fn header<'a>(h: &'a Hit, name: &str) -> &'a str {
    h.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header on a delivery to {}", h.path))
}

/// `X-Ducha-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Ducha-Timestamp>.<body>")>`.
pub fn signature_ok(robot: &Robot, h: &Hit) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(robot.secret.as_bytes()).expect("any key length");
    mac.update(header(h, "x-ducha-timestamp").as_bytes());
    mac.update(b".");
    mac.update(&h.body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    header(h, "x-ducha-signature") == format!("sha256={hex}")
}

/// `[[service.notify.robots]]` entries of a configuration file for `robots`.
pub fn robots_toml(robots: &[Robot]) -> String {
    let s = |v: &str| serde_json::to_string(v).expect("a TOML string");
    robots
        .iter()
        .map(|r| {
            format!(
                "\n[[service.notify.robots]]\nunit_id = {}\nchannel = \"webhook\"\nurl = {}\n\
                 secret = {}\n",
                r.unit,
                s(&r.url),
                s(&r.secret)
            )
        })
        .collect()
}
