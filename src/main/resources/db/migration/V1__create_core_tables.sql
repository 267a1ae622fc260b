-- Marquee's system of record. Every query the server runs has an index here; the test
-- QueryPlansTest runs EXPLAIN on each one over a table of realistic size.

CREATE TABLE profiles (
    id            uuid        PRIMARY KEY,
    display_name  text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    code              text        PRIMARY KEY,
    title             text        NOT NULL DEFAULT '',
    owner_token_hash  bytea       NOT NULL,
    owner_profile_id  uuid        REFERENCES profiles (id) ON DELETE SET NULL,
    epoch             text        NOT NULL,
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    last_activity_at  timestamptz NOT NULL,
    last_seq          bigint      NOT NULL DEFAULT 0,
    ended_at          timestamptz,
    end_reason        text,
    CONSTRAINT sessions_code_format CHECK (code ~ '^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$'),
    CONSTRAINT sessions_end_reason CHECK (end_reason IN ('expired', 'inactive', 'closed'))
);

-- Live sessions, loaded at start-up and swept for expiry: a small partial index.
CREATE INDEX sessions_live_idx ON sessions (expires_at) WHERE ended_at IS NULL;
-- Retention removes sessions that ended long enough ago.
CREATE INDEX sessions_ended_at_idx ON sessions (ended_at) WHERE ended_at IS NOT NULL;
-- A signed-in owner's sessions, newest first.
CREATE INDEX sessions_owner_idx ON sessions (owner_profile_id, created_at DESC)
    WHERE owner_profile_id IS NOT NULL;

CREATE TABLE messages (
    session_code  text        NOT NULL REFERENCES sessions (code) ON DELETE CASCADE,
    seq           bigint      NOT NULL,
    sent_at       timestamptz NOT NULL,
    client_id     text        NOT NULL,
    sender_name   text        NOT NULL,
    sender_role   text        NOT NULL,
    body          text        NOT NULL,
    PRIMARY KEY (session_code, seq)
);

-- Retention by age across all sessions.
CREATE INDEX messages_sent_at_idx ON messages (sent_at);
-- Per-sender statistics within a session.
CREATE INDEX messages_sender_idx ON messages (session_code, sender_name);

CREATE TABLE analytics_events (
    id            bigserial   PRIMARY KEY,
    type          text        NOT NULL,
    session_code  text,
    occurred_at   timestamptz NOT NULL,
    data          jsonb       NOT NULL DEFAULT '{}'::jsonb
);

-- Reports by time range, by type within a range, and one session's events.
CREATE INDEX analytics_events_occurred_at_idx ON analytics_events (occurred_at);
CREATE INDEX analytics_events_type_idx ON analytics_events (type, occurred_at);
CREATE INDEX analytics_events_session_idx ON analytics_events (session_code, occurred_at)
    WHERE session_code IS NOT NULL;

-- Small facts about the server itself, such as whether the last shutdown was clean.
CREATE TABLE server_state (
    name        text        PRIMARY KEY,
    value       text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
