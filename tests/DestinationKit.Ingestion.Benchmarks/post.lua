-- wrk script: POSTs pre-generated contract-v1 bodies (BODY_DIR/body-NNNN.json) with a bearer key.
local dir = os.getenv("BODY_DIR")
local count = tonumber(os.getenv("BODY_COUNT") or "1000")
local key = os.getenv("API_KEY")
local path = os.getenv("TARGET_PATH") or "/v1/profiles"
local threads = {}
local counter = 0

function setup(thread)
  thread:set("thread_id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local bodies = {}
local idx = 0

function init(args)
  for i = 0, count - 1 do
    local f = assert(io.open(string.format("%s/body-%04d.json", dir, i), "rb"))
    bodies[#bodies + 1] = f:read("*a")
    f:close()
  end
  idx = (thread_id or 0) * math.floor(count / 2)
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  idx = idx % #bodies + 1
  return wrk.format("POST", path, nil, bodies[idx])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_s=%.2f non2xx=%d socket_errors=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
