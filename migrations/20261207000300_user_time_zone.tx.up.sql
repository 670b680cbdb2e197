-- A person's time zone (an IANA name) for the times pages show them; empty
-- means the organisation's.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
