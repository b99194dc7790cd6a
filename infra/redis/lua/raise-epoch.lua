-- raise-epoch.lua: fences one state partition for a new ownership, before any task of it runs.
--
-- Raises field `run` to the caller's run (refusing when a newer run holds the partition), then
-- raises field `epoch`, never lowering it. A partition that changes hands gets an epoch strictly
-- newer than any already fenced (after a restart the scheduler may propose epochs from 1 again).
--
-- KEYS[1]  meta  hash: the partition's state meta (`StateKeys.meta`), fields epoch and run
--
-- ARGV[1]  proposed epoch (decimal integer)
-- ARGV[2]  '1' when the partition changes hands, else '0'
-- ARGV[3]  the caller's run token (decimal integer; '' = not fenced by run)
--
-- Returns the epoch in force, or -1 - run when the newer run `run` holds the partition.

if ARGV[3] ~= '' then
  local run = tonumber(redis.call('HGET', KEYS[1], 'run') or '-1')
  local mine = tonumber(ARGV[3])
  if run > mine then return -1 - run end
  if run < mine then redis.call('HSET', KEYS[1], 'run', ARGV[3]) end
end
local raw = redis.call('HGET', KEYS[1], 'epoch')
local cur = -1
if raw then cur = tonumber(raw) or -1 end
local want = tonumber(ARGV[1])
if ARGV[2] == '1' and want <= cur then want = cur + 1 end
if want > cur then
  redis.call('HSET', KEYS[1], 'epoch', want)
  return want
end
return cur
