{{if eq .Dialect "pg"}}
DROP INDEX certificates_reissue_once;
--bun:split
ALTER TABLE certificates ADD CONSTRAINT certificates_reissue_of_key UNIQUE (reissue_of);
{{else}}
PRAGMA defer_foreign_keys = ON;
--bun:split
CREATE TEMP TABLE kept_revocations AS SELECT * FROM certificate_revocations;
--bun:split
CREATE TEMP TABLE kept_flags AS SELECT * FROM certificate_flags;
--bun:split
DELETE FROM certificate_flags;
--bun:split
DELETE FROM certificate_revocations;
--bun:split
CREATE TABLE certificates_rebuilt (
    id              TEXT PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    token           TEXT NOT NULL UNIQUE,
    holder_id       TEXT REFERENCES users (id),
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
    issued_by       TEXT REFERENCES users (id),
    reissue_of      TEXT UNIQUE REFERENCES certificates_rebuilt (id),
    reissue_reason  TEXT NOT NULL,
    status_index    BIGINT CHECK (status_index >= 0),
    CHECK ((holder_id IS NOT NULL) <> (registration_id IS NOT NULL))
);
--bun:split
INSERT INTO certificates_rebuilt (id, number, token, holder_id, registration_id, achievement, kind, holder_name, recipient_salt, recipient_hash, title, description, content_version, signed_off_by, issued_at, issued_by, reissue_of, reissue_reason, status_index)
SELECT id, number, token, holder_id, registration_id, achievement, kind, holder_name, recipient_salt, recipient_hash, title, description, content_version, signed_off_by, issued_at, issued_by, reissue_of, reissue_reason, status_index FROM certificates;
--bun:split
DROP TABLE certificates;
--bun:split
ALTER TABLE certificates_rebuilt RENAME TO certificates;
--bun:split
CREATE UNIQUE INDEX certificates_once ON certificates (holder_id, achievement) WHERE reissue_of IS NULL;
--bun:split
CREATE UNIQUE INDEX certificates_attendance_once ON certificates (registration_id) WHERE reissue_of IS NULL AND registration_id IS NOT NULL;
--bun:split
CREATE INDEX certificates_issued_idx ON certificates (issued_at);
--bun:split
CREATE UNIQUE INDEX certificates_status_index ON certificates (status_index);
--bun:split
CREATE INDEX certificates_holder_idx ON certificates (holder_id);
--bun:split
INSERT INTO certificate_revocations SELECT * FROM kept_revocations;
--bun:split
INSERT INTO certificate_flags SELECT * FROM kept_flags;
--bun:split
DROP TABLE kept_revocations;
--bun:split
DROP TABLE kept_flags;
{{end}}
