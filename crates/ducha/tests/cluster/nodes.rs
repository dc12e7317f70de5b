//! The processes: three `ducha serve` nodes on fixed loopback ports (a restarted node comes back
//! on its own port, as behind a real load balancer) and HAProxy run with `deploy/haproxy.cfg`.
//! Whatever still runs is killed when the test ends, and a failing test shows the logs' ends.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// How long a process may take to start or stop before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A free loopback port (bound and released; the nodes bind it a moment later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A command without proxy variables (everything here is on 127.0.0.1), `RUST_LOG` or `DUCHA_*`
/// variables of the caller's (only the configuration file configures the nodes), its output
/// appended to `log`.
pub fn command(program: &Path, log: &Path) -> Command {
    let mut cmd = Command::new(program);
    crate::support::plain(&mut cmd);
    crate::support::log_to(&mut cmd, log);
    cmd
}

/// One node: its port, its current process and the log of every start.
pub struct Node {
    /// `node1`… as HAProxy names it.
    pub name: String,
    /// Its loopback port.
    pub port: u16,
    child: Option<Child>,
    log: PathBuf,
    /// "listening on" lines the log held before the current start.
    starts: usize,
}

/// The three nodes.
pub struct Nodes {
    dir: PathBuf,
    config: PathBuf,
    /// The nodes, in HAProxy's order.
    pub nodes: Vec<Node>,
}

impl Nodes {
    /// Starts `n` nodes with the shared configuration and waits until each listens.
    pub async fn start(dir: &Path, config: &Path, n: usize) -> Self {
        let mut nodes = Self {
            dir: dir.to_path_buf(),
            config: config.to_path_buf(),
            nodes: (1..=n)
                .map(|i| Node {
                    name: format!("node{i}"),
                    port: free_port(),
                    child: None,
                    log: dir.join(format!("node{i}.log")),
                    starts: 0,
                })
                .collect(),
        };
        for i in 0..n {
            nodes.spawn(i);
        }
        for i in 0..n {
            nodes.wait_ready(i).await;
        }
        nodes
    }

    fn spawn(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        node.starts = listening(&read(&node.log));
        let mut cmd = command(Path::new(env!("CARGO_BIN_EXE_ducha")), &node.log);
        cmd.arg("--config")
            .arg(&self.config)
            .arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", node.port))
            .current_dir(&self.dir);
        node.child = Some(cmd.spawn().expect("start ducha serve"));
    }

