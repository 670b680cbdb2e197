-- Notices: what a person is told about (a record to agree, a returned or
-- withdrawn sign-off, a comment, a certificate), written in the same
-- transaction as the change. read_at is set when it is done or read;
-- mailed_at when a mail (urgent, or the day's digest) has told them.
-- text and link say nothing about anyone but the recipient's own work.
CREATE TABLE notices (
    id          {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    user_id     {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL,
    text        TEXT NOT NULL,
    link        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    read_at     TIMESTAMPTZ,
    mailed_at   TIMESTAMPTZ
);
--bun:split
CREATE INDEX notices_open_idx ON notices (user_id, created_at) WHERE read_at IS NULL;
--bun:split
CREATE INDEX notices_unmailed_idx ON notices (user_id) WHERE mailed_at IS NULL AND read_at IS NULL;
--bun:split
-- One digest per person per day: the row is the claim, so replicas running
-- the digest together send it once.
CREATE TABLE notice_digests (
    user_id  {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    sent_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, day)
);
--bun:split
ALTER TABLE users ADD COLUMN notification_mail_off BOOLEAN NOT NULL DEFAULT FALSE;
--bun:split
-- The date by which a cohort's trainees are expected to have finished the
-- programme; past it, those who have not are overdue.
ALTER TABLE cohorts ADD COLUMN expected_by TIMESTAMPTZ;
