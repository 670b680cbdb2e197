-- Certificates, frozen at issue: the holder's name as it was, the
-- achievement (a module slug, 'programme', or a public session for an
-- attendance certificate), its content version, the supervisors who signed
-- off (JSON list of names), the number printed on it and the token of its
-- verification URL. Rows are never changed: a
-- re-issue is a new row pointing at the one it supersedes, a revocation is
-- a row of certificate_revocations.
CREATE TABLE certificates (
    id              {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    token           TEXT NOT NULL UNIQUE,
    holder_id       {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id),
    registration_id TEXT,
    achievement     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('module', 'programme', 'attendance')),
    holder_name     TEXT NOT NULL,
    recipient_salt  TEXT NOT NULL,
    recipient_hash  TEXT NOT NULL,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    content_version TEXT NOT NULL,
    signed_off_by   TEXT NOT NULL,
    issued_at       TIMESTAMPTZ NOT NULL,
    issued_by       {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id),
    reissue_of      {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} UNIQUE REFERENCES certificates (id),
    reissue_reason  TEXT NOT NULL,
    -- A trainee's certificate belongs to their account; an attendance
    -- certificate to a registration, which has no account and whose
    -- personal data is later purged (so no foreign key: the certificate
    -- outlives it).
    CHECK ((holder_id IS NOT NULL) <> (registration_id IS NOT NULL))
);
--bun:split
-- Issued automatically exactly once per person and achievement, however
-- many requests complete it at the same moment.
CREATE UNIQUE INDEX certificates_once ON certificates (holder_id, achievement) WHERE reissue_of IS NULL;
--bun:split
CREATE UNIQUE INDEX certificates_attendance_once ON certificates (registration_id) WHERE reissue_of IS NULL AND registration_id IS NOT NULL;
--bun:split
CREATE INDEX certificates_issued_idx ON certificates (issued_at);
--bun:split
-- A revocation, at most one per certificate, with who (NULL: the system),
-- when and why.
CREATE TABLE certificate_revocations (
    certificate_id {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY REFERENCES certificates (id),
    revoked_at     TIMESTAMPTZ NOT NULL,
    revoked_by     {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id),
    reason         TEXT NOT NULL
);
--bun:split
-- Certificates an admin should look at, for example after a supervisor
-- withdrew a sign-off the certificate rests on. Cleared by a decision.
CREATE TABLE certificate_flags (
    id             {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    certificate_id {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES certificates (id),
    flagged_at     TIMESTAMPTZ NOT NULL,
    reason         TEXT NOT NULL,
    cleared_at     TIMESTAMPTZ,
    cleared_by     {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id)
);
--bun:split
CREATE INDEX certificate_flags_open_idx ON certificate_flags (certificate_id, cleared_at);
