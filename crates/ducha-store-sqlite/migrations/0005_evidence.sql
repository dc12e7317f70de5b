-- Evidence files (佐证材料): one row per upload; the bytes are kept content-addressed on disk
-- (<dir>/sha256/ab/cdef…), so the same file uploaded twice is stored once.
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size > 0),
    mime TEXT NOT NULL,
    filename TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    created_at TEXT NOT NULL
);
-- A unit's latest uploads, one per distinct content (picking files to reuse).
CREATE INDEX evidence_unit ON evidence (unit_id, sha256, id);

-- The files a report carries, in the order given; written with the report and its event.
CREATE TABLE report_evidence (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    evidence_id INTEGER NOT NULL REFERENCES evidence (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (report_id, evidence_id)
);
CREATE INDEX report_evidence_evidence ON report_evidence (evidence_id);
