-- The staff dashboard lists trainees a page at a time, ordered in SQL.
-- learning_activity keeps each person's latest learning step (a lesson
-- read, a knowledge check or reflections submitted), so ordering by last
-- activity and finding inactive trainees reads one row per trainee instead
-- of every progress row. The name indexes serve the order by name for an
-- admin (every trainee) and for a supervisor (their own).
CREATE TABLE learning_activity (
    user_id {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    last_at TIMESTAMPTZ NOT NULL
);
--bun:split
INSERT INTO learning_activity (user_id, last_at)
SELECT user_id, max(at) FROM (
    SELECT user_id, completed_at AS at FROM lesson_progress
    UNION ALL SELECT user_id, submitted_at FROM quiz_attempts WHERE submitted_at IS NOT NULL
    UNION ALL SELECT user_id, submitted_at FROM reflections WHERE submitted_at IS NOT NULL
) AS steps GROUP BY user_id;
--bun:split
CREATE INDEX learning_activity_last_idx ON learning_activity (last_at);
--bun:split
CREATE INDEX users_trainee_name_idx ON users (lower(name), id) WHERE role = 'trainee';
--bun:split
CREATE INDEX users_supervisor_name_idx ON users (supervisor_id, lower(name), id) WHERE role = 'trainee';
--bun:split
-- A reflection's first comment, so that those waiting for one are found
-- through a small partial index instead of an anti-join over every
-- submitted reflection.
ALTER TABLE reflections ADD COLUMN commented_at TIMESTAMPTZ;
--bun:split
UPDATE reflections SET commented_at = (SELECT min(c.created_at) FROM reflection_comments AS c WHERE c.reflection_id = reflections.id);
--bun:split
CREATE INDEX reflections_to_read_idx ON reflections (user_id, module_slug) WHERE submitted_at IS NOT NULL AND commented_at IS NULL;
--bun:split
-- Sign-off requests waiting for review, found per trainee.
CREATE INDEX competency_status_pending_trainee_idx ON competency_status (trainee_id) WHERE status = 'pending';
