//! Just enough RFC 5322 / MIME reading to check what lettre wrote.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

/// A message split into unfolded headers and its (still encoded) body.
pub struct Parsed {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

pub fn parse(data: &str) -> Parsed {
    let (head, body) = data
        .split_once("\r\n\r\n")
        .expect("a blank line ends the header");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            let last = headers
                .last_mut()
                .expect("a folded line continues a header");
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("name: value");
            headers.push((name.to_owned(), value.trim_start().to_owned()));
        }
    }
    Parsed {
        headers,
        body: body.to_owned(),
    }
}

impl Parsed {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body decoded per `Content-Transfer-Encoding`, with CRLF turned into LF.
    pub fn decoded_body(&self) -> String {
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or("7bit")
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => {
                let compact: String = self.body.split_whitespace().collect();
                BASE64.decode(compact).expect("valid base64 body")
            }
            "quoted-printable" => quoted_printable(&self.body),
            _ => self.body.clone().into_bytes(),
        };
        String::from_utf8(bytes)
            .expect("UTF-8 body")
            .replace("\r\n", "\n")
    }
}

/// Decodes an RFC 2047 header value: `=?utf-8?b?…?=` words are decoded, the whitespace between
/// two adjacent encoded words is dropped (RFC 2047 6.2), everything else is kept as it is.
pub fn decode_words(value: &str) -> String {
    const START: &str = "=?utf-8?b?";
    let mut out: Vec<u8> = Vec::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(at) = rest.find(START) {
        let (before, word) = rest.split_at(at);
        if !(after_word && before.trim().is_empty()) {
            out.extend_from_slice(before.as_bytes());
        }
        let payload = &word[START.len()..];
        let end = payload.find("?=").expect("an encoded word ends with ?=");
        out.extend(BASE64.decode(&payload[..end]).expect("base64 word"));
        rest = &payload[end + 2..];
        after_word = true;
    }
    out.extend_from_slice(rest.as_bytes());
    String::from_utf8(out).expect("UTF-8 words")
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("hex byte"));
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}
