-- Assigns the next seq and stamps activity, the same way the message intake script does.
--
-- KEYS: 1 session hash
-- ARGV: 1 activity time (ms)
-- Returns the hash after the change as field, value pairs; empty when the session is not live.

if redis.call('EXISTS', KEYS[1]) == 0 then
  return {}
end
redis.call('HINCRBY', KEYS[1], 'lastSeq', 1)
redis.call('HSET', KEYS[1], 'lastActivityAt', ARGV[1])
return redis.call('HGETALL', KEYS[1])
