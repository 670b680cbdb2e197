DROP TABLE competency_events;
--bun:split
DROP TABLE competency_status;
--bun:split
DROP TABLE supervision_amendments;
--bun:split
DROP TABLE supervision_records;
