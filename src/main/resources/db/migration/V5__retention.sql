-- Retention (HISTORY_RETENTION, ANALYTICS_RETENTION) and the analytics report
-- (GET /api/admin/analytics). docs/operations.md, "Retention", and docs/analytics.md.

-- Ended sessions in the order they ended: the retention sweep takes the oldest past the cutoff.
-- Their rows are deleted with their messages, so the index holds the sessions still inside
-- HISTORY_RETENTION (all ended ones when it is 'forever'). Live sessions stay in sessions_live_idx.
CREATE INDEX sessions_ended_idx ON sessions (ended_at) WHERE ended_at IS NOT NULL;

-- Events in time order, with their type: the report counts them per type and day by reading this
-- index alone (an index-only scan), and the retention sweep deletes the oldest through it.
CREATE INDEX analytics_events_time_idx ON analytics_events (occurred_at) INCLUDE (type);

-- Each session's end, by session: the report finds how long each session it counts lasted, one
-- index probe per session. One entry per session, written once.
CREATE INDEX analytics_events_ended_idx ON analytics_events (session_code, occurred_at)
    WHERE type = 'session_ended';
