#!lua flags=no-writes
-- What ratelimit_acquire would answer for one rule, recording nothing (RateLimiter.check).
-- Nothing is pruned: admissions at or before now - window are skipped instead.
--
-- KEYS[1]: the sliding log P:rl:<kind>:<key>.
-- ARGV: now (epoch ms), max, window (ms).
-- Returns the ms until the rule would admit one more; 0 when it would admit now.
local now, max, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local after = '(' .. (now - window)
local count = redis.call('ZCOUNT', KEYS[1], after, '+inf')
if count < max then
  return 0
end
if max <= 0 then
  return window
end
local decisive =
  redis.call('ZRANGE', KEYS[1], after, '+inf', 'BYSCORE', 'LIMIT', count - max, 1, 'WITHSCORES')
return tonumber(decisive[2]) + window - now
