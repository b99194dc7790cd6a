-- fenced-log-entry.lua: writes one offsets/commits entry once, fenced by the run lease.
--
-- KEYS[1]  lease  hash: `CheckpointKeys.runLease` (field token)
-- KEYS[2]  log    hash: batch id -> Spark's v1 text (`CheckpointKeys.offsets` or `.commits`)
--
-- ARGV[1]  the writer's run token (decimal integer)
-- ARGV[2]  batch id (decimal integer)
-- ARGV[3]  the entry's text
--
-- Returns 1 (written), 0 (the entry existed) or -1 (a newer run holds the lease: nothing written).

if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return -1 end
return redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3])
