-- Replaces a session's hot window (RecentHistory.load, docs/redis.md).
-- KEYS[1]: P:history:{CODE}. ARGV: the expiry (ms), then at most a window of stored-message JSON
-- oldest first, so that LPUSH leaves the newest at the head.
redis.call('DEL', KEYS[1])
if #ARGV > 1 then
  redis.call('LPUSH', KEYS[1], unpack(ARGV, 2))
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return 1
