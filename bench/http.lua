-- wrk script for bench/http.py: sends the session cookie, rotates distinct request bodies
-- (one per line of a file) and prints the run's figures as one JSON line.
-- Arguments after "--": METHOD COOKIE BODIES_FILE ("-" for none).

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local method, headers, bodies, next_body

function init(args)
  method = args[1] or "GET"
  headers = {}
  if args[2] and args[2] ~= "-" then headers["Cookie"] = args[2] end
  bodies = {}
  if args[3] and args[3] ~= "-" then
    headers["Content-Type"] = "application/json"
    for line in io.lines(args[3]) do table.insert(bodies, line) end
  end
  -- Each thread starts at its own place in the list, so threads do not send the same body.
  next_body = (id * 997) % math.max(#bodies, 1) + 1
end

function request()
  if #bodies == 0 then return wrk.format(method, nil, headers) end
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(method, nil, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
