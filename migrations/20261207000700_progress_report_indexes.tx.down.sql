DROP INDEX competency_status_trainee_status_idx;
--bun:split
DROP INDEX reflections_submitted_idx;
--bun:split
DROP INDEX quiz_attempts_submitted_idx;
--bun:split
DROP INDEX lesson_progress_read_idx;
