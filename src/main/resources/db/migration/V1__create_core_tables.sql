-- Marquee's system of record. Every query the server runs has an index here; the test
-- QueryPlansTest runs EXPLAIN on each one over a table of realistic size. Indexes come with the
-- queries that need them (history, search, retention and reports add theirs in later
-- migrations): each one costs a write on every insert, and messages and analytics events are the
-- hot tables.

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

CREATE TABLE analytics_events (
    id            bigserial   PRIMARY KEY,
    type          text        NOT NULL,
    session_code  text,
    occurred_at   timestamptz NOT NULL,
    data          jsonb       NOT NULL DEFAULT '{}'::jsonb
);


-- Small facts about the server itself, such as whether the last shutdown was clean.
CREATE TABLE server_state (
    name        text        PRIMARY KEY,
    value       text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
