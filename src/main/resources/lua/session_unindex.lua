-- Drops a code from the live index if its hash is gone (expired or evicted), in one step so that
-- a put racing this keeps its entry.
--
-- KEYS: 1 session hash, 2 live index
-- ARGV: 1 code
-- Returns 1 if the entry was dropped, else 0.

if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
return redis.call('ZREM', KEYS[2], ARGV[1])
