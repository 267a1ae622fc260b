-- The session's part of accepting one message on Redis Cluster, where the rate limits were taken
-- before (their keys live in other slots): the next seq, the activity stamp, the recent history
-- window, the session's own outbox stream and the publication; or nothing at all. Every key
-- carries the session's hash tag, so they share one slot. The stream and its consumer group are
-- created with the first message, so an existing stream always has the group archivers read.
--
-- KEYS: 1 session hash, 2 history list, 3 the session's outbox stream
-- ARGV: 1 now (ms), 2 session code, 3 clientId, 4 name, 5 role, 6 text,
--       7 history window size, 8 history ttl (ms), 9 room channel, 10 outbox bound,
--       11 archivers' consumer group
-- Returns {'ok', seq} | {'gone'} | {'full'}

if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'gone'}
end
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[3], ARGV[11], '0', 'MKSTREAM')
elseif redis.call('XLEN', KEYS[3]) >= tonumber(ARGV[10]) then
  return {'full'}
end

local seq = redis.call('HINCRBY', KEYS[1], 'lastSeq', 1)
redis.call('HSET', KEYS[1], 'lastActivityAt', ARGV[1])

local message = cjson.encode({
  session = ARGV[2],
  seq = seq,
  ts = tonumber(ARGV[1]),
  from = {clientId = ARGV[3], name = ARGV[4], role = ARGV[5]},
  text = ARGV[6]
})
redis.call('LPUSH', KEYS[2], message)
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[7]) - 1)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[8]))
redis.call('XADD', KEYS[3], '*', 'm', message)
redis.call('PUBLISH', ARGV[9], '{"kind":"message","message":' .. message .. ',"at":' .. ARGV[1] .. '}')
return {'ok', seq}
