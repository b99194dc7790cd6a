-- trim-line-log.lua: drops the socket source's write-ahead log chunks that end at or before a line
-- index, and records in the base key where the first kept chunk starts. One script, so a crash
-- leaves the lists and the base consistent (the kept chunks keep their line indexes).
--
-- KEYS[1]  log    list: chunks of lines joined by newlines (`CheckpointKeys.sourceLog`)
-- KEYS[2]  ends   list: the running line total after each chunk (`CheckpointKeys.sourceLogEnds`)
-- KEYS[3]  base   string: lines dropped before the first chunk of `log` (`CheckpointKeys.sourceLogBase`)
-- KEYS[4]  lease  hash: `CheckpointKeys.runLease` (field token)
--
-- ARGV[1]  lines below this index may go (decimal integer)
-- ARGV[2]  the writer's run token (decimal integer; '' = not fenced)
--
-- Returns the base after trimming (the index of the first line still held), or 'FENCED' when a
-- newer run holds the lease. The last chunk always stays, so the ends list keeps the log's length.

if ARGV[2] ~= '' and redis.call('HGET', KEYS[4], 'token') ~= ARGV[2] then return 'FENCED' end
local before = tonumber(ARGV[1])
local count = redis.call('LLEN', KEYS[2])
local drop = 0
local base = nil
while drop < count - 1 do
  local e = tonumber(redis.call('LINDEX', KEYS[2], drop))
  if e > before then break end
  base = e
  drop = drop + 1
end
if drop == 0 then
  local b = redis.call('GET', KEYS[3])
  return b and tonumber(b) or 0
end
redis.call('LTRIM', KEYS[1], drop, -1)
redis.call('LTRIM', KEYS[2], drop, -1)
redis.call('SET', KEYS[3], base)
return base
