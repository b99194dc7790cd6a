-- acquire-lease.lua: takes a checkpoint's run lease for a new run of its query.
--
-- KEYS[1]  lease  hash: `CheckpointKeys.runLease` (token, runId, since)
--
-- ARGV[1]  the run id
-- ARGV[2]  now (epoch milliseconds)
--
-- Returns the new token: one more than any before, so every later write can be fenced by it.

local token = redis.call('HINCRBY', KEYS[1], 'token', 1)
redis.call('HSET', KEYS[1], 'runId', ARGV[1], 'since', ARGV[2])
return token
