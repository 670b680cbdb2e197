DROP TABLE reflection_comments;
--bun:split
DROP TABLE reflections;
