DROP INDEX users_supervisor_idx;
--bun:split
CREATE INDEX users_supervisor_idx ON users (supervisor_id);
--bun:split
DROP INDEX reflections_waiting_since_idx;
--bun:split
DROP TABLE reflections_waiting;
