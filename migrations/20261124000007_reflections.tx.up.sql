-- Reflections: a trainee's written answers to a module's prompts. Drafts
-- can change until the trainee submits; submitted reflections are kept as
-- written. Prompts are numbered from 1 in the order the module lists them.
CREATE TABLE reflections (
    id           {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    user_id      {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_slug  TEXT NOT NULL,
    prompt       INTEGER NOT NULL CHECK (prompt >= 1),
    body         TEXT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    submitted_at TIMESTAMPTZ
);
--bun:split
CREATE UNIQUE INDEX reflections_user_module_prompt_key ON reflections (user_id, module_slug, prompt);
--bun:split
-- Comments by the trainee's supervisor (or an admin) on a reflection.
CREATE TABLE reflection_comments (
    id            {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    reflection_id {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES reflections (id) ON DELETE CASCADE,
    author_id     {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id),
    body          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX reflection_comments_reflection_idx ON reflection_comments (reflection_id, created_at);
