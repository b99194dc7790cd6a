-- apply-batch-4.lua: batch N of partial aggregates into one state partition, as one atomic step.
--
-- KEYS[1]  rows    hash: grouping key -> row value, the JSON text [eventTimeUs|null, buffer1, ...]
-- KEYS[2]  times   sorted set: grouping key scored by its event time in µs (null event times are absent)
-- KEYS[3]  meta    hash: lastBatch (last applied batch id), epoch (fencing), bytes (size estimate)
-- KEYS[4]  output  string: the payload (see Returns) of the last applied batch
--
-- ARGV[1]  batch id (decimal integer)
-- ARGV[2]  epoch of the caller (decimal integer)
-- ARGV[3]  merge op of each buffer slot, comma-separated: sum | min | max ('' = no slots)
-- ARGV[4]  lateBeforeUs: incoming rows with event time <= this are dropped ('' = no late filter)
-- ARGV[5]  evictBeforeUs: state rows with event time <= this are evicted ('' = no eviction)
-- ARGV[6]  emit: updated | all | evicted
-- ARGV[7+3i], ARGV[8+3i], ARGV[9+3i]  one incoming row: grouping key, event time ('' = null), row value
--
-- Returns a flat array {status, detail}:
--   {'APPLIED', payload}   the batch was applied now
--   {'REPLAYED', payload}  the batch had been applied: its recorded payload, nothing changed
--   {'FENCED', epoch}      a newer owner (epoch in meta) holds the partition: nothing changed
--   {'STALE', lastBatch}   a later batch was applied already: nothing changed
-- payload = JSON [batchId, numRowsTotal, numRowsUpdated, numRowsRemoved, numRowsDroppedByWatermark,
--                 memoryUsedBytes, [key1, rowValue1, key2, rowValue2, ...]]  (the emitted rows)
-- Grouping keys are JSON texts (encodeKey) and go into the payload as they are, so building it is
-- one table.concat over key/value pairs: no per-row string is made here.
--
-- Numbers: every number handed to redis.call is an ARGV string or formatted here with %.17g / %d,
-- because Lua's own number-to-string conversion (and cjson.encode) keeps only 14 significant
-- digits. Non-finite doubles are JSON objects {"n":"Infinity" | "-Infinity" | "NaN"}.
-- All reads and merges happen before the first state write (the epoch aside), so a failing script
-- leaves the partition as it was: Redis does not roll back a script's writes.

local NULL = cjson.null
local CHUNK = 500
-- Estimated bytes Redis spends per row beyond its key (held twice) and value.
local ROW_OVERHEAD = 96

local SPECIAL = { Infinity = math.huge, ['-Infinity'] = -math.huge, NaN = 0 / 0 }

-- JavaScript compares strings by UTF-16 code unit; UTF-8 bytes order by code point. The two
-- differ only between U+E000..U+FFFF (lead byte EE/EF) and U+10000.. (lead F0..F4, a surrogate
-- pair in UTF-16, so smaller there).
local function str_less(a, b)
  if a == b then return false end
  local la, lb = #a, #b
  local n = la < lb and la or lb
  local i = 1
  local ca, cb = string.byte(a, 1), string.byte(b, 1)
  while i <= n and ca == cb do
    i = i + 1
    ca, cb = string.byte(a, i), string.byte(b, i)
  end
  if i > n then return la < lb end
  if ca >= 0xF0 and (cb == 0xEE or cb == 0xEF) then return true end
  if cb >= 0xF0 and (ca == 0xEE or ca == 0xEF) then return false end
  return ca < cb
end

-- `a < b` as JavaScript's `<` for the types a buffer slot holds (one type per slot).
local function less(a, b)
  local ta, tb = type(a), type(b)
  if ta == 'number' and tb == 'number' then return a < b end
  if ta == 'string' and tb == 'string' then return str_less(a, b) end
  if ta == 'boolean' and tb == 'boolean' then return (not a) and b end
  return false
end

local function merge(op, a, b)
  if a == nil or a == NULL then
    if b == nil then return NULL end
    return b
  end
  if b == nil or b == NULL then return a end
  if op == 'sum' then return a + b end
  if op == 'min' then
    if less(b, a) then return b end
    return a
  end
  if less(a, b) then return b end
  return a
end

local function decode(text)
  local t = cjson.decode(text)
  for i = 2, #t do
    local v = t[i]
    if type(v) == 'table' then t[i] = SPECIAL[v.n] end
  end
  return t
end

local function encode(v)
  local t = type(v)
  if t == 'number' then
    if v ~= v then return '{"n":"NaN"}' end
    if v == math.huge then return '{"n":"Infinity"}' end
    if v == -math.huge then return '{"n":"-Infinity"}' end
    return string.format('%.17g', v)
  end
  if v == nil or v == NULL then return 'null' end
  if t == 'boolean' then return v and 'true' or 'false' end
  return cjson.encode(v)
end

