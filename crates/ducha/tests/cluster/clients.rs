//! The clients: logged-in sessions that report progress and browse through the load balancer,
//! and a supervisor issuing urge notices. Every attempt is timed and recorded. A refused
//! connection or a 5xx is retried; a write whose answer was lost is looked up before it is
//! sent again, because reports are not idempotent (a blind retry could store one twice).

use crate::setup::{PASSWORD, Work};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Attempts of one request before the client gives up on it.
const ATTEMPTS: usize = 40;

/// One attempt as the client saw it.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// When it started, from the start of the run.
    pub at: Duration,
    /// How long it took.
    pub took: Duration,
    /// A write (report, notice) rather than a read.
    pub write: bool,
    /// The status (`None`: no answer — refused, reset).
    pub status: Option<u16>,
}

impl Sample {
    /// Answered 2xx.
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Where the clients record their attempts.
#[derive(Clone)]
pub struct Recorder {
    t0: Instant,
    samples: Arc<Mutex<Vec<Sample>>>,
}

impl Recorder {
    /// A recorder whose times count from now.
    pub fn new() -> Self {
        Self {
            t0: Instant::now(),
            samples: Arc::default(),
        }
    }

    /// The run's clock.
    pub fn since_start(&self, t: Instant) -> Duration {
        t.saturating_duration_since(self.t0)
    }

    /// Every attempt so far.
    pub fn samples(&self) -> Vec<Sample> {
        self.samples.lock().expect("lock").clone()
    }

    fn push(&self, s: Sample) {
        self.samples.lock().expect("lock").push(s);
    }
}

/// An answer: status (`None` when there was none) and body.
pub struct Answer {
    /// The status.
    pub status: Option<StatusCode>,
    /// The body as JSON (`Null` when it is not JSON).
    pub json: Value,
}

impl Answer {
    fn ok(&self) -> bool {
        self.status.is_some_and(|s| s.is_success())
    }

    /// No answer, or a 5xx: the request may or may not have been carried out.
    fn unknown(&self) -> bool {
        self.status.is_none_or(|s| s.is_server_error())
    }
}

/// One logged-in session.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    csrf: String,
    /// The login name.
    pub who: String,
}

