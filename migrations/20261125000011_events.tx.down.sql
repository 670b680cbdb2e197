DROP TABLE event_feedback;
--bun:split
DROP TABLE registrations;
--bun:split
DROP TABLE event_facilitators;
--bun:split
DROP TABLE events;
