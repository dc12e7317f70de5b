-- Authentication for MLPS level 3: TOTP two-factor with single-use recovery codes, a
-- first-login password change, password history, a pending login between the password and
-- the second step, and a per-address failure throttle. Security data, outside the event chain.

-- Set when an admin created or reset the password: the user must choose their own first.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- One TOTP secret per user (base32). `active` once confirmed with a code; `last_step` is the
-- last accepted time step, so a code is never accepted twice.
CREATE TABLE user_totp (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT FALSE,
    last_step BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);

-- SHA-256 of each recovery code; a used code keeps its row with `used_at`.
CREATE TABLE recovery_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Previous password hashes, newest kept (the service keeps the last few).
CREATE TABLE password_history (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    password_hash TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);

-- A login whose password was right but that still needs a code, a new password or an
-- enrolment: no business access, only the next step. `factor_done` once the code was given.
CREATE TABLE login_pending (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    factor_done BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_pending_user ON login_pending (user_id);

-- Failed logins per client address in the current window (epoch seconds, compared in SQL).
CREATE TABLE login_throttle (
    addr TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id, created_at);
