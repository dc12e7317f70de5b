-- Stateless nodes: what several app nodes on one database share beyond the business rows.

-- The calendar's generation: moved by every transaction that loads calendar days. Every node
-- polls it and reloads its in-memory calendar when it moved.
CREATE TABLE calendar_generation (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO calendar_generation (id, generation) VALUES (1, 0);

-- Evidence bytes kept in the database (`[service.evidence] store = "database"`), content-
-- addressed like the files on disk: one row per stored original or thumbnail, written in the
-- same transaction as all its chunks, so a blob row means the bytes are complete.
CREATE TABLE evidence_blobs (
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    kind TEXT NOT NULL CHECK (kind IN ('original', 'thumb')),
    mime TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    chunks BIGINT NOT NULL CHECK (chunks > 0),
    PRIMARY KEY (sha256, kind)
);
-- The bytes in pieces, so a download streams a piece at a time.
CREATE TABLE evidence_chunks (
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    n BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (sha256, kind, n)
);

-- Chain-head checkpoints written by the node that holds the `checkpoint` job's lease: one
-- sequence every node and the verifier read. Append-only, like the events.
CREATE TABLE chain_checkpoints (
    seq BIGINT PRIMARY KEY,
    hash TEXT NOT NULL CHECK (length(hash) = 64),
    written_at TIMESTAMPTZ NOT NULL,
    node TEXT NOT NULL
);
CREATE FUNCTION chain_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'checkpoints are append-only';
END;
$$;
CREATE TRIGGER chain_checkpoints_no_change BEFORE UPDATE OR DELETE ON chain_checkpoints
FOR EACH ROW EXECUTE FUNCTION chain_checkpoints_append_only();
CREATE TRIGGER chain_checkpoints_no_truncate BEFORE TRUNCATE ON chain_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION chain_checkpoints_append_only();

-- The calendar is no longer reloaded by a leased job: every node watches its generation.
DELETE FROM jobs WHERE name = 'calendar';
