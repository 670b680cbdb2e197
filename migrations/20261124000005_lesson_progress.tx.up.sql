-- Lessons a person has read to the end. Modules and lessons are named by
-- slug, so progress survives rewording of the curriculum.
CREATE TABLE lesson_progress (
    user_id      {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_slug  TEXT NOT NULL,
    lesson_slug  TEXT NOT NULL,
    completed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, module_slug, lesson_slug)
);
