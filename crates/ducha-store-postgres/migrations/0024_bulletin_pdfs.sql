-- A published bulletin's PDF, kept once per language as it was first converted after the
-- publishing commit and served from here afterwards, with its SHA-256 recorded. Never
-- changed: of two conversions racing, the first stored wins. Drafts are never kept.
CREATE TABLE bulletin_pdfs (
    bulletin_id BIGINT NOT NULL REFERENCES bulletins(id),
    lang TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pdf BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (bulletin_id, lang)
);
