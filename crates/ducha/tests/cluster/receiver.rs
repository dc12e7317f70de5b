//! The units' webhook robots: one local HTTP receiver that checks each delivery's signature and
//! records its `Idempotency-Key` (the outbox row id) with the time it arrived.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One delivery as it arrived.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The outbox row id.
    pub key: i64,
    /// When it arrived.
    pub at: Instant,
}

#[derive(Default)]
struct Seen {
    deliveries: Vec<Delivery>,
    /// Deliveries refused: unknown path, missing key or a bad signature.
    bad: Vec<String>,
}

/// The receiver; robot `i` posts to `/hook/{unit}` with the secret [`secret`]`(unit)`.
pub struct Receiver {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    seen: Arc<Mutex<Seen>>,
}

/// The signing secret of a unit's robot.
pub fn secret(unit: i64) -> String {
    format!("cluster-robot-secret-{unit}")
}

impl Receiver {
    /// Starts listening on a free loopback port.
    pub async fn start() -> Self {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let app = Router::new().fallback(record).with_state(Arc::clone(&seen));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the receiver");
        let addr = listener.local_addr().expect("the receiver's address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base: format!("http://{addr}"),
            seen,
        }
    }

    /// `[[service.notify.robots]]` entries: one signed webhook per unit.
    pub fn robots_toml(&self, units: &[i64]) -> String {
        units
            .iter()
            .map(|u| {
                format!(
                    "\n[[service.notify.robots]]\nunit_id = {u}\nchannel = \"webhook\"\n\
                     url = \"{}/hook/{u}\"\nsecret = \"{}\"\n",
                    self.base,
                    secret(*u)
                )
            })
            .collect()
    }

    /// Every delivery so far, in arrival order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.seen.lock().expect("lock").deliveries.clone()
    }

    /// Deliveries that were not well-formed.
    pub fn bad(&self) -> Vec<String> {
        self.seen.lock().expect("lock").bad.clone()
    }
}

async fn record(
    State(seen): State<Arc<Mutex<Seen>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let at = Instant::now();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let unit = uri
        .path()
        .strip_prefix("/hook/")
        .and_then(|u| u.parse::<i64>().ok());
    let key = header("idempotency-key").parse::<i64>().ok();
    let mut seen = seen.lock().expect("lock");
    match (unit, key) {
        (Some(unit), Some(key)) if signature_ok(unit, &headers, &body) => {
            seen.deliveries.push(Delivery { key, at });
            StatusCode::OK
        }
        _ => {
            seen.bad.push(format!(
                "{} key {:?}: {}",
                uri.path(),
                key,
                String::from_utf8_lossy(&body)
            ));
            StatusCode::BAD_REQUEST
        }
    }
}

/// `X-Ducha-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Ducha-Timestamp>.<body>")>`.
fn signature_ok(unit: i64, headers: &HeaderMap, body: &[u8]) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(ts), Some(sig)) = (get("x-ducha-timestamp"), get("x-ducha-signature")) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret(unit).as_bytes()).expect("any key");
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    sig == format!("sha256={hex}")
}
