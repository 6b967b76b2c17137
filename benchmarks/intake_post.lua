-- wrk script: file one request per call through the portal's web form (one new person each).
-- Environment: BENCH_PATH (form URL), BENCH_CSRF (csrftoken cookie, also the form token),
-- BENCH_RUN (a tag that makes the e-mail addresses unique across runs), BENCH_FIRST and
-- BENCH_LAST (the demo population's name lists, space separated), BENCH_OUT (JSON file).
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

-- The body Chromium sends for this form: multipart (the form has a file field), the optional
-- file left empty, the conditional fields that are hidden (and so disabled) left out.
local boundary = "----WebKitFormBoundaryGuichetBench0"

local function part(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n"
    .. value .. "\r\n"
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
  wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
  wrk.headers["Cookie"] = "csrftoken=" .. csrf
end

function request()
  counter = counter + 1
  local first = first_names[math.random(#first_names)]
  local last = last_names[math.random(#last_names)]
  local email = string.format("bench.%s.%d.%d@exemple.fr", run, tid, counter)
  local body = part("csrfmiddlewaretoken", csrf)
    .. part("sujet", "Horaires d'ouverture")
    .. part("message", "Bonjour, quels sont les horaires de la mairie le samedi ? Merci.")
    .. part("reponse_par", "courriel") .. part("courriel", email)
    .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"piece_jointe\"; filename=\"\"\r\n"
    .. "Content-Type: application/octet-stream\r\n\r\n\r\n"
    .. part("contact-first_name", first) .. part("contact-last_name", last)
    .. part("contact-email", email) .. part("contact-phone", "")
    .. "--" .. boundary .. "--\r\n"
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
