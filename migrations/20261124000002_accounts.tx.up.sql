-- Accounts: people who sign in, their server-side sessions, sign-in
-- throttling, single-use links, cohorts and supervisor assignments.
CREATE TABLE users (
    id            {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('trainee', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    supervisor_id {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
--bun:split
-- Emails are stored lower-cased, so this index makes them unique regardless of case.
CREATE UNIQUE INDEX users_email_key ON users (email);
--bun:split
CREATE INDEX users_supervisor_idx ON users (supervisor_id);
--bun:split
CREATE INDEX users_role_idx ON users (role, name);
--bun:split
-- A session row is keyed by the SHA-256 of the ID in the cookie, so reading
-- this table does not let anyone take over a session.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX sessions_user_idx ON sessions (user_id);
--bun:split
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
--bun:split
-- One row per failed sign-in, keyed by account ("email:...") and by client
-- ("ip:..."); recent rows decide lock-outs, old ones are purged.
CREATE TABLE sign_in_failures (
    id     {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    key    TEXT NOT NULL,
    at     TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX sign_in_failures_key_idx ON sign_in_failures (key, at);
--bun:split
-- Single-use links: invitations, password resets and the first-run setup.
-- Only the SHA-256 of the token is kept.
CREATE TABLE account_tokens (
    id          {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('invitation', 'reset', 'setup')),
    token_hash  TEXT NOT NULL,
    email       TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL DEFAULT '',
    user_id     {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id) ON DELETE CASCADE,
    created_by  {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
--bun:split
CREATE UNIQUE INDEX account_tokens_hash_key ON account_tokens (token_hash);
--bun:split
CREATE TABLE cohorts (
    id          {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    starts_on   TIMESTAMPTZ,
    ends_on     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on)
);
--bun:split
CREATE UNIQUE INDEX cohorts_name_key ON cohorts (name);
--bun:split
CREATE TABLE cohort_members (
    cohort_id {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    user_id   {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (cohort_id, user_id)
);
--bun:split
CREATE INDEX cohort_members_user_idx ON cohort_members (user_id);
