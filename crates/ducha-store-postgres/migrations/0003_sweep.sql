-- "A notice resolved today is not followed by a new one the same day": looked up on every run.
CREATE INDEX notices_resolved ON notices (resolved_on);
