-- The security log: its own append-only hash chain, and scoped, revocable API tokens.

CREATE TABLE security_log (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    kind TEXT NOT NULL,
    actor_user BIGINT,
    target_user BIGINT,
    client TEXT NOT NULL,
    message TEXT NOT NULL,
    args TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX security_log_at ON security_log (at, seq);

-- Append-only and kept for good (so never younger than 180 days): the application never
-- updates, deletes or truncates a row.
CREATE FUNCTION security_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the security log is append-only';
END;
$$;
CREATE TRIGGER security_log_no_change BEFORE UPDATE OR DELETE ON security_log
FOR EACH ROW EXECUTE FUNCTION security_log_append_only();
CREATE TRIGGER security_log_no_truncate BEFORE TRUNCATE ON security_log
FOR EACH STATEMENT EXECUTE FUNCTION security_log_append_only();

-- The chain's head, one row: its lock serialises appends. The hash function is the event
-- chain's, copied when the first row is written.
CREATE TABLE security_chain (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    algo TEXT NOT NULL
);
INSERT INTO security_chain (id, seq, hash, algo)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 'sha256');

-- Scopes ('read' or 'write', areas comma-separated, empty for all), use and revocation.
-- Tokens made before scopes had full rights; those without an expiry no longer authenticate.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';
ALTER TABLE api_tokens ADD COLUMN areas TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN revoked_at TIMESTAMPTZ;
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
