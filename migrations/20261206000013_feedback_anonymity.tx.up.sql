-- Feedback answers waiting to be released. An answer is stored here, in a
-- transaction of its own, after the one that spent the registrant's right
-- to answer; once a session holds enough of them they move to
-- event_feedback together, in shuffled order, and leave this table. Like
-- event_feedback it holds nothing about who answered or when, and its key
-- is random.
CREATE TABLE event_feedback_pending (
    id          {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    event_id    {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES events (id),
    usefulness  INTEGER NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
    clarity     INTEGER NOT NULL CHECK (clarity BETWEEN 1 AND 5),
    recommend   INTEGER NOT NULL CHECK (recommend BETWEEN 0 AND 10),
    comment     TEXT NOT NULL
);
--bun:split
CREATE INDEX event_feedback_pending_event_idx ON event_feedback_pending (event_id);
