//! An HTTP receiver on 127.0.0.1:0 that records every request and answers a fixed response.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Captured {
    pub method: String,
    /// Path and query, exactly as sent.
    pub target: String,
    pub headers: HeaderMap,
    /// The raw body bytes.
    pub body: Vec<u8>,
}

impl Captured {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query parameters, URL-decoded.
    pub fn query(&self) -> Vec<(String, String)> {
        let query = self
            .target
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default();
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }
}

#[derive(Clone)]
struct Shared {
    status: StatusCode,
    body: &'static str,
    seen: Arc<Mutex<Vec<Captured>>>,
}

/// A running receiver.
pub struct HttpReceiver {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    seen: Arc<Mutex<Vec<Captured>>>,
}

impl HttpReceiver {
    /// Starts a receiver answering every request with `status` and the JSON `body`.
    pub async fn start(status: u16, body: &'static str) -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let state = Shared {
            status: StatusCode::from_u16(status).expect("status code"),
            body,
            seen: Arc::clone(&seen),
        };
        let app = Router::new().fallback(capture).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base: format!("http://{addr}"),
            seen,
        }
    }

    /// Everything received so far.
    pub fn requests(&self) -> Vec<Captured> {
        self.seen.lock().expect("lock").clone()
    }

    /// The single request received; fails if there were none or several.
    pub fn only(&self) -> Captured {
        let mut all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request: {all:?}");
        all.remove(0)
    }
}

async fn capture(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (
    StatusCode,
    [(header::HeaderName, &'static str); 2],
    &'static str,
) {
    let target = uri
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_default();
    state.seen.lock().expect("lock").push(Captured {
        method: method.to_string(),
        target,
        headers,
        body: body.to_vec(),
    });
    (
        state.status,
        // Ignored except on 3xx, where a client that follows redirects would come back.
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::LOCATION, "/moved"),
        ],
        state.body,
    )
}
