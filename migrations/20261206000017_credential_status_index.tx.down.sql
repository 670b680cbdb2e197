DROP INDEX certificates_status_index;
--bun:split
ALTER TABLE certificates DROP COLUMN status_index;
