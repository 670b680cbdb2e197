DROP TABLE certificate_flags;
--bun:split
DROP TABLE certificate_revocations;
--bun:split
DROP TABLE certificates;
