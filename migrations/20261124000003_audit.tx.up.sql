-- The audit log: security-relevant actions, append-only. actor_id and
-- subject_id have no foreign keys so the log outlives what it describes.
CREATE TABLE audit_log (
    id         {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    actor_id   {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}},
    subject_id {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}},
    action     TEXT NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
--bun:split
CREATE INDEX audit_log_at_idx ON audit_log (at);
--bun:split
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
--bun:split
CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, at);
