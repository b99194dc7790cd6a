-- apply-batch-3.lua: persists batch N's changes to one state partition, as one atomic step.
--
-- The worker merges against its copy of the partition and sends the result; this script checks
-- that the write is allowed and that the copy was current, then writes. No row is decoded here,
-- so a batch costs Redis little more than the HSET of the keys it changed.
--
-- KEYS[1]  rows    hash: grouping key -> row value (JSON text [eventTimeUs|null, buffer1, ...])
-- KEYS[2]  meta    hash: lastBatch, epoch (fencing), version (of the rows), bytes (size estimate)
-- KEYS[3]  output  string: the recorded output of the last applied batch (see ARGV[8])
--
-- ARGV[1]  batch id (decimal integer)
-- ARGV[2]  epoch of the caller (decimal integer)
-- ARGV[3]  version the caller merged against ('' = a partition never written)
-- ARGV[4]  version to record (new and unique per write)
-- ARGV[5]  emit: updated | all | evicted
-- ARGV[6]  bytes: the size estimate after this batch (decimal integer)
-- ARGV[7]  U: number of upserted keys
-- ARGV[8]  the output to record: JSON [batchId, numRowsTotal, numRowsUpdated, numRowsRemoved,
--          numRowsDroppedByWatermark, memoryUsedBytes, [key1, rowValue1, ...]]; for emit 'all'
--          the row list is empty, since a replay reads the (unchanged) rows instead
-- ARGV[9 .. 8+2U]      upserts: grouping key, row value
-- ARGV[9+2U .. #ARGV]  keys to delete (evicted)
--
-- Returns a flat array:
--   {'APPLIED'}                   written now
--   {'REPLAYED', output, rows}    batch N was applied already: its recorded output and, for emit
--                                 'all', every row (key, value, ...; else empty); nothing changed
--   {'FENCED', epoch}             a newer owner (epoch in meta) holds the partition
--   {'STALE', lastBatch}          a later batch was applied already
--   {'CONFLICT', version}         the rows are not the version the caller merged against
-- Only the epoch is written before every check has passed, so a refused call leaves the rows as
-- they were.

local CHUNK = 1000

-- `cmd key ARGV[from..to]`, CHUNK arguments at a time (unpack has a stack limit).
local function chunked(cmd, key, from, to)
  for c = from, to, CHUNK do
    redis.call(cmd, key, unpack(ARGV, c, math.min(c + CHUNK - 1, to)))
  end
end

local upserts = tonumber(ARGV[7])
if not upserts or 8 + 2 * upserts > #ARGV then return redis.error_reply('ERR kindling state: bad upsert count') end

-- (a) fencing, (b) batch-id guard, (c) the caller merged against the stored version.
local meta = redis.call('HMGET', KEYS[2], 'epoch', 'lastBatch', 'version')
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

-- CHUNK is even, so key/value pairs never straddle two HSETs.
if upserts > 0 then chunked('HSET', KEYS[1], 9, 8 + 2 * upserts) end
if #ARGV > 8 + 2 * upserts then chunked('HDEL', KEYS[1], 9 + 2 * upserts, #ARGV) end
redis.call('SET', KEYS[3], ARGV[8])
redis.call('HSET', KEYS[2], 'lastBatch', ARGV[1], 'version', ARGV[4], 'bytes', ARGV[6])
return { 'APPLIED' }
