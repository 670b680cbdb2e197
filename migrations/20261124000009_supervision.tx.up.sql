-- Supervision records: a session between a trainee and a supervisor. The
-- author signs by saving; the other party signs by agreeing (the trainee)
-- or confirming (the supervisor). Once both have signed the record is
-- locked and changes are amendments. held_on and next_on are dates at
-- midnight UTC. actions is a JSON list of {text, due}. private_note is
-- shown to the author alone.
CREATE TABLE supervision_records (
    id                   {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    trainee_id           {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    supervisor_id        {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id),
    author_id            {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id),
    held_on              TIMESTAMPTZ NOT NULL,
    minutes              INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 720),
    kind                 TEXT NOT NULL CHECK (kind IN ('one_to_one', 'group', 'peer', 'observed')),
    modules              TEXT NOT NULL,
    competencies         TEXT NOT NULL,
    summary              TEXT NOT NULL,
    actions              TEXT NOT NULL,
    next_on              TIMESTAMPTZ,
    private_note         TEXT NOT NULL,
    author_signed_at     TIMESTAMPTZ NOT NULL,
    other_signed_at      TIMESTAMPTZ,
    trainee_comment      TEXT NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX supervision_records_trainee_idx ON supervision_records (trainee_id, held_on);
--bun:split
CREATE INDEX supervision_records_author_idx ON supervision_records (author_id);
--bun:split
-- Amendments to locked records, append-only: who, when, why, and the
-- content as it was before (JSON).
CREATE TABLE supervision_amendments (
    id         {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    record_id  {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES supervision_records (id) ON DELETE CASCADE,
    amended_by {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id),
    amended_at TIMESTAMPTZ NOT NULL,
    reason     TEXT NOT NULL,
    previous   TEXT NOT NULL
);
--bun:split
CREATE INDEX supervision_amendments_record_idx ON supervision_amendments (record_id, amended_at);
--bun:split
-- Where each of a trainee's competencies stands: pending (sign-off asked
-- for), signed_off, returned (with feedback) or withdrawn. The primary key
-- makes concurrent requests for one competency collapse into one.
CREATE TABLE competency_status (
    trainee_id    {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    competency_id TEXT NOT NULL,
    module_slug   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'signed_off', 'returned', 'withdrawn')),
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (trainee_id, competency_id)
);
--bun:split
CREATE INDEX competency_status_pending_idx ON competency_status (status, updated_at);
--bun:split
-- Every step of a competency, append-only: the request with its evidence,
-- sign-offs, returns with feedback and withdrawals with a reason.
CREATE TABLE competency_events (
    id              {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    trainee_id      {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    competency_id   TEXT NOT NULL,
    module_slug     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('requested', 'signed_off', 'returned', 'withdrawn')),
    actor_id        {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id),
    at              TIMESTAMPTZ NOT NULL,
    body            TEXT NOT NULL,
    reflection_slug TEXT,
    record_id       {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES supervision_records (id)
);
--bun:split
CREATE INDEX competency_events_trainee_idx ON competency_events (trainee_id, at);
