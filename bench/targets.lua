-- wrk script: cycles through the lines of the file named by the TARGETS variable (METHOD|path|cookie|body),
-- each a request of one scenario, and prints the latency percentiles as one JSON line at the end.
local targets = {}
local index = 0

function init(args)
  local file = io.open(os.getenv("TARGETS"), "r")
  for line in file:lines() do
    local method, path, cookie, body = line:match("^([^|]*)|([^|]*)|([^|]*)|(.*)$")
    table.insert(targets, {method = method, path = path, cookie = cookie, body = body})
  end
  file:close()
  index = math.random(#targets)
end

local thread_counter = 0
function setup(thread)
  thread_counter = thread_counter + 1
  thread:set("thread_id", thread_counter)
end

local sent = 0
function request()
  index = index % #targets + 1
  sent = sent + 1
  local t = targets[index]
  local headers = {}
  if t.cookie ~= "" then
    if t.cookie:sub(1, 7) == "Bearer " then
      headers["Authorization"] = t.cookie
      headers["Content-Type"] = "application/json"
      headers["Idempotency-Key"] = string.format("bench-%s-%d-%d-%d", os.getenv("RUN_ID") or "0",
        thread_id or 0, sent, math.random(1000000000))
    else
      headers["Cookie"] = t.cookie
    end
  end
  if t.body ~= "" then
    return wrk.format(t.method, t.path, headers, t.body)
  end
  return wrk.format(t.method, t.path, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, ' ..
    '"mean_ms": %.3f, "errors_status": %d, "errors_socket": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
