DROP INDEX quiz_attempts_one_open_idx;
--bun:split
ALTER TABLE quiz_attempts DROP COLUMN expired_at;
