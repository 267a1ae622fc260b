-- Adds one stored message to a session's hot window (RecentHistory.append, docs/redis.md).
-- KEYS[1]: P:history:{CODE}, newest first. ARGV: the stored-message JSON, the window size, the
-- expiry (ms) counted from this append.
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
