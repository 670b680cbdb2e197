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
-- Submitted reflections, for counting those that wait for a comment.
CREATE INDEX reflections_submitted_idx ON reflections (user_id) WHERE submitted_at IS NOT NULL;
