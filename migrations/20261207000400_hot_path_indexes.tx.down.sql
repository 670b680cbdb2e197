DROP INDEX competency_status_pending_idx;
--bun:split
CREATE INDEX competency_status_pending_idx ON competency_status (status, updated_at);
--bun:split
DROP INDEX certificates_holder_idx;
