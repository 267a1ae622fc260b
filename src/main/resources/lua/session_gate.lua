-- Changes who may join a live session: sets one field of its gate hash and drops another, then
-- renews the gate's expiry. Nothing happens if the session is not live.
--
-- KEYS: 1 session hash, 2 gate hash
-- ARGV: 1 expiry of the gate (ms), 2 field to set, 3 its value, 4 field to drop ('' for none)
-- Returns 1 if the session is live (and the gate was changed), else 0.

if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('HDEL', KEYS[2], ARGV[4])
end
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
