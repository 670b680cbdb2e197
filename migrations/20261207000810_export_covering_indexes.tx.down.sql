DROP INDEX certificates_holder_idx;
--bun:split
CREATE INDEX certificates_holder_idx ON certificates (holder_id);
--bun:split
DROP INDEX supervision_records_trainee_idx;
--bun:split
CREATE INDEX supervision_records_trainee_idx ON supervision_records (trainee_id, held_on);
