ALTER TABLE cohorts DROP COLUMN expected_by;
--bun:split
ALTER TABLE users DROP COLUMN notification_mail_off;
--bun:split
DROP TABLE notice_digests;
--bun:split
DROP TABLE notices;
