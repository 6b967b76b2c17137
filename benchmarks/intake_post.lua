-- wrk script: file one request per call through the portal's web form (one new person each).
-- Environment: BENCH_PATH (form URL), BENCH_CSRF (csrftoken cookie, also the form token),
-- BENCH_RUN (a tag that makes the e-mail addresses unique across runs), BENCH_FIRST and
-- BENCH_LAST (the demo population's name lists, space separated), BENCH_OUT (JSON file).
--
-- The body is what Chromium sends for this form when no file is chosen: URL-encoded (the
-- form's script switches from multipart then), the empty file input as an empty value, the
-- hidden conditional fields (disabled) left out, in the page's order.
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local function encode(text)
  return (string.gsub(text, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function words(text)
  local found = {}
  for word in string.gmatch(text, "%S+") do table.insert(found, word) end
  return found
end

function init(args)
  first_names = words(os.getenv("BENCH_FIRST"))
  last_names = words(os.getenv("BENCH_LAST"))
  math.randomseed(os.time() + tid * 7919)
  path = os.getenv("BENCH_PATH")
  csrf = os.getenv("BENCH_CSRF")
  run = os.getenv("BENCH_RUN")
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. csrf
end

function request()
  counter = counter + 1
  local first = first_names[math.random(#first_names)]
  local last = last_names[math.random(#last_names)]
  local email = string.format("bench.%s.%d.%d@exemple.fr", run, tid, counter)
  local body = "csrfmiddlewaretoken=" .. csrf
    .. "&sujet=" .. encode("Horaires d'ouverture")
    .. "&message=" .. encode("Bonjour, quels sont les horaires de la mairie le samedi ? Merci.")
    .. "&reponse_par=courriel&courriel=" .. encode(email) .. "&piece_jointe="
    .. "&contact-first_name=" .. encode(first) .. "&contact-last_name=" .. encode(last)
    .. "&contact-email=" .. encode(email) .. "&contact-phone="
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
