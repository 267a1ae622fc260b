-- Accepts one message atomically: both rate limits, the next seq, the activity stamp, the recent
-- history window, the outbox for PostgreSQL and the publication; or nothing at all.
--
-- KEYS: 1 session hash, 2 history list, 3 outbox stream, 4 controller log, 5 ip log,
--       6 rate-limit stats hash, 7 rate-limit top set
-- ARGV: 1 now (ms), 2 session code, 3 clientId, 4 name, 5 role, 6 text,
--       7 controller max, 8 controller window (ms), 9 ip max, 10 ip window (ms),
--       11 a random suffix for log members, 12 history window size, 13 history ttl (ms),
--       14 room channel, 15 outbox bound, 16 controller key, 17 ip key
-- Returns {'ok', seq} | {'gone'} | {'full'} | {'limited', kind, waitMs}

local now = tonumber(ARGV[1])

if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'gone'}
end
if redis.call('XLEN', KEYS[3]) >= tonumber(ARGV[15]) then
  return {'full'}
end

-- Sliding log: admissions at or before now - window have left it. The wait is until the oldest
-- of the newest `max` admissions leaves, which makes room for one more.
local function wait_for(key, max, window)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count < max then
    return 0
  end
  local oldest = redis.call('ZRANGE', key, count - max, count - max, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end

local function refuse(kind, key, wait)
  redis.call('HINCRBY', KEYS[6], kind, 1)
  redis.call('ZINCRBY', KEYS[7], 1, kind .. ':' .. key)
  redis.call('PEXPIRE', KEYS[7], 86400000)
  return {'limited', kind, wait}
end

local cmax, cwin = tonumber(ARGV[7]), tonumber(ARGV[8])
local imax, iwin = tonumber(ARGV[9]), tonumber(ARGV[10])
local cwait = wait_for(KEYS[4], cmax, cwin)
if cwait > 0 then
  return refuse('controller', ARGV[16], cwait)
end
local iwait = wait_for(KEYS[5], imax, iwin)
if iwait > 0 then
  return refuse('ip', ARGV[17], iwait)
end

local member = ARGV[1] .. '-' .. ARGV[11]
redis.call('ZADD', KEYS[4], now, member)
redis.call('PEXPIRE', KEYS[4], cwin)
redis.call('ZADD', KEYS[5], now, member)
redis.call('PEXPIRE', KEYS[5], iwin)

local seq = redis.call('HINCRBY', KEYS[1], 'lastSeq', 1)
redis.call('HSET', KEYS[1], 'lastActivityAt', ARGV[1])

local message = cjson.encode({
  session = ARGV[2],
  seq = seq,
  ts = now,
  from = {clientId = ARGV[3], name = ARGV[4], role = ARGV[5]},
  text = ARGV[6]
})
redis.call('LPUSH', KEYS[2], message)
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[12]) - 1)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[13]))
redis.call('XADD', KEYS[3], '*', 'm', message)
redis.call('PUBLISH', ARGV[14], '{"kind":"message","message":' .. message .. ',"at":' .. ARGV[1] .. '}')
return {'ok', seq}