-- Runs `cmd key <items...>` over a flat list, CHUNK items at a time (unpack has a stack limit).
local function chunked(cmd, key, items, step, collect)
  local out = collect and {} or nil
  for c = 1, #items, CHUNK * step do
    local last = math.min(c + CHUNK * step - 1, #items)
    local r = redis.call(cmd, key, unpack(items, c, last))
    if out then
      for j = 1, #r do out[#out + 1] = r[j] end
    end
  end
  return out
end

-- Validate before writing anything.
local ops = {}
for op in string.gmatch(ARGV[3], '[^,]+') do
  if op ~= 'sum' and op ~= 'min' and op ~= 'max' then
    return redis.error_reply('ERR kindling state: merge op ' .. op .. ' cannot run in Redis')
  end
  ops[#ops + 1] = op
end
if (#ARGV - 6) % 3 ~= 0 then return redis.error_reply('ERR kindling state: rows must come as key, time, value') end
local emit = ARGV[6]
if emit ~= 'updated' and emit ~= 'all' and emit ~= 'evicted' then
  return redis.error_reply('ERR kindling state: unknown emit ' .. emit)
end

-- (a) fencing, (b) batch-id guard.
local meta = redis.call('HMGET', KEYS[3], 'epoch', 'lastBatch', 'bytes')
local epoch = tonumber(ARGV[2])
local storedEpoch = tonumber(meta[1])
if storedEpoch and storedEpoch > epoch then return { 'FENCED', meta[1] } end
if not storedEpoch or storedEpoch < epoch then redis.call('HSET', KEYS[3], 'epoch', ARGV[2]) end
local batch = tonumber(ARGV[1])
local last = tonumber(meta[2])
if last and last == batch then
  local recorded = redis.call('GET', KEYS[4])
  if not recorded then return redis.error_reply('ERR kindling state: batch ' .. ARGV[1] .. ' is recorded without its output') end
  return { 'REPLAYED', recorded }
end
if last and last > batch then return { 'STALE', meta[2] } end

-- (c) late filter, then read every incoming key's current value at once.
local late = ARGV[4] ~= '' and tonumber(ARGV[4]) or nil
local dropped = 0
local keys, times, values = {}, {}, {}
local unique, seen = {}, {}
for i = 7, #ARGV, 3 do
  local et = ARGV[i + 1]
  if late and et ~= '' and tonumber(et) <= late then
    dropped = dropped + 1
  else
    local key = ARGV[i]
    keys[#keys + 1], times[#times + 1], values[#values + 1] = key, et, ARGV[i + 2]
    if not seen[key] then
      seen[key] = true
      unique[#unique + 1] = key
    end
  end
end
local before = {}
local current = chunked('HMGET', KEYS[1], unique, 1, true) or {}
for j = 1, #unique do before[unique[j]] = current[j] end

-- Merge (still no writes): `final` holds each updated key's new value.
local final, oldTime = {}, {}
for i = 1, #keys do
  local key, et, incoming = keys[i], times[i], values[i]
  local prev = final[key] or before[key]
  if prev then
    local p, r = decode(prev), decode(incoming)
    if oldTime[key] == nil and before[key] then oldTime[key] = p[1] end
    local parts = { et == '' and 'null' or et }
    for s = 1, #ops do parts[s + 1] = encode(merge(ops[s], p[s + 1], r[s + 1])) end
    final[key] = '[' .. table.concat(parts, ',') .. ']'
  else
    final[key] = incoming
  end
end

-- Write merged rows and their event times.
local bytes = tonumber(meta[3]) or 0
local pairsToSet, scores, unscored, written = {}, {}, {}, {}
for i = #keys, 1, -1 do
  local key = keys[i]
  -- the last occurrence of a key carries its final event time
  if not written[key] then
    written[key] = true
    local value, old = final[key], before[key]
    pairsToSet[#pairsToSet + 1] = key
    pairsToSet[#pairsToSet + 1] = value
    if old then bytes = bytes + #value - #old else bytes = bytes + #value + 2 * #key + ROW_OVERHEAD end
    local et = times[i]
    local oldEt = oldTime[key] or NULL
    if et ~= '' then
      if oldEt == NULL or oldEt ~= tonumber(et) then
        scores[#scores + 1] = et
        scores[#scores + 1] = key
      end
    elseif oldEt ~= NULL then
      unscored[#unscored + 1] = key
    end
  end
end
if #pairsToSet > 0 then chunked('HSET', KEYS[1], pairsToSet, 2, false) end
if #scores > 0 then chunked('ZADD', KEYS[2], scores, 2, false) end
if #unscored > 0 then chunked('ZREM', KEYS[2], unscored, 1, false) end

-- Evict by event time, never scanning all state.
local out = {}
local removed = 0
if ARGV[5] ~= '' then
  local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
  if #gone > 0 then
    local vals = chunked('HMGET', KEYS[1], gone, 1, true)
    for j = 1, #gone do
      local v = vals[j]
      if v then
        bytes = bytes - #v - 2 * #gone[j] - ROW_OVERHEAD
        if emit == 'evicted' then
          out[#out + 1] = gone[j]
          out[#out + 1] = v
        end
      end
    end
    chunked('HDEL', KEYS[1], gone, 1, false)
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
    removed = #gone
  end
end

if emit == 'updated' then
  for j = 1, #unique do
    local key = unique[j]
    out[#out + 1] = key
    out[#out + 1] = final[key]
  end
elseif emit == 'all' then
  out = redis.call('HGETALL', KEYS[1])
end

local total = redis.call('HLEN', KEYS[1])
if bytes < 0 then bytes = 0 end
local payload = '[' .. ARGV[1] .. ',' .. string.format('%d,%d,%d,%d,%d', total, #unique, removed, dropped, bytes)
  .. ',[' .. table.concat(out, ',') .. ']]'
redis.call('SET', KEYS[4], payload)
redis.call('HSET', KEYS[3], 'lastBatch', ARGV[1], 'bytes', string.format('%d', bytes))
return { 'APPLIED', payload }
