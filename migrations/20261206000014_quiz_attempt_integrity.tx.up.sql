-- An attempt closed without being submitted (left open too long, the module
-- changed, or begun before a retake wait ended) gets expired_at; it is kept,
-- never counts as a try and can no longer be submitted.
ALTER TABLE quiz_attempts ADD COLUMN expired_at TIMESTAMPTZ;
--bun:split
-- Attempts opened in parallel before this migration: keep the newest open
-- one per person and module, close the others when the newest began.
UPDATE quiz_attempts SET expired_at = (
    SELECT MIN(newer.started_at) FROM quiz_attempts newer
     WHERE newer.user_id = quiz_attempts.user_id AND newer.module_slug = quiz_attempts.module_slug
       AND newer.submitted_at IS NULL
       AND (newer.started_at > quiz_attempts.started_at
            OR (newer.started_at = quiz_attempts.started_at AND newer.id > quiz_attempts.id)))
 WHERE submitted_at IS NULL AND EXISTS (
    SELECT 1 FROM quiz_attempts newer
     WHERE newer.user_id = quiz_attempts.user_id AND newer.module_slug = quiz_attempts.module_slug
       AND newer.submitted_at IS NULL
       AND (newer.started_at > quiz_attempts.started_at
            OR (newer.started_at = quiz_attempts.started_at AND newer.id > quiz_attempts.id)));
--bun:split
-- At most one open attempt per person and module: parallel starts insert
-- with ON CONFLICT DO NOTHING and all read the same row.
CREATE UNIQUE INDEX quiz_attempts_one_open_idx ON quiz_attempts (user_id, module_slug)
    WHERE submitted_at IS NULL AND expired_at IS NULL;
