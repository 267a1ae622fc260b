-- Signed-in users (docs/auth.md): a user's sessions, newest first, for GET /api/me/sessions.
-- Partial: most sessions are anonymous and never need an entry. The same index serves the
-- ON DELETE SET NULL of sessions.owner_profile_id when a profile is deleted.
CREATE INDEX sessions_owner_idx ON sessions (owner_profile_id, created_at DESC, code DESC)
    WHERE owner_profile_id IS NOT NULL;
