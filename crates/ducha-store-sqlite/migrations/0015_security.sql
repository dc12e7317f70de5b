-- The security log: its own append-only hash chain, and scoped, revocable API tokens.

CREATE TABLE security_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor_user INTEGER,
    target_user INTEGER,
    client TEXT NOT NULL,
    message TEXT NOT NULL,
    args TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX security_log_at ON security_log (at, seq);

-- Append-only and kept for good (so never younger than 180 days): the application never
-- updates or deletes a row.
CREATE TRIGGER security_log_no_update BEFORE UPDATE ON security_log
BEGIN SELECT RAISE(ABORT, 'the security log is append-only'); END;
CREATE TRIGGER security_log_no_delete BEFORE DELETE ON security_log
BEGIN SELECT RAISE(ABORT, 'the security log is append-only'); END;

-- The chain's head, one row: its lock serialises appends. The hash function is the event
-- chain's, copied when the first row is written.
CREATE TABLE security_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    algo TEXT NOT NULL
);
INSERT INTO security_chain (id, seq, hash, algo)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 'sha256');

-- Scopes ('read' or 'write', areas comma-separated, empty for all), use and revocation.
-- Tokens made before scopes had full rights; those without an expiry no longer authenticate.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';
ALTER TABLE api_tokens ADD COLUMN areas TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
