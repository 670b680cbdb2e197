DROP INDEX reflections_submitted_idx;
--bun:split
DROP INDEX users_supervisor_name_idx;
--bun:split
DROP INDEX users_trainee_name_idx;
--bun:split
DROP TABLE learning_activity;
