import { createHash } from 'node:crypto'

/**
 * Every limit decision of one call, atomic in Redis: the settles written behind since the last
 * call, then at most one acquire, in one EVALSHA. The buckets are the same token buckets (GCRA) as
 * core's in-memory store, on Redis's clock so instances' clocks do not matter.
 *
 * KEYS: per op a pair, the deployment's state hash and its leases sorted set.
 * ARGV[1]: the ops as JSON. An acquire with `z` set (the first
 * after an outage) starts a deployment with no state from empty buckets.
 * Returns { granted (1|0), limit code, wait ms (-1 = never) or, when granted, the delay ms before
 * the reserved start } for the acquire, else { 1, 0, 0 }.
 * State hash fields: rt / tt (request / token bucket arrival time), cd (cooldown until),
 * fc / fe (failure count / end of its window). Every key gets a TTL past its last meaningful time.
 */
export const limitScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local ops = cjson.decode(ARGV[1])
-- The bucket margin, as core's burstBudgetMs: 2% of the window, at least 250 ms, at most 20%.
local function budgetOf(window) return window - math.min(window * 0.2, math.max(window * 0.02, 250)) end
local result = { 1, 0, 0 }

local function num(v) if v == false or v == nil then return 0 end return tonumber(v) or 0 end
local function fmt(v) return string.format('%.3f', v) end

-- Returns the new arrival time, the wait when refused (-1: never) and the delay when reserved.
local function take(tat, cost, limit, window, maxDelay)
  local interval = window / limit
  if cost * interval > window then return tat, -1, 0 end
  local budget = math.max(budgetOf(window), cost * interval)
  local nxt = math.max(tat, now) + cost * interval
  local over = nxt - now - budget
  if over <= 0 then return nxt, 0, 0 end
  if over <= maxDelay then return nxt, 0, over end
  return tat, over, 0
end

local function tighten(tat, remaining, limit, window)
  local interval = window / limit
  local floor = now + budgetOf(window) - remaining * interval
  return math.max(tat, floor)
end

local function expire(state, leases, rt, tt, cd, fe, window)
  local last = math.max(rt, tt, cd, fe, now)
  redis.call('PEXPIRE', state, math.ceil(last - now + window))
  local newest = redis.call('ZRANGE', leases, -1, -1, 'WITHSCORES')
  if newest[2] then redis.call('PEXPIRE', leases, math.ceil(tonumber(newest[2]) - now + 1000)) end
end

for _, op in ipairs(ops) do
  local state = KEYS[op.k * 2 - 1]
  local leases = KEYS[op.k * 2]
  local window = op.w
  local h = redis.call('HMGET', state, 'rt', 'tt', 'cd', 'fc', 'fe')
  local rt, tt, cd, fc, fe = num(h[1]), num(h[2]), num(h[3]), num(h[4]), num(h[5])
  if op.z and not h[1] then
    -- The first decision after an outage found no state: start with spent buckets, not full ones,
    -- spent until the calls this instance booked locally have started (op.z ms from now).
    rt = now + op.z + budgetOf(window)
    tt = rt
  end
  if op.o == 'a' then
    local limit, wait = 0, 0
    if cd > now then
      limit, wait = 4, cd - now
    end
    if limit == 0 and op.c then
      redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
      if redis.call('ZCARD', leases) >= op.c then
        local soonest = redis.call('ZRANGE', leases, 0, 0, 'WITHSCORES')
        limit, wait = 3, tonumber(soonest[2]) - now
      end
    end
    local nrt, ntt, delay, d = rt, tt, 0, 0
    local maxDelay = op.md or 0
    if limit == 0 and op.r then
      nrt, wait, delay = take(rt, 1, op.r, window, maxDelay)
      if wait ~= 0 then limit = 1 end
    end
    if limit == 0 and op.t then
      ntt, wait, d = take(tt, op.n, op.t, window, maxDelay)
      if wait ~= 0 then limit = 2 end
      delay = math.max(delay, d)
    end
    if limit == 0 then
      rt, tt = nrt, ntt
      redis.call('HSET', state, 'rt', fmt(rt), 'tt', fmt(tt))
      if op.c then redis.call('ZADD', leases, now + delay + op.e, op.l) end
      expire(state, leases, rt, tt, cd, fe, window)
      result = { 1, 0, math.ceil(delay) }
    else
      if wait < 0 then result = { 0, limit, -1 } else result = { 0, limit, math.max(1, math.ceil(wait)) } end
    end
  else
    redis.call('ZREM', leases, op.l)
    if op.t and op.d ~= 0 then tt = tt + op.d * window / op.t end
    if op.r and op.rr then rt = tighten(rt, op.rr, op.r, window) end
    if op.t and op.rk then tt = tighten(tt, op.rk, op.t, window) end
    if op.x == 'success' then
      fc = 0
    elseif op.x == 'rate-limited' then
      cd = math.max(cd, now + op.cd)
    elseif op.x == 'failed' then
      if now > fe then fc = 0; fe = now + op.pw end
      fc = fc + 1
      if fc >= op.pf then cd = math.max(cd, now + op.pc); fc = 0 end
    end
    redis.call('HSET', state, 'rt', fmt(rt), 'tt', fmt(tt), 'cd', fmt(cd), 'fc', fc, 'fe', fmt(fe))
    expire(state, leases, rt, tt, cd, fe, window)
  end
end
return result
`

export const limitScriptSha = createHash('sha1').update(limitScript).digest('hex')

/** The limit codes the script returns, by position. */
export const limitCodes = ['requests', 'tokens', 'concurrency', 'cooldown'] as const
