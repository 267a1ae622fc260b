-- Admits one event against one rule and records it, or refuses recording nothing: the one-key
-- step of an acquisition on Redis Cluster, where the rules' logs live in different slots
-- (RedisRateLimiter, docs/redis.md). Same arithmetic as ratelimit_acquire.lua.
--
-- KEYS[1]: the sliding log P:rl:<kind>:<key>.
-- ARGV: now (epoch ms), max, window (ms), the member to add ("<now>-<random>").
-- Returns 0 when admitted, else the ms until the rule would admit one more.
local now, max, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= max then
  if max <= 0 then
    return window
  end
  local decisive = redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')
  return tonumber(decisive[2]) + window - now
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0