    /// Waits until node `i`'s current start logs that it listens.
    pub async fn wait_ready(&mut self, i: usize) {
        let end = Instant::now() + PATIENCE;
        loop {
            let node = &mut self.nodes[i];
            if listening(&read(&node.log)) > node.starts {
                return;
            }
            let exited = node
                .child
                .as_mut()
                .and_then(|c| c.try_wait().expect("poll the node"));
            assert!(
                exited.is_none(),
                "{} exited at start ({exited:?}):\n{}",
                node.name,
                read(&node.log)
            );
            assert!(
                Instant::now() < end,
                "{} did not listen within {PATIENCE:?}:\n{}",
                node.name,
                read(&node.log)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The process id of node `i`'s current start.
    pub fn pid(&self, i: usize) -> u32 {
        self.nodes[i].child.as_ref().expect("a running node").id()
    }

    /// SIGKILL, as a crash would.
    pub fn kill(&mut self, i: usize) {
        let mut child = self.nodes[i].child.take().expect("a running node");
        child.kill().expect("kill the node");
        child.wait().expect("reap the node");
    }

    /// SIGTERM, as `systemctl stop` sends; waits until the node has drained and exited.
    /// Returns how long that took.
    pub async fn terminate(&mut self, i: usize) -> Duration {
        let pid = self.pid(i);
        let t = Instant::now();
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {pid} failed");
        let node = &mut self.nodes[i];
        let mut child = node.child.take().expect("a running node");
        loop {
            if let Some(status) = child.try_wait().expect("poll the node") {
                assert!(
                    status.success(),
                    "{} exited with {status} after SIGTERM:\n{}",
                    node.name,
                    read(&node.log)
                );
                return t.elapsed();
            }
            assert!(
                t.elapsed() < PATIENCE,
                "{} did not stop within {PATIENCE:?} of SIGTERM",
                node.name
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Starts node `i` again on its port and waits until it listens.
    pub async fn restart(&mut self, i: usize) {
        self.spawn(i);
        self.wait_ready(i).await;
    }

    /// Fails when a node that should be running has exited.
    pub fn check_alive(&mut self) {
        for n in &mut self.nodes {
            if let Some(c) = n.child.as_mut() {
                let exited = c.try_wait().expect("poll the node");
                assert!(
                    exited.is_none(),
                    "{} exited ({exited:?}):\n{}",
                    n.name,
                    read(&n.log)
                );
            }
        }
    }

    /// The nodes still running.
    pub fn running(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|i| self.nodes[*i].child.is_some())
            .collect()
    }

    /// Every node's whole log.
    pub fn logs(&self) -> Vec<(String, String)> {
        self.nodes
            .iter()
            .map(|n| (n.name.clone(), read(&n.log)))
            .collect()
    }
}

impl Drop for Nodes {
    fn drop(&mut self) {
        for n in &mut self.nodes {
            if let Some(mut c) = n.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
        if std::thread::panicking() {
            for (name, log) in self.logs() {
                show_tail(&name, &log);
            }
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn listening(log: &str) -> usize {
    log.matches("listening on http://").count()
}

fn show_tail(name: &str, log: &str) {
    let tail: Vec<&str> = log.lines().rev().take(30).collect();
    eprintln!("--- end of the log of {name} ---");
    for l in tail.iter().rev() {
        eprintln!("{l}");
    }
}

/// HAProxy running `deploy/haproxy.cfg` in the foreground, its addresses from the environment.
pub struct Haproxy {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    socket: PathBuf,
    log: PathBuf,
}

impl Haproxy {
    /// Starts HAProxy in front of `nodes` and waits until it reports every node up.
    pub async fn start(program: &Path, dir: &Path, nodes: &Nodes) -> Self {
        let cfg = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/haproxy.cfg");
        let port = free_port();
        let socket = dir.join("haproxy.sock");
        let log = dir.join("haproxy.log");
        let mut cmd = command(program, &log);
        // -db: stay in the foreground, as a child of the test.
        cmd.arg("-db")
            .arg("-f")
            .arg(&cfg)
            .env("DUCHA_LB_BIND", format!("127.0.0.1:{port}"))
            .env("DUCHA_LB_SOCKET", &socket);
        for (i, n) in nodes.nodes.iter().enumerate() {
            cmd.env(
                format!("DUCHA_NODE{}", i + 1),
                format!("127.0.0.1:{}", n.port),
            );
        }
        let child = cmd.spawn().expect("start haproxy");
        let mut lb = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            socket,
            log,
        };
        let names: Vec<String> = nodes.nodes.iter().map(|n| n.name.clone()).collect();
        for name in &names {
            lb.wait_state(name, "UP").await;
        }
        lb
    }

    /// Each server's state as HAProxy's admin socket reports it (`UP`, `DOWN`, `MAINT` …).
    pub async fn states(&mut self) -> Vec<(String, String)> {
        if let Some(status) = self.child.try_wait().expect("poll haproxy") {
            panic!("haproxy exited ({status}):\n{}", read(&self.log));
        }
        let Ok(stat) = admin(&self.socket, "show stat").await else {
            return Vec::new();
        };
        let mut lines = stat.lines();
        let header: Vec<&str> = lines
            .next()
            .unwrap_or_default()
            .trim_start_matches("# ")
            .split(',')
            .collect();
        let col = |name: &str| header.iter().position(|h| *h == name);
        let (Some(px), Some(sv), Some(st)) = (col("pxname"), col("svname"), col("status")) else {
            return Vec::new();
        };
        lines
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f.get(px) == Some(&"ducha_nodes"))
            .filter(|f| f.get(sv).is_some_and(|s| s.starts_with("node")))
            .map(|f| (f[sv].to_string(), f[st].to_string()))
            .collect()
    }

    /// Waits until HAProxy reports `server` in a state starting with `state`; returns how long.
    pub async fn wait_state(&mut self, server: &str, state: &str) -> Duration {
        let t = Instant::now();
        loop {
            let states = self.states().await;
            if states
                .iter()
                .any(|(s, st)| s == server && st.starts_with(state))
            {
                return t.elapsed();
            }
            assert!(
                t.elapsed() < PATIENCE,
                "haproxy never reported {server} {state}: {states:?}\n{}",
                read(&self.log)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// HAProxy's log (one line per request, health-check changes).
    pub fn log(&self) -> String {
        read(&self.log)
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = self.log();
            let changes: String = log
                .lines()
                .filter(|l| l.contains("is DOWN") || l.contains("is UP") || l.contains("ALERT"))
                .map(|l| format!("{l}\n"))
                .collect();
            eprintln!("--- haproxy's state changes ---\n{changes}");
        }
    }
}

/// One command on HAProxy's admin socket; its answer.
async fn admin(socket: &Path, cmd: &str) -> std::io::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::UnixStream::connect(socket).await?;
    s.write_all(format!("{cmd}\n").as_bytes()).await?;
    let mut out = String::new();
    s.read_to_string(&mut out).await?;
    Ok(out)
}
