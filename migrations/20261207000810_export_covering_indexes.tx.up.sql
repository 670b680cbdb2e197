-- The progress export reads, for hundreds of trainees at a time, their
-- supervision hours and their certificates in force. These indexes hold
-- every column it reads of those tables, so the database answers from the
-- index alone instead of visiting the table (which PostgreSQL, when the
-- batch is a few percent of the organisation, did by reading the whole
-- table once a batch). Each keeps its old leading columns, so every query
-- the narrower index served it serves still.
DROP INDEX supervision_records_trainee_idx;
--bun:split
CREATE INDEX supervision_records_trainee_idx ON supervision_records (trainee_id, held_on, minutes, other_signed_at, next_on);
--bun:split
DROP INDEX certificates_holder_idx;
--bun:split
CREATE INDEX certificates_holder_idx ON certificates (holder_id, holder_name, issued_at, id, number);
