-- wrk script for bench/pairing.sh: every connection claims students in turn (round robin over the
-- tokens in $TOKENS, each thread from its own offset), counting 201 (won) and 409 (lost).
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do
  if #line > 0 then tokens[#tokens + 1] = line end
end
local threads = {}
local counter = 1

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  won, lost, other = 0, 0, 0
  counter = offset
end

local body = '{"kind":"person","name":"压测","phone":"13900000000"}'

function request()
  local t = tokens[(counter % #tokens) + 1]
  counter = counter + (tonumber(os.getenv("WRK_THREADS")) or 1)
  return wrk.format("POST", "/api/v1/public/pairing/" .. t .. "/claim",
    { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 201 then won = won + 1
  elseif status == 409 then lost = lost + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local w, l, o = 0, 0, 0
  for _, t in ipairs(threads) do
    w = w + t:get("won"); l = l + t:get("lost"); o = o + t:get("other")
  end
  io.write(string.format("won %d lost %d other %d\n", w, l, o))
  io.write(string.format("claims/s %.1f p99 %.2f ms\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000))
end
