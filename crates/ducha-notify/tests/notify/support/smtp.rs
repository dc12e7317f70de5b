//! A minimal RFC 5321 server on 127.0.0.1:0: greets, takes EHLO/HELO, MAIL, RCPT, DATA, RSET,
//! NOOP and QUIT, and records each accepted message with its envelope.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One accepted message.
#[derive(Clone, Debug)]
pub struct Mail {
    /// The reverse path of `MAIL FROM`, without angle brackets.
    pub from: String,
    /// The forward paths of the accepted `RCPT TO`s.
    pub to: Vec<String>,
    /// The message as transmitted after `DATA`, dot-unstuffed, CRLF line endings.
    pub data: String,
}

/// A running SMTP server.
pub struct SmtpReceiver {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpReceiver {
    /// Starts a server that answers every `RCPT TO` with `rcpt_reply` (e.g. `250 OK`,
    /// `550 5.1.1 mailbox unavailable`).
    pub async fn start(rcpt_reply: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("local addr").port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&mails);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, rcpt_reply, Arc::clone(&sink)));
            }
        });
        Self { port, mails }
    }

    /// The messages accepted so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().expect("lock").clone()
    }
}

async fn session(
    stream: TcpStream,
    rcpt_reply: &'static str,
    sink: Arc<Mutex<Vec<Mail>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut reply = async |text: &str| write.write_all(format!("{text}\r\n").as_bytes()).await;
    reply("220 receiver.test ESMTP ready").await?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => reply("250-receiver.test\r\n250 8BITMIME").await?,
            "HELO" | "NOOP" => reply("250 OK").await?,
            "RSET" => {
                (from, to) = (String::new(), Vec::new());
                reply("250 OK").await?;
            }
            "MAIL" => {
                from = path_of(&command);
                reply("250 OK").await?;
            }
            "RCPT" => {
                if rcpt_reply.starts_with('2') {
                    to.push(path_of(&command));
                }
                reply(rcpt_reply).await?;
            }
            "DATA" if to.is_empty() => reply("554 5.5.1 no valid recipients").await?,
            "DATA" => {
                reply("354 end data with <CR><LF>.<CR><LF>").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    // RFC 5321 4.5.2: a leading dot was doubled by the client.
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                sink.lock().expect("lock").push(Mail {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    data,
                });
                reply("250 2.0.0 queued").await?;
            }
            "QUIT" => {
                reply("221 2.0.0 bye").await?;
                return Ok(());
            }
            _ => reply("502 5.5.2 command not recognized").await?,
        }
    }
}

/// The address between the angle brackets of `MAIL FROM:<…>` or `RCPT TO:<…>`.
fn path_of(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command[start..]
        .find('>')
        .map_or(command.len(), |i| start + i);
    command[start..end].to_owned()
}
