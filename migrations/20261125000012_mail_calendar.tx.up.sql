-- A calendar invitation (iCalendar text) sent with a mail, or ''.
ALTER TABLE mail_outbox ADD COLUMN calendar TEXT NOT NULL DEFAULT '';
