-- append-line-log.lua: appends one chunk of lines to the socket source's write-ahead log iff the
-- log still holds the number of lines the writer expects. One script, so a crash leaves the chunk
-- and its index entry both or neither.
--
-- KEYS[1]  log    list: chunks of lines joined by newlines (`CheckpointKeys.sourceLog`)
-- KEYS[2]  ends   list: the running line total after each chunk (`CheckpointKeys.sourceLogEnds`)
-- KEYS[3]  lease  hash: `CheckpointKeys.runLease` (field token)
--
-- ARGV[1]  lines the writer expects the log to hold (decimal integer)
-- ARGV[2]  lines in this chunk (decimal integer)
-- ARGV[3]  the chunk: its lines joined by newlines
-- ARGV[4]  the writer's run token (decimal integer; '' = not fenced)
--
-- Returns the new total, -1 - actual total when it differs, or 'FENCED' when a newer run holds
-- the lease.

if ARGV[4] ~= '' and redis.call('HGET', KEYS[3], 'token') ~= ARGV[4] then return 'FENCED' end
local last = redis.call('LINDEX', KEYS[2], -1)
local n = last and tonumber(last) or 0
if n ~= tonumber(ARGV[1]) then return -1 - n end
local total = n + tonumber(ARGV[2])
redis.call('RPUSH', KEYS[1], ARGV[3])
redis.call('RPUSH', KEYS[2], total)
return total
