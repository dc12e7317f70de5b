-- Authentication for MLPS level 3: TOTP two-factor with single-use recovery codes, a
-- first-login password change, password history, a pending login between the password and
-- the second step, and a per-address failure throttle. Security data, outside the event chain.

-- Set when an admin created or reset the password: the user must choose their own first.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- One TOTP secret per user (base32). `active` once confirmed with a code; `last_step` is the
-- last accepted time step, so a code is never accepted twice.
CREATE TABLE user_totp (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    secret TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0,
    last_step INTEGER,
    created_at TEXT NOT NULL
);

-- SHA-256 of each recovery code; a used code keeps its row with `used_at`.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Previous password hashes, newest kept (the service keeps the last few).
CREATE TABLE password_history (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    password_hash TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);

-- A login whose password was right but that still needs a code, a new password or an
-- enrolment: no business access, only the next step. `factor_done` once the code was given.
CREATE TABLE login_pending (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    factor_done INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX login_pending_user ON login_pending (user_id);

-- Failed logins per client address in the current window (epoch seconds, compared in SQL).
CREATE TABLE login_throttle (
    addr TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    failures INTEGER NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id, created_at);
