"""Lua scripts: each changes the stream and its auxiliary keys in one atomic step.

Stream entries carry two fields, ``eid`` (the execution id) and ``job`` (the job's JSON).
The ``attempts`` hash holds the attempt each entry is on; a receipt names the entry and the
attempt it was handed out on, so a receipt that a reclaim has superseded changes nothing.
"""

from __future__ import annotations

# KEYS: stream, pending, attempts. ARGV: execution id, job JSON, attempt.
# Returns 1 when added, 0 when the execution already has a pending job.
ENQUEUE = """
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return 0
end
local id = redis.call('XADD', KEYS[1], '*', 'eid', ARGV[1], 'job', ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], id)
redis.call('HSET', KEYS[3], id, ARGV[3])
return 1
"""

# Shared by the scripts below: remove one entry and its state for good; add a job again as a
# new entry on a given attempt; push a dead letter, keeping only the newest ``most`` of them.
_FORGET = """
local function forget(stream, pending, attempts, group, id, eid)
  redis.call('XACK', stream, group, id)
  redis.call('XDEL', stream, id)
  redis.call('HDEL', attempts, id)
  if eid and redis.call('HGET', pending, eid) == id then
    redis.call('HDEL', pending, eid)
  end
end
local function add_again(stream, pending, attempts, eid, job, attempt)
  local id = redis.call('XADD', stream, '*', 'eid', eid, 'job', job)
  redis.call('HSET', pending, eid, id)
  redis.call('HSET', attempts, id, attempt)
end
local function bury(dead, envelope, most)
  redis.call('RPUSH', dead, envelope)
  redis.call('LTRIM', dead, -tonumber(most), -1)
end
"""

# KEYS: stream, pending, attempts, dead. ARGV: group, consumer, min idle ms, max attempts,
# most entries to look at, most dead letters kept. Claims the oldest entry idle longer than the visibility timeout:
# returns {id, execution id, job JSON, attempt} with the attempt raised by one, or moves the
# entry to the dead letters when it was on its last attempt and looks further. Returns false
# when no entry is due.
RECLAIM = (
    _FORGET
    + """
local max_attempts = tonumber(ARGV[4])
for _ = 1, tonumber(ARGV[5]) do
  local reply = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', 1)
  local entry = reply[2][1]
  if not entry then
    return false
  end
  local id, fields = entry[1], entry[2]
  local eid, job = nil, nil
  if fields then
    for i = 1, #fields, 2 do
      if fields[i] == 'eid' then eid = fields[i + 1] end
      if fields[i] == 'job' then job = fields[i + 1] end
    end
  end
  if not job then
    forget(KEYS[1], KEYS[2], KEYS[3], ARGV[1], id, eid)  -- deleted under us, or not ours
  else
    local previous = tonumber(redis.call('HGET', KEYS[3], id) or '1')
    if previous >= max_attempts then
      forget(KEYS[1], KEYS[2], KEYS[3], ARGV[1], id, eid)
      bury(KEYS[4], '{"attempt":' .. previous
        .. ',"error":"visibility timeout passed on its last attempt","job":' .. job .. '}',
        ARGV[6])
    else
      redis.call('HSET', KEYS[3], id, previous + 1)
      return {id, eid or '', job, previous + 1}
    end
  end
end
return false
"""
)

# KEYS: stream, pending, attempts. ARGV: group, entry id, attempt, execution id.
# Returns 1 when the entry was removed, 0 when the receipt is stale (acked, or reclaimed).
ACK = (
    _FORGET
    + """
if redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[3] then
  return 0
end
forget(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[4])
return 1
"""
)

# KEYS: stream, pending, attempts, dead. ARGV: group, entry id, attempt, execution id,
# max attempts, the job's JSON at the next attempt, the dead-letter envelope, most dead letters
# kept. Returns 1 when re-added with the next attempt, 0 when dead-lettered, -1 for a stale
# receipt.
RETRY = (
    _FORGET
    + """
if redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[3] then
  return -1
end
forget(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[4])
local attempt = tonumber(ARGV[3])
if attempt >= tonumber(ARGV[5]) then
  bury(KEYS[4], ARGV[7], ARGV[8])
  return 0
end
add_again(KEYS[1], KEYS[2], KEYS[3], ARGV[4], ARGV[6], attempt + 1)
return 1
"""
)

# KEYS: stream, pending, attempts. ARGV: group, entry id, attempt, execution id, the job's
# JSON at the same attempt. Re-adds the job as a new entry on the attempt it was on, so it is
# read as new at once and no reclaim raises its attempt. Returns 1 when released, 0 for a
# stale receipt (acked, retried, released, or reclaimed).
RELEASE = (
    _FORGET
    + """
if redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[3] then
  return 0
end
forget(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[4])
add_again(KEYS[1], KEYS[2], KEYS[3], ARGV[4], ARGV[5], ARGV[3])
return 1
"""
)

# KEYS: stream, attempts. ARGV: group, entry id, attempt, consumer, visibility timeout ms.
# Resets the entry's idle time when the receipt is current, the entry is still with this
# consumer and its visibility timeout has not passed yet. Returns 1 when extended, else 0.
EXTEND = """
if redis.call('HGET', KEYS[2], ARGV[2]) ~= ARGV[3] then
  return 0
end
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)[1]
if not pending or pending[2] ~= ARGV[4] or pending[3] >= tonumber(ARGV[5]) then
  return 0
end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[4], 0, ARGV[2], 'JUSTID')
return 1
"""

# KEYS: stream. ARGV: group, min idle ms, the caller's own consumer (never deleted).
# Deletes the consumers of the group that have no pending entry and have been idle longer
# than the given time (those of processes gone for good: each process has a fresh name).
# Looked at and deleted in one atomic step, so a consumer that took an entry meanwhile, whose
# entry would be lost with it, is never deleted. Returns the names deleted.
DELETE_IDLE_CONSUMERS = """
local consumers = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
local deleted = {}
if type(consumers) ~= 'table' or consumers.err then
  return deleted  -- no stream or no group (yet): nothing to clean
end
for _, consumer in ipairs(consumers) do
  local info = {}
  for i = 1, #consumer, 2 do
    info[consumer[i]] = consumer[i + 1]
  end
  if info['name'] ~= ARGV[3] and tonumber(info['pending']) == 0
      and tonumber(info['idle']) > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
    deleted[#deleted + 1] = info['name']
  end
end
return deleted
"""
