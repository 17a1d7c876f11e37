-- wrk: replay a list of paths (one a line, from the file named by BENCH_PATHS), each wrk thread
-- taking every n-th line from its own offset, so a list walked once is requested once in all.
-- The list is made in the order wanted (uniform or Zipf draws, or distinct cold paths).
-- Prints one JSON line with latency percentiles (microseconds), counts, the mean body size
-- and the mean X-SQL-Statements header.
local threads = {}
local counter = 1

setup = function(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

init = function(args)
  paths = {}
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if #line > 0 then table.insert(paths, line) end
  end
  step = tonumber(os.getenv("BENCH_THREADS") or "2")
  position = id
  responses, bytes, statements, wrapped = 0, 0, 0, 0
end

request = function()
  if position > #paths then
    position = ((position - 1) % #paths) + 1
    wrapped = 1
  end
  local path = paths[position]
  position = position + step
  return wrk.format("GET", path)
end

response = function(status, headers, body)
  responses = responses + 1
  bytes = bytes + #body
  local sql = headers["X-SQL-Statements"] or headers["x-sql-statements"]
  if sql then statements = statements + tonumber(sql) end
end

done = function(summary, latency, requests)
  local n, b, s, w = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    n = n + thread:get("responses")
    b = b + thread:get("bytes")
    s = s + thread:get("statements")
    w = math.max(w, thread:get("wrapped"))
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d, "bytes": %.0f, "sql": %.2f, "wrapped": %d}\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    n > 0 and b / n or 0, n > 0 and s / n or 0, w))
end
