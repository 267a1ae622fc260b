-- One visit of an archiver to one session's outbox stream on a cluster: takes over entries other
-- consumers left idle too long (when asked), then returns this consumer's own pending entries, or
-- else new ones. Read in a script so the stream's length and whether the session still exists come
-- with them in one round trip.
--
-- KEYS: 1 the session's outbox stream, 2 the session hash
-- ARGV: 1 consumer group, 2 consumer, 3 count, 4 claim entries idle this long (ms; 0: no claim)
-- Returns {length, session exists (0 or 1), id, message, id, message, ...}; the message is '' for
-- an entry deleted meanwhile.

local out = {redis.call('XLEN', KEYS[1]), redis.call('EXISTS', KEYS[2])}
if out[1] == 0 then
  return out
end
-- The intake creates the group with the stream; this only mends a stream made some other way.
redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0')
if tonumber(ARGV[4]) > 0 then
  redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[4], '0-0', 'COUNT', ARGV[3], 'JUSTID')
end

local function read(from)
  local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3],
    'STREAMS', KEYS[1], from)
  if not reply then
    return {}
  end
  return reply[1][2]
end

local entries = read('0')
if #entries == 0 then
  entries = read('>')
end
for _, entry in ipairs(entries) do
  local message = ''
  local fields = entry[2]
  if fields then
    for i = 1, #fields, 2 do
      if fields[i] == 'm' then
        message = fields[i + 1]
      end
    end
  end
  out[#out + 1] = entry[1]
  out[#out + 1] = message
end
return out
