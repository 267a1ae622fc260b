-- Admits one event against every rule, or records nothing (RateLimiter.acquire, docs/redis.md).
--
-- KEYS: the sliding log P:rl:<kind>:<key> of each rule in order, then P:rl:stats, P:rl:top.
-- ARGV: now (epoch ms), the top set's expiry (ms), then five per rule: max, window (ms), the
--       member to add ("<now>-<random>", unique per rule), the kind (stats field) and
--       "<kind>:<key>" (top member).
-- Returns {0, 0} when every rule admitted, else {i, wait}: the first refusing rule (1-based) and
-- the ms until it would admit one more.
--
-- Times are whole ms below 1e14, so Lua's doubles and their 14-digit formatting stay exact.
local rules = #KEYS - 2
local now = tonumber(ARGV[1])

for i = 1, rules do
  local a = 3 + (i - 1) * 5
  local max, window = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= max then
    -- One more fits once all but max - 1 admissions have left; the last of those to leave is
    -- the (count - max)-th oldest. A rule with max 0 never admits: answer a whole window.
    local wait = window
    if max > 0 then
      local decisive = redis.call('ZRANGE', KEYS[i], count - max, count - max, 'WITHSCORES')
      wait = tonumber(decisive[2]) + window - now
    end
    redis.call('HINCRBY', KEYS[rules + 1], ARGV[a + 3], 1)
    redis.call('ZINCRBY', KEYS[rules + 2], 1, ARGV[a + 4])
    redis.call('PEXPIRE', KEYS[rules + 2], ARGV[2])
    return {i, wait}
  end
end

for i = 1, rules do
  local a = 3 + (i - 1) * 5
  redis.call('ZADD', KEYS[i], ARGV[1], ARGV[a + 2])
  -- The newest admission is now: once a window has passed the log holds nothing that counts.
  redis.call('PEXPIRE', KEYS[i], ARGV[a + 1])
end
return {0, 0}
