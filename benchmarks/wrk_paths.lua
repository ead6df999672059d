-- wrk script: walk the paths listed one per line in $WRK_PATHS (so a run touches many articles,
-- not one hot row), and print the figures as one JSON line the benchmark reads.
--
-- Each thread walks its own share of the list (path k goes to thread k mod threads), shuffled
-- with its own seed taken from the clock: no two threads ask for the same path back to back,
-- and two runs over one list (a warm-up, then the measured run) start at different places.
-- With as many paths as requests, no path is asked twice.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end

-- setup runs in wrk's main Lua state, once a thread; `id` and `thread_count` become globals of
-- each thread's own state, read by init.
local created = 0
function setup(thread)
  thread:set("id", created)
  thread:set("thread_count", tonumber(os.getenv("WRK_THREADS") or "2"))
  created = created + 1
end

local mine, i = {}, 0
function init(args)
  for k, path in ipairs(paths) do
    if (k - 1) % thread_count == id then mine[#mine + 1] = path end
  end
  if #mine == 0 then mine = paths end  -- fewer paths than threads (/healthz)
  math.randomseed(os.time() * 1000 + id * 7919 + tonumber(os.getenv("WRK_RUN") or "0"))
  for k = #mine, 2, -1 do  -- Fisher-Yates
    local j = math.random(k)
    mine[k], mine[j] = mine[j], mine[k]
  end
end

request = function()
  i = i % #mine + 1
  return wrk.format("GET", mine[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect, e.read, e.timeout))
end
