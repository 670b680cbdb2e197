DROP INDEX competency_status_pending_trainee_idx;
--bun:split
DROP INDEX reflections_to_read_idx;
--bun:split
ALTER TABLE reflections DROP COLUMN commented_at;
--bun:split
DROP INDEX users_supervisor_name_idx;
--bun:split
DROP INDEX users_trainee_name_idx;
--bun:split
DROP TABLE learning_activity;
