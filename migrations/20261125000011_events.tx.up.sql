-- Public sessions for schools, workplaces and policymakers. confirmed
-- counts confirmed seats and waitlist_next hands out waitlist positions:
-- every registration and cancellation changes them in the same
-- transaction as the registration, with the event row locked, so a
-- session is never overbooked and positions are never shared.
CREATE TABLE events (
    id             {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    audience       TEXT NOT NULL CHECK (audience IN ('schools', 'policymakers', 'community', 'professionals')),
    format         TEXT NOT NULL CHECK (format IN ('in_person', 'online')),
    address        TEXT NOT NULL,
    online_link    TEXT NOT NULL,
    starts_at      TIMESTAMPTZ NOT NULL,
    ends_at        TIMESTAMPTZ NOT NULL,
    time_zone      TEXT NOT NULL,
    capacity       INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
    opens_at       TIMESTAMPTZ NOT NULL,
    closes_at      TIMESTAMPTZ NOT NULL,
    pre_reading    TEXT NOT NULL,
    confirmed      INTEGER NOT NULL CHECK (confirmed >= 0 AND confirmed <= capacity),
    waitlist_next  INTEGER NOT NULL,
    sequence       INTEGER NOT NULL,
    cancelled_at   TIMESTAMPTZ,
    cancel_reason  TEXT NOT NULL,
    purged_at      TIMESTAMPTZ,
    created_by     {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (closes_at > opens_at)
);
--bun:split
CREATE INDEX events_starts_idx ON events (starts_at);
--bun:split
CREATE TABLE event_facilitators (
    event_id {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id  {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id),
    PRIMARY KEY (event_id, user_id)
);
--bun:split
-- A registration, by someone without an account; their private link
-- carries the ID and an HMAC of it, so nothing secret is stored here.
-- position is their place on the
-- waitlist while status is waitlisted. attended is NULL until the
-- register is taken. The personal columns are emptied by the purge, which
-- keeps the row for counts.
CREATE TABLE registrations (
    id             {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    event_id       {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES events (id),
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    organisation   TEXT NOT NULL,
    audience       TEXT NOT NULL,
    access_needs   TEXT NOT NULL,
    consented_at   TIMESTAMPTZ,
    status         TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    position       INTEGER,
    attended       BOOLEAN,
    feedback_given BOOLEAN NOT NULL,
    reminded_at    TIMESTAMPTZ,
    added_by       {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} REFERENCES users (id),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    purged_at      TIMESTAMPTZ
);
--bun:split
-- One live registration per email and session: a second gets a friendly
-- message, not a second seat.
CREATE UNIQUE INDEX registrations_once ON registrations (event_id, email) WHERE status <> 'cancelled' AND purged_at IS NULL;
--bun:split
CREATE UNIQUE INDEX registrations_position ON registrations (event_id, position) WHERE status = 'waitlisted';
--bun:split
CREATE INDEX registrations_event_idx ON registrations (event_id, status, position);
--bun:split
-- Anonymous feedback: nothing here points at a registration, and the key
-- is random (not time-ordered), so answers cannot be matched to people.
CREATE TABLE event_feedback (
    id          {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    event_id    {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES events (id),
    usefulness  INTEGER NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
    clarity     INTEGER NOT NULL CHECK (clarity BETWEEN 1 AND 5),
    recommend   INTEGER NOT NULL CHECK (recommend BETWEEN 0 AND 10),
    comment     TEXT NOT NULL
);
