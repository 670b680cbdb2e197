-- Enrolments: scope is 'programme' (the Trainee Groupworker Programme, given
-- by joining a cohort) or the slug of a single module an admin enrolled the
-- person in.
CREATE TABLE enrolments (
    user_id     {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scope       TEXT NOT NULL,
    enrolled_at TIMESTAMPTZ NOT NULL,
    enrolled_by {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id),
    PRIMARY KEY (user_id, scope)
);
