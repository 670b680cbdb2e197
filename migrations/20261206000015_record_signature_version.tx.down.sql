ALTER TABLE competency_status DROP COLUMN version;
--bun:split
ALTER TABLE supervision_records DROP COLUMN signed_version;
--bun:split
ALTER TABLE supervision_records DROP COLUMN content_hash;
--bun:split
ALTER TABLE supervision_records DROP COLUMN version;
