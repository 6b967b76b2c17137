-- wrk script: GET random paths from a file (one path a line, optionally followed by a tab and
-- that path's own Cookie header), with an optional cookie for every path.
-- Environment: BENCH_PATHS (file of paths), BENCH_COOKIE and BENCH_KEY (an API key; both may
-- be empty), BENCH_OUT (JSON file).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  paths = {}
  cookies = {}
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    local path, cookie = line:match("^([^\t]+)\t(.+)$")
    table.insert(paths, path or line)
    table.insert(cookies, cookie or false)
  end
  math.randomseed(os.time() + tid * 7919)
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie ~= nil and cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
  local key = os.getenv("BENCH_KEY")
  if key ~= nil and key ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. key
  end
end

function request()
  local i = math.random(#paths)
  if cookies[i] then
    return wrk.format("GET", paths[i], {["Cookie"] = cookies[i]})
  end
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local errors = summary.errors
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
    .. '"timeouts": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write, errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
  out:close()
end
