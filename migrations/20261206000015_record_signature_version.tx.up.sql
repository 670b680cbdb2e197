-- A signature covers the version its signer read. version counts the
-- changes to what a record says (edits before agreement, amendments
-- after); content_hash tells an edit that changes the content from one that
-- changes only the private note. signed_version is the version the other
-- party agreed to or confirmed. Records from before have their amendments
-- counted and were agreed to version 1; their hash is computed on their
-- next change.
ALTER TABLE supervision_records ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
--bun:split
ALTER TABLE supervision_records ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE supervision_records ADD COLUMN signed_version INTEGER;
--bun:split
UPDATE supervision_records
SET version = 1 + (SELECT COUNT(*) FROM supervision_amendments AS a WHERE a.record_id = supervision_records.id),
    signed_version = CASE WHEN other_signed_at IS NULL THEN NULL ELSE 1 END;
--bun:split
-- version counts the steps of a competency, so a sign-off can name the
-- step (and so the evidence) its reviewer read.
ALTER TABLE competency_status ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
--bun:split
UPDATE competency_status
SET version = (SELECT COUNT(*) FROM competency_events AS e
               WHERE e.trainee_id = competency_status.trainee_id AND e.competency_id = competency_status.competency_id);
