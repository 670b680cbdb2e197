-- What a mail was for (invitation, password_reset, registration, ...), so
-- an admin can see that a mail went without reading it.
ALTER TABLE mail_outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';
--bun:split
-- A mail that has been sent, or has failed for good, keeps only what shows
-- that it went: its recipient, subject, body and calendar are emptied.
UPDATE mail_outbox SET to_addr = '', subject = '', body = '', calendar = '', last_error = ''
 WHERE sent_at IS NOT NULL OR failed_at IS NOT NULL;
