-- wrk script: file one request per call through the native API (JSON) or Open311 (form).
-- Environment: BENCH_KIND ("api" or "open311"), BENCH_PATH, BENCH_KEY (API key),
-- BENCH_RUN (makes e-mails and idempotency keys unique across runs), BENCH_COMMUNE (INSEE code),
-- BENCH_JURISDICTION (authority slug), BENCH_LAT, BENCH_LON, BENCH_OUT (JSON file).
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local function encode(text)
  return (string.gsub(text, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  kind = os.getenv("BENCH_KIND")
  path = os.getenv("BENCH_PATH")
  key = os.getenv("BENCH_KEY")
  run = os.getenv("BENCH_RUN")
  commune = os.getenv("BENCH_COMMUNE")
  jurisdiction = os.getenv("BENCH_JURISDICTION")
  lat = os.getenv("BENCH_LAT")
  lon = os.getenv("BENCH_LON")
  if kind == "api" then
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. key
  else
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

function request()
  counter = counter + 1
  local email = string.format("api.%s.%d.%d@exemple.fr", run, tid, counter)
  if kind == "api" then
    local body = string.format(
      '{"service": "depot-sauvage", "commune": "%s", "latitude": %s, "longitude": %s, '
      .. '"person": {"email": "%s", "first_name": "Camille", "last_name": "Martin"}, '
      .. '"form_data": {"nature_dechets": ["sacs"], "volume": "petit", '
      .. '"emplacement": {"lat": %s, "lon": %s}, "description": "Sacs au pied de l\'arbre."}}',
      commune, lat, lon, email, lat, lon)
    wrk.headers["Idempotency-Key"] = string.format("%s-%d-%d", run, tid, counter)
    return wrk.format("POST", path, nil, body)
  end
  local body = "api_key=" .. encode(key) .. "&jurisdiction_id=" .. encode(jurisdiction)
    .. "&service_code=depot-sauvage&lat=" .. lat .. "&long=" .. lon
    .. "&attribute%5Bnature_dechets%5D%5B%5D=sacs&attribute%5Bvolume%5D=petit"
    .. "&email=" .. encode(email) .. "&first_name=Camille&last_name=Martin"
    .. "&description=" .. encode("Sacs abandonnés au pied de l'arbre.")
  return wrk.format("POST", path, nil, body)
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
