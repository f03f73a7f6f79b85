-- wrk script for `ardoise-dev bench web`: each thread is one signed-in session
-- (its cookie from the SESSIONS env var, one per line), alternating between
-- the paths of PATHS (comma-separated). Prints p50/p95/p99 and errors last.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local cookies = {}
  for line in string.gmatch(os.getenv("SESSIONS") or "", "[^\n]+") do table.insert(cookies, line) end
  cookie = cookies[((id - 1) % math.max(#cookies, 1)) + 1] or ""
  paths = {}
  for p in string.gmatch(os.getenv("PATHS") or "/", "[^,]+") do table.insert(paths, p) end
  n = 0
  non2xx = 0
end

function request()
  n = n + 1
  local path = paths[(n % #paths) + 1]
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status < 200 or status >= 300 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  io.write(string.format("requests: %d in %.2f s, %.1f/s\n", summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50: %.2f ms p95: %.2f ms p99: %.2f ms max: %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: connect %d read %d write %d timeout %d status %d non-2xx %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status, bad))
end
