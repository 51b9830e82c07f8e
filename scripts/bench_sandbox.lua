-- wrk script for scripts/bench_sandbox.sh: every request creates a DISTINCT
-- customer (unique extCustomerId and extCustomerNumber), so the benchmark
-- measures creates, not 409s. Keys come from the environment.

local counter = 1
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 1
  wrk.method = "POST"
  wrk.path = "/api/customers"
  wrk.headers["apikey"] = os.getenv("BENCH_API_KEY")
  wrk.headers["CustomerKey"] = os.getenv("BENCH_CUSTOMER_KEY")
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  -- thread t owns ids t*100000000 + 1, + 2, ...: no two requests share an id.
  local id = tid * 100000000 + counter
  counter = counter + 1
  local body = string.format(
    '{"extCustomerId":%d,"extCustomerNumber":"B%d","name":"Bench customer %d",' ..
    '"enterpriseNumber":"BE0123456789","address":{"street":"Kerkstraat",' ..
    '"streetNumber":"15B","city":"Gent","postalCode":"9000","country":"belgium"}}',
    id, id, id)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout))
end
