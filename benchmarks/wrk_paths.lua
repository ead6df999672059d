-- wrk script: walk the paths listed one per line in $WRK_PATHS (so a run touches many articles,
-- not one hot row), and print the figures as one JSON line the benchmark reads.
--
-- Each thread walks its own share of the list (path k goes to thread k mod threads), shuffled
-- with its own seed taken from the clock, the thread's id and $WRK_RUN: no two threads ask for
-- the same path, and two runs over one list (a warm-up, then the measured run) walk it in
-- different orders.
--
-- $WRK_DISTINCT=1: no path is asked twice in the whole run. A thread whose share runs out stops
-- (wrk still waits out -d, so the run's requests/s would be too low: the JSON says how many
-- threads ran out, and the benchmark then gives no rate). Otherwise a thread starts its share
-- again when it is through (a path is asked again only after all of that thread's others).
--
-- $WRK_THREADS must be wrk's -t (a thread learns its id in setup, not the number of threads).
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end

-- setup runs in wrk's main Lua state, once a thread; `id`, `thread_count` and `distinct` become
-- globals of each thread's own state, read by init. done reads each thread's counters back.
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  thread:set("thread_count", tonumber(os.getenv("WRK_THREADS") or "2"))
  thread:set("distinct", os.getenv("WRK_DISTINCT") == "1")
  threads[#threads + 1] = thread
end

-- Per thread: its paths, where it is, and what it asked (globals, so that done can read them).
local mine, i = {}, 0
asked, ran_out, shared = 0, 0, 0

function init(args)
  for k, path in ipairs(paths) do
    if (k - 1) % thread_count == id then mine[#mine + 1] = path end
  end
  if #mine == 0 then  -- fewer paths than threads (/healthz): every thread asks all of them
    mine, shared = {unpack(paths)}, 1
  end
  mine_count = #mine
  math.randomseed(os.time() * 1000 + id * 7919 + tonumber(os.getenv("WRK_RUN") or "0"))
  for k = #mine, 2, -1 do  -- Fisher-Yates
    local j = math.random(k)
    mine[k], mine[j] = mine[j], mine[k]
  end
end

request = function()
  if distinct and i >= #mine then
    -- Every path of this share asked once: stop this thread and send nothing more (an empty
    -- request writes no bytes).
    ran_out = 1
    wrk.thread:stop()
    return ""
  end
  i = i % #mine + 1
  asked = asked + 1
  return wrk.format("GET", mine[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  -- Paths asked: the threads' shares are disjoint unless the list was shorter than the threads.
  local total, distinct_paths, out, share = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    local n, size = thread:get("asked"), thread:get("mine_count")
    total = total + n
    distinct_paths = distinct_paths + math.min(n, size)
    out = out + thread:get("ran_out")
    share = share + thread:get("shared")
  end
  if share > 0 then distinct_paths = math.min(total, #paths) end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "timeouts": %d, ' ..
    '"paths": %d, "asked": %d, "distinct_asked": %d, "threads_ran_out": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect, e.read, e.timeout,
    #paths, total, distinct_paths, out))
end
