-- Client voice: feedback rounds on the group sessions trainees run. A round
-- is opened for one session of one trainee's group; members answer through
-- its short code without an account. answers counts the answers taken (the
-- round refuses more than max_answers); paper counts those typed in from
-- paper by the facilitator. When the round closes (closed_at), its held
-- answers are released as counts and comments together, or deleted unread
-- when fewer than five arrived; released says how many were released.
-- you_said and we_did are the trainee's "you said, we did", shown to the
-- members of the group's next round.
CREATE TABLE voice_rounds (
    id            {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    trainee_id    {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id),
    opened_by     {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id),
    code          TEXT NOT NULL UNIQUE,
    group_name    TEXT NOT NULL,
    held_on       TIMESTAMPTZ NOT NULL,
    competencies  TEXT NOT NULL,
    opened_at     TIMESTAMPTZ NOT NULL,
    closes_at     TIMESTAMPTZ NOT NULL,
    max_answers   INTEGER NOT NULL CHECK (max_answers BETWEEN 5 AND 100),
    answers       INTEGER NOT NULL DEFAULT 0 CHECK (answers >= 0 AND answers <= max_answers),
    paper         INTEGER NOT NULL DEFAULT 0 CHECK (paper >= 0 AND paper <= answers),
    closed_at     TIMESTAMPTZ,
    released      INTEGER NOT NULL DEFAULT 0 CHECK (released >= 0 AND released <= answers),
    you_said      TEXT NOT NULL DEFAULT '',
    we_did        TEXT NOT NULL DEFAULT '',
    responded_at  TIMESTAMPTZ
);
--bun:split
CREATE INDEX voice_rounds_trainee_idx ON voice_rounds (trainee_id, held_on);
--bun:split
CREATE INDEX voice_rounds_due_idx ON voice_rounds (closes_at) WHERE closed_at IS NULL;
--bun:split
-- Answers waiting for their round to close. Nothing in a row says who
-- answered, from where or when, and its key is random; every new answer
-- rewrites the round's held answers in a shuffled order under new keys.
CREATE TABLE voice_held (
    id         {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    round_id   {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES voice_rounds (id),
    respected  INTEGER NOT NULL CHECK (respected BETWEEN 1 AND 3),
    heard      INTEGER NOT NULL CHECK (heard BETWEEN 1 AND 3),
    useful     INTEGER NOT NULL CHECK (useful BETWEEN 1 AND 3),
    again      INTEGER NOT NULL CHECK (again BETWEEN 1 AND 3),
    comment    TEXT NOT NULL
);
--bun:split
CREATE INDEX voice_held_round_idx ON voice_held (round_id);
--bun:split
-- Released ratings, as counts only: how many answered each question with
-- each choice (3 yes, 2 not sure, 1 no).
CREATE TABLE voice_tallies (
    round_id  {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES voice_rounds (id),
    question  TEXT NOT NULL CHECK (question IN ('respected', 'heard', 'useful', 'again')),
    choice    INTEGER NOT NULL CHECK (choice BETWEEN 1 AND 3),
    n         INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (round_id, question, choice)
);
--bun:split
-- Released comments, apart from the ratings they came with, under random
-- keys. A comment is unread until the trainee's supervisor reads it, then
-- shown (to the trainee) or held back with a reason.
CREATE TABLE voice_comments (
    id        {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    round_id  {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES voice_rounds (id),
    body      TEXT NOT NULL,
    status    TEXT NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'shown', 'held')),
    reason    TEXT NOT NULL DEFAULT '',
    read_by   {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id),
    read_at   TIMESTAMPTZ
);
--bun:split
CREATE INDEX voice_comments_round_idx ON voice_comments (round_id, status);
--bun:split
-- A round's results offered as evidence with a competency request: the
-- request's step in competency_events and the round it points to.
CREATE TABLE voice_evidence (
    event_id      {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY REFERENCES competency_events (id),
    round_id      {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES voice_rounds (id),
    trainee_id    {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id),
    competency_id TEXT NOT NULL
);
--bun:split
CREATE INDEX voice_evidence_trainee_idx ON voice_evidence (trainee_id);
