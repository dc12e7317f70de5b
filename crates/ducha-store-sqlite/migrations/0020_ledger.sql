-- Matters imported from an office's ledger (台账): the ledger's own number (or, without one,
-- the file's SHA-256 and row) per jurisdiction, so that importing the same ledger again
-- registers nothing twice. Written by the commit that creates the item.
CREATE TABLE ledger_refs (
    scope_unit_id INTEGER NOT NULL REFERENCES units (id),
    ledger_ref TEXT NOT NULL,
    item_id INTEGER NOT NULL REFERENCES items (id),
    file_sha256 TEXT NOT NULL,
    row_no INTEGER NOT NULL,
    -- 交办日期 as the ledger gives it.
    assigned_on TEXT,
    PRIMARY KEY (scope_unit_id, ledger_ref)
);
CREATE INDEX ledger_refs_item ON ledger_refs (item_id);
