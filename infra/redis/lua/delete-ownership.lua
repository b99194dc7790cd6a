-- delete-ownership.lua: deletes a query's partition ownership when its run ends, unless a newer
-- run recorded it (an older run that was fenced off must not undo the newer one's).
--
-- KEYS[1]  owners  string: `OwnershipKeys.owners`, JSON {owners, epochs, run}
--
-- ARGV[1]  the ending run's token (decimal integer)
--
-- Returns 1 (deleted) or 0 (absent, or a newer run's).

local text = redis.call('GET', KEYS[1])
if not text then return 0 end
local ok, o = pcall(cjson.decode, text)
if ok and type(o) == 'table' and type(o.run) == 'number' and o.run > tonumber(ARGV[1]) then return 0 end
return redis.call('DEL', KEYS[1])