impl Client {
    /// Logs `username` in at `base`.
    pub async fn login(base: &str, username: &str) -> Self {
        ducha_notify::install_crypto();
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .no_proxy()
            // A safety net against a hung request, never a wait for one.
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        let resp = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({ "username": username, "password": PASSWORD }))
            .send()
            .await
            .expect("the login request");
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "login of {username}: {body}");
        Self {
            http,
            base: base.to_string(),
            csrf: body["csrf_token"]
                .as_str()
                .expect("a csrf_token")
                .to_string(),
            who: username.to_string(),
        }
    }

    /// The same session (cookie and CSRF token) sent to another address, e.g. one node directly.
    pub fn at(&self, base: &str) -> Self {
        Self {
            base: base.to_string(),
            ..self.clone()
        }
    }

    /// One attempt, timed into `rec` when given.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        rec: Option<&Recorder>,
    ) -> Answer {
        let write = method != Method::GET;
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if write {
            req = req.header("x-csrf-token", &self.csrf);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let start = Instant::now();
        let answer = match req.send().await {
            Ok(resp) => {
                let status = resp.status();
                match resp.bytes().await {
                    Ok(bytes) => Answer {
                        status: Some(status),
                        json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                    },
                    // The connection broke in the middle of the answer.
                    Err(_) => Answer {
                        status: None,
                        json: Value::Null,
                    },
                }
            }
            Err(_) => Answer {
                status: None,
                json: Value::Null,
            },
        };
        if let Some(rec) = rec {
            rec.push(Sample {
                at: rec.since_start(start),
                took: start.elapsed(),
                write,
                status: answer.status.map(|s| s.as_u16()),
            });
        }
        answer
    }

    /// A write during setup (before anything is killed): must succeed at once.
    pub async fn setup_post(&self, path: &str, body: Value) -> Value {
        let a = self.send(Method::POST, path, Some(&body), None).await;
        assert!(
            a.ok(),
            "{} POST {path}: {:?} {}",
            self.who,
            a.status,
            a.json
        );
        a.json
    }

    /// A read, retried while there is no answer or a 5xx; an error names anything else.
    pub async fn read(&self, path: &str, rec: &Recorder) -> Result<Answer, String> {
        for _ in 0..ATTEMPTS {
            let a = self.send(Method::GET, path, None, Some(rec)).await;
            if a.ok() {
                return Ok(a);
            }
            if !a.unknown() {
                return Err(format!(
                    "{} GET {path}: {:?} {}",
                    self.who, a.status, a.json
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!(
            "{} GET {path}: no answer after {ATTEMPTS} attempts",
            self.who
        ))
    }
}

/// A report the server acknowledged (answered 2xx), or found stored after a lost answer.
#[derive(Debug, Clone)]
pub struct Ack {
    /// The report's id.
    pub id: i64,
    /// The unique mark in its text.
    pub mark: String,
    /// Its assignment.
    pub assignment: i64,
}

/// What one client did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Writes acknowledged by a 2xx.
    pub acked: Vec<Ack>,
    /// Writes whose answer was lost but which were found stored (not sent again).
    pub found_after_loss: Vec<Ack>,
    /// Writes whose answer was lost, looked up, not found stored and so sent again.
    pub resent: usize,
    /// Writes refused with 409 (the assignment changed meanwhile) and sent again.
    pub conflicts: usize,
    /// Reads answered 2xx.
    pub reads: usize,
    /// Anything that must not happen: a session lost, an unexpected refusal, a request that
    /// never got through.
    pub failures: Vec<String>,
}

/// A liaison's session: report on `mine` in turn, browsing a page or list after each report,
/// until `until`.
pub async fn liaison(
    client: Client,
    n: usize,
    mine: Vec<Work>,
    until: Instant,
    rec: Recorder,
) -> Outcome {
    let mut out = Outcome::default();
    for round in 0.. {
        if Instant::now() >= until {
            break;
        }
        let work = mine[round % mine.len()];
        let mark = format!("LB{n:02}-{round:05}");
        if let Err(e) = report(&client, work, &mark, round, &rec, &mut out).await {
            out.failures.push(e);
            break;
        }
        let path = match round % 6 {
            0 => "/api/v1/workbench".to_string(),
            1 => "/api/v1/items?limit=20".to_string(),
            2 => "/workbench".to_string(),
            3 => "/api/v1/inbox".to_string(),
            4 => "/items".to_string(),
            _ => format!("/api/v1/items/{}", work.item),
        };
        match client.read(&path, &rec).await {
            Ok(_) => out.reads += 1,
            Err(e) => {
                out.failures.push(e);
                break;
            }
        }
    }
    out
}

/// Sends one progress report until it is acknowledged or found stored.
async fn report(
    client: &Client,
    work: Work,
    mark: &str,
    round: usize,
    rec: &Recorder,
    out: &mut Outcome,
) -> Result<(), String> {
    let path = format!("/api/v1/assignments/{}/reports", work.assignment);
    let body = json!({
        "text": format!("第{}次进展反馈：已按计划推进阶段任务〔{mark}〕", round + 1),
        "percent": (round % 100) as i64,
    });
    for _ in 0..ATTEMPTS {
        let a = client
            .send(Method::POST, &path, Some(&body), Some(rec))
            .await;
        if a.ok() {
            let id = a.json["id"]
                .as_i64()
                .ok_or(format!("no id in {}", a.json))?;
            out.acked.push(Ack {
                id,
                mark: mark.into(),
                assignment: work.assignment,
            });
            return Ok(());
        }
        match a.status {
            Some(StatusCode::CONFLICT) => {
                out.conflicts += 1;
                continue;
            }
            Some(s) if !s.is_server_error() => {
                return Err(format!("{} POST {path}: {s} {}", client.who, a.json));
            }
            _ => {}
        }
        // No answer: the node may have committed the report before it died. Look before
        // sending it again.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let detail = client
            .read(&format!("/api/v1/items/{}", work.item), rec)
            .await?;
        let stored = detail.json["reports"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["text"].as_str().is_some_and(|t| t.contains(mark)));
        if let Some(r) = stored {
            out.found_after_loss.push(Ack {
                id: r["id"].as_i64().ok_or("a report without an id")?,
                mark: mark.into(),
                assignment: work.assignment,
            });
            return Ok(());
        }
        out.resent += 1;
    }
    Err(format!(
        "{} POST {path}: not through after {ATTEMPTS} attempts",
        client.who
    ))
}

/// What the supervisor did.
#[derive(Debug, Default)]
pub struct Notices {
    /// Notices acknowledged by a 2xx (their ids).
    pub acked: Vec<i64>,
    /// Notices whose answer was lost and which were then refused as already open.
    pub found_after_loss: usize,
    /// Anything that must not happen.
    pub failures: Vec<String>,
}

/// The supervisor issues a blue notice on each assignment in turn, then escalates each to
/// orange, until `until`; every notice sends a signed webhook to the unit's robot.
pub async fn supervisor(
    client: Client,
    assignments: Vec<i64>,
    until: Instant,
    rec: Recorder,
) -> Notices {
    let mut out = Notices::default();
    let mut plan: Vec<(&str, i64)> = assignments.iter().map(|a| ("blue", *a)).collect();
    plan.extend(assignments.iter().map(|a| ("orange", *a)));
    'notices: for (level, a) in plan {
        if Instant::now() >= until {
            break;
        }
        let path = format!("/api/v1/assignments/{a}/notices");
        let body = json!({ "level": level, "requirement": "请加快推进，按期反馈进展。" });
        let mut lost = false;
        for _ in 0..ATTEMPTS {
            let r = client
                .send(Method::POST, &path, Some(&body), Some(&rec))
                .await;
            match r.status {
                Some(s) if s.is_success() => {
                    out.acked.push(r.json["id"].as_i64().unwrap_or_default());
                    break;
                }
                // Issuing is refused while a notice as high is open: after a lost answer
                // that means the lost one was stored.
                Some(StatusCode::CONFLICT) if lost => {
                    out.found_after_loss += 1;
                    break;
                }
                Some(s) if !s.is_server_error() => {
                    out.failures
                        .push(format!("POST {path} ({level}): {s} {}", r.json));
                    break 'notices;
                }
                _ => {
                    lost = true;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        if let Err(e) = client.read("/api/v1/notices", &rec).await {
            out.failures.push(e);
            break;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    out
}
