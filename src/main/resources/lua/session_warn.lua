-- Records that the inactivity warning for the quiet period starting at ARGV[1] was sent, if the
-- session is still in that period and nobody recorded it yet.
--
-- KEYS: 1 session hash
-- ARGV: 1 lastActivityAt of the period (ms)
-- Returns 1 for the one caller that recorded it, else 0.

local fields = redis.call('HMGET', KEYS[1], 'lastActivityAt', 'warnedFor')
if fields[1] ~= ARGV[1] or fields[2] == ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'warnedFor', ARGV[1])
return 1
