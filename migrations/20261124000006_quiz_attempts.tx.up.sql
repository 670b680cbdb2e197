-- Knowledge-check attempts. Every attempt is kept. An attempt is created
-- when the form is shown (with its own option order) and submitted once:
-- the conditional update on submitted_at makes a double submit count once.
CREATE TABLE quiz_attempts (
    id             {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    user_id        {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_slug    TEXT NOT NULL,
    module_version TEXT NOT NULL,
    option_order   TEXT NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL,
    submitted_at   TIMESTAMPTZ,
    answers        TEXT NOT NULL DEFAULT '',
    score          INTEGER,
    passed         BOOLEAN,
    CHECK (score IS NULL OR (score >= 0 AND score <= 100))
);
--bun:split
CREATE INDEX quiz_attempts_user_module_idx ON quiz_attempts (user_id, module_slug, started_at);
