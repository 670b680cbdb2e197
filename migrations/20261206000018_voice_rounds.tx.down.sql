DROP TABLE voice_evidence;
--bun:split
DROP TABLE voice_comments;
--bun:split
DROP TABLE voice_tallies;
--bun:split
DROP TABLE voice_held;
--bun:split
DROP TABLE voice_rounds;
