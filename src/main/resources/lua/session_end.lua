-- Ends a session once: whoever runs this while the hash exists gets its fields; everyone after
-- gets nothing. The index entry goes too when the index is given (not on a cluster).
--
-- KEYS: 1 session hash, [2 live index]
-- ARGV: 1 code
-- Returns the hash as it was, as field, value pairs; empty if the session was not live.

local state = redis.call('HGETALL', KEYS[1])
if #state > 0 then
  redis.call('DEL', KEYS[1])
end
if KEYS[2] then
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return state
