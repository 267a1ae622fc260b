-- Removes a session's hot-window messages up to a seq (RecentHistory.clear, docs/redis.md).
-- KEYS[1]: P:history:{CODE}, newest first, so seqs fall along the list. ARGV[1]: the seq cleared
-- through. Trimming keeps the key's expiry; a window left empty is deleted.
local through = tonumber(ARGV[1])
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
for i, entry in ipairs(entries) do
  if tonumber(cjson.decode(entry).seq) <= through then
    if i == 1 then
      redis.call('DEL', KEYS[1])
    else
      redis.call('LTRIM', KEYS[1], 0, i - 2)
    end
    return i - 1
  end
end
return #entries
