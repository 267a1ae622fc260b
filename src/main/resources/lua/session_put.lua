-- Inserts or replaces a live session: the whole hash and its expiry together, and its entry in
-- the live index when that is given (not on a cluster, where the index lives in another slot).
-- Field names are SessionHash's.
--
-- KEYS: 1 session hash, [2 live index]
-- ARGV: 1 code, 2 expiresAt (ms, the index score), 3 hash ttl (ms), 4.. field, value pairs
-- Returns 1 if the code was new to the index, else 0 (always 0 without the index).

redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if KEYS[2] then
  return redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
end
return 0
