-- Decides a join (SessionStore.admit): refused while a kick of the client runs; a controller new
-- to a locked session is refused; else admitted, and a controller is remembered as a member.
--
-- KEYS: 1 gate hash
-- ARGV: 1 clientId, 2 '1' for a controller else '0', 3 now (ms, engine clock), 4 expiry of the
--       gate (ms)
-- Returns 'kicked', 'locked' or 'admitted'.

local kicked = 'kicked:' .. ARGV[1]
local member = 'member:' .. ARGV[1]
local fields = redis.call('HMGET', KEYS[1], kicked, member, 'locked')
if fields[1] then
  if tonumber(fields[1]) > tonumber(ARGV[3]) then
    return 'kicked'
  end
  redis.call('HDEL', KEYS[1], kicked)
end
if ARGV[2] == '1' and not fields[2] then
  if fields[3] == '1' then
    return 'locked'
  end
  redis.call('HSET', KEYS[1], member, '1')
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return 'admitted'
