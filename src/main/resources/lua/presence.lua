-- Every presence change of one session, each in one call so that the counts and the change it
-- returns are exact whichever instance asks (docs/redis.md, "Presence").
--
-- KEYS: 1 members hash (clientId -> member JSON), 2 sockets hash (clientId|instanceId -> open
--       sockets), [3 presence index, given when not on a cluster]
-- ARGV: 1 operation, 2 session code, 3 now (ms), 4 key ttl (ms), 5 this instance's id, then
--   join   6 clientId, 7 name, 8 role, 9 via ('ws' or 'http'; an HTTP join holds no socket)
--   leave  6 clientId
--   remove 6 clientId (whatever sockets it holds, on any instance)
--   touch  6 clientId
--   sweep  6 idle after (ms), 7 idle timeout (ms)
--   reap   6.. ids of instances whose heartbeat is gone
--   drop   nothing
-- Returns, for join, leave, remove and touch: {kind, member JSON, {controllers, displays, idle}}, with
-- counts left out of a touch that changes nothing, or {'none'} when the member is not present.
-- For sweep and reap: {{counts after}, {instance ids
-- holding sockets}, then kind, clientId, member JSON, reason for each change}.
-- kind is join, leave, idle, active or none.

local op, code, now, ttl, instance = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local members, sockets, index = KEYS[1], KEYS[2], KEYS[3]

-- Instance ids never hold '|'; a clientId may.
local function split(field)
  return string.match(field, '^(.*)|([^|]*)$')
end

local function counts()
  local c, d, i = 0, 0, 0
  for _, json in ipairs(redis.call('HVALS', members)) do
    local m = cjson.decode(json)
    if m.role == 'controller' then c = c + 1 else d = d + 1 end
    if m.idle then i = i + 1 end
  end
  return {c, d, i}
end

local function open_sockets(id)
  local n = 0
  local all = redis.call('HGETALL', sockets)
  for i = 1, #all, 2 do
    if split(all[i]) == id then n = n + tonumber(all[i + 1]) end
  end
  return n
end

local function forget_sockets(id)
  for _, field in ipairs(redis.call('HKEYS', sockets)) do
    if split(field) == id then redis.call('HDEL', sockets, field) end
  end
end

-- The session's keys live ttl past its last change; the index lists sessions with members.
local function changed(heard_from)
  redis.call('PEXPIRE', members, ttl)
  redis.call('PEXPIRE', sockets, ttl)
  if not index then
    return
  end
  if heard_from then
    redis.call('ZADD', index, now, code)
    redis.call('PEXPIRE', index, ttl)
  elseif redis.call('EXISTS', members) == 0 then
    redis.call('ZREM', index, code)
  end
end

if op == 'join' then
  local id, via = ARGV[6], ARGV[9]
  local json = redis.call('HGET', members, id)
  local kind, m
  if json then
    m = cjson.decode(json)
    kind = m.idle and 'active' or 'none'
    m.name, m.role, m.lastActiveAt, m.idle = ARGV[7], ARGV[8], now, false
    if via == 'ws' then m.via = 'ws' end
  else
    kind = 'join'
    m = {name = ARGV[7], role = ARGV[8], joinedAt = now, lastActiveAt = now, idle = false,
         via = via}
  end
  json = cjson.encode(m)
  redis.call('HSET', members, id, json)
  if via == 'ws' then
    redis.call('HINCRBY', sockets, id .. '|' .. instance, 1)
  end
  changed(true)
  return {kind, json, counts()}
end

if op == 'leave' then
  local id = ARGV[6]
  local json = redis.call('HGET', members, id)
  if not json then
    return {'none'}
  end
  local field = id .. '|' .. instance
  if redis.call('HEXISTS', sockets, field) == 1
      and redis.call('HINCRBY', sockets, field, -1) <= 0 then
    redis.call('HDEL', sockets, field)
  end
  -- Sockets on this or other instances still hold the member; an HTTP member holds none.
  if open_sockets(id) > 0 then
    changed(false)
    return {'none', json, counts()}
  end
  redis.call('HDEL', members, id)
  changed(false)
  return {'leave', json, counts()}
end

if op == 'remove' then
  local id = ARGV[6]
  local json = redis.call('HGET', members, id)
  if not json then
    return {'none'}
  end
  forget_sockets(id)
  redis.call('HDEL', members, id)
  changed(false)
  return {'leave', json, counts()}
end

if op == 'touch' then
  local id = ARGV[6]
  local json = redis.call('HGET', members, id)
  if not json then
    return {'none'}
  end
  local m = cjson.decode(json)
  local was_idle = m.idle
  m.lastActiveAt, m.idle = now, false
  json = cjson.encode(m)
  redis.call('HSET', members, id, json)
  changed(true)
  if was_idle then
    return {'active', json, counts()}
  end
  return {'none', json}
end

if op == 'sweep' then
  local after, timeout = tonumber(ARGV[6]), tonumber(ARGV[7])
  local out = {{}, {}}
  local all = redis.call('HGETALL', members)
  for i = 1, #all, 2 do
    local id, json = all[i], all[i + 1]
    local m = cjson.decode(json)
    local silent = now - m.lastActiveAt
    if silent >= timeout then
      redis.call('HDEL', members, id)
      forget_sockets(id)
      for _, v in ipairs({'leave', id, json, 'idle'}) do table.insert(out, v) end
    elseif not m.idle and silent >= after then
      m.idle = true
      json = cjson.encode(m)
      redis.call('HSET', members, id, json)
      for _, v in ipairs({'idle', id, json, ''}) do table.insert(out, v) end
    end
  end
  local seen = {}
  for _, field in ipairs(redis.call('HKEYS', sockets)) do
    local _, owner = split(field)
    if not seen[owner] then
      seen[owner] = true
      table.insert(out[2], owner)
    end
  end
  if #out > 2 then
    changed(false)
    out[1] = counts()
  end
  return out
end

if op == 'reap' then
  local dead = {}
  for i = 6, #ARGV do dead[ARGV[i]] = true end
  local lost, order = {}, {}
  for _, field in ipairs(redis.call('HKEYS', sockets)) do
    local id, owner = split(field)
    if dead[owner] then
      redis.call('HDEL', sockets, field)
      if not lost[id] then
        lost[id] = true
        table.insert(order, id)
      end
    end
  end
  local out = {{}, {}}
  for _, id in ipairs(order) do
    local json = redis.call('HGET', members, id)
    if json and open_sockets(id) == 0 then
      redis.call('HDEL', members, id)
      for _, v in ipairs({'leave', id, json, 'lost'}) do table.insert(out, v) end
    end
  end
  if #order > 0 then
    changed(false)
    out[1] = counts()
  end
  return out
end

if op == 'drop' then
  redis.call('DEL', members, sockets)
  if index then
    redis.call('ZREM', index, code)
  end
  return {'none'}
end

return redis.error_reply('unknown presence operation ' .. tostring(op))
