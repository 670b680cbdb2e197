-- Covering indexes for the cohort matrix and the progress export, which sum
-- each trainee's steps per module: every column they read is in the index,
-- in (trainee, module) order, so the database neither visits the tables
-- nor sorts to group. The sign-off index gives each trainee's signed-off
-- and pending competencies without reading the rest.
CREATE INDEX lesson_progress_read_idx ON lesson_progress (user_id, module_slug, lesson_slug, completed_at);
--bun:split
CREATE INDEX quiz_attempts_submitted_idx ON quiz_attempts (user_id, module_slug, submitted_at, score, passed) WHERE submitted_at IS NOT NULL;
--bun:split
CREATE INDEX reflections_submitted_idx ON reflections (user_id, module_slug, submitted_at) WHERE submitted_at IS NOT NULL;
--bun:split
CREATE INDEX competency_status_trainee_status_idx ON competency_status (trainee_id, status, competency_id);
