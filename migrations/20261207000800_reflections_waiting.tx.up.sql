-- The staff dashboard counts, for a supervisor, the modules whose submitted
-- reflections nobody has commented on. Counting them from the reflections
-- reads every waiting reflection of every trainee the supervisor has;
-- reflections_waiting keeps each trainee's number of such modules as
-- reflections are submitted, commented on and imported, so the count reads
-- one row per trainee. A trainee whose reflections never waited has no row.
CREATE TABLE reflections_waiting (
    user_id {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    modules INTEGER NOT NULL CHECK (modules >= 0)
);
--bun:split
INSERT INTO reflections_waiting (user_id, modules)
SELECT user_id, count(DISTINCT module_slug) FROM reflections
WHERE submitted_at IS NOT NULL AND commented_at IS NULL GROUP BY user_id;
--bun:split
-- The newest modules waiting for a comment are found by walking the
-- waiting reflections newest first, stopping once enough are found.
CREATE INDEX reflections_waiting_since_idx ON reflections (submitted_at DESC, module_slug) WHERE submitted_at IS NOT NULL AND commented_at IS NULL;
--bun:split
-- A supervisor's count reads their trainees' rows from indexes alone: the
-- active trainees assigned to them, then each one's count.
CREATE INDEX reflections_waiting_modules_idx ON reflections_waiting (user_id, modules);
--bun:split
DROP INDEX users_supervisor_idx;
--bun:split
CREATE INDEX users_supervisor_idx ON users (supervisor_id, role, active, id);
