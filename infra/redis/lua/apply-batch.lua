-- apply-batch.lua: persists batch N's changes to one state partition, as one atomic step.
--
-- The worker merges against its copy of the partition and sends the result; this script checks
-- that the write is allowed and that the copy was current, then writes. No row value is decoded
-- here: rows travel packed in one JSON array argument (one argument, not two per row, keeps the
-- client's encoding cheap), so a batch costs Redis little more than the HSET of what it changed.
--
-- KEYS[1]  rows    hash: grouping key -> row value (JSON text [eventTimeUs|null, buffer1, ...]); for state
--                  kept by pane the (pane, keys) rows (`StateKeys.panes`), from which the worker makes the windows
-- KEYS[2]  meta    hash: lastBatch, epoch (fencing), run (the newest query run's fencing token),
--                  version (of the rows), bytes (size estimate)
-- KEYS[3]  output  string: the recorded output of the last applied batch:
--          ARGV[7] .. <recorded rows, a JSON array of strings> .. ']'
--
-- ARGV[1]  batch id (decimal integer)
-- ARGV[2]  epoch of the caller (decimal integer)
-- ARGV[3]  version the caller merged against ('' = a partition never written)
-- ARGV[4]  version to record (new and unique per write)
-- ARGV[5]  emit: updated | all | evicted
-- ARGV[6]  bytes: the size estimate after this batch (decimal integer)
-- ARGV[7]  head of the output to record: '[batchId,numRowsTotal,numRowsUpdated,numRowsRemoved,
--          numRowsDroppedByWatermark,memoryUsedBytes,'
-- ARGV[8]  upserts: JSON array of strings [key1, value1, key2, value2, ...]
-- ARGV[9]  keys to delete (evicted): JSON array of strings
-- ARGV[10] the rows to record (JSON array of strings [key1, value1, ...]), or '=' when they are
--          exactly ARGV[8]; for emit 'all' it is '[]', since a replay reads the (unchanged) rows
-- ARGV[11] the caller's run token (decimal integer; '' = not fenced by run)
--
-- Returns a flat array:
--   {'APPLIED'}                   written now
--   {'REPLAYED', output, rows}    batch N was applied already: its recorded output and, for emit
--                                 'all', every row (key, value, ...; else empty); nothing changed
--   {'FENCED_RUN', run}           a newer run of the query (run token in meta) holds the partition
--   {'FENCED', epoch}             a newer owner (epoch in meta) holds the partition
--   {'STALE', lastBatch}          a later batch was applied already
--   {'CONFLICT', version}         the rows are not the version the caller merged against
-- Only the run and the epoch are written before every check has passed, so a refused call leaves the rows as
-- they were.

local CHUNK = 1000

-- `cmd key list[1..#list]`, CHUNK elements at a time (unpack has a stack limit).
local function chunked(cmd, key, list)
  for c = 1, #list, CHUNK do
    redis.call(cmd, key, unpack(list, c, math.min(c + CHUNK - 1, #list)))
  end
end

if #ARGV ~= 11 then return redis.error_reply('ERR kindling state: expected 11 arguments, got ' .. #ARGV) end

-- (a) fencing by run, then by owner, (b) batch-id guard, (c) the caller merged against the stored version.
local meta = redis.call('HMGET', KEYS[2], 'epoch', 'lastBatch', 'version', 'run')
if ARGV[11] ~= '' then
  local storedRun = tonumber(meta[4])
  local run = tonumber(ARGV[11])
  if storedRun and storedRun > run then return { 'FENCED_RUN', meta[4] } end
  if not storedRun or storedRun < run then redis.call('HSET', KEYS[2], 'run', ARGV[11]) end
end
local epoch = tonumber(ARGV[2])
local storedEpoch = tonumber(meta[1])
if storedEpoch and storedEpoch > epoch then return { 'FENCED', meta[1] } end
if not storedEpoch or storedEpoch < epoch then redis.call('HSET', KEYS[2], 'epoch', ARGV[2]) end
local batch = tonumber(ARGV[1])
local last = tonumber(meta[2])
if last and last == batch then
  local recorded = redis.call('GET', KEYS[3])
  if not recorded then return redis.error_reply('ERR kindling state: batch ' .. ARGV[1] .. ' is recorded without its output') end
  if ARGV[5] == 'all' then return { 'REPLAYED', recorded, redis.call('HGETALL', KEYS[1]) } end
  return { 'REPLAYED', recorded, {} }
end
if last and last > batch then return { 'STALE', meta[2] } end
local version = meta[3] or ''
if version ~= ARGV[3] then return { 'CONFLICT', version } end

local upserts = cjson.decode(ARGV[8])
if #upserts % 2 ~= 0 then return redis.error_reply('ERR kindling state: upserts must be key/value pairs') end
-- CHUNK is even, so key/value pairs never straddle two HSETs.
if #upserts > 0 then chunked('HSET', KEYS[1], upserts) end
local removed = cjson.decode(ARGV[9])
if #removed > 0 then chunked('HDEL', KEYS[1], removed) end
local rows = ARGV[10]
if rows == '=' then rows = ARGV[8] end
redis.call('SET', KEYS[3], ARGV[7] .. rows .. ']')
redis.call('HSET', KEYS[2], 'lastBatch', ARGV[1], 'version', ARGV[4], 'bytes', ARGV[6])
-- The decoded lists hold a Lua string per key and value: a big batch's worth of garbage that Lua's
-- incremental collector would keep for several more scripts (other partitions' applies pile theirs
-- on top). Collected now, Redis's memory peaks at one apply's lists instead.
upserts, removed, rows = nil, nil, nil
collectgarbage('collect')
return { 'APPLIED' }
