-- wrk script of tools/load-hostile.sh: a round-robin mix of allowed and
-- refused preflights, actual requests and hostile preflights (the kinds of
-- tools/src/bin/hostile_load_server.rs), and a check of EVERY response against
-- the answer its class allows. wrk does not say which request a response
-- answers, so each response is judged by its own shape (204 = allowed
-- preflight, 403 = refused preflight, 200 = actual) and the class counts
-- are compared with the mix at the end.

local allowed = "https://app.example.com"
local host = "Host: 127.0.0.1\r\n"
local function pre(origin, rest)
  return "OPTIONS /api HTTP/1.1\r\n" .. host .. "Origin: " .. origin ..
    "\r\nAccess-Control-Request-Method: PUT\r\n" .. rest .. "\r\n"
end
local function get(rest)
  return "GET /api HTTP/1.1\r\n" .. host .. rest .. "\r\n"
end
local names = {}
for i = 0, 39 do names[#names + 1] = "x-h" .. i end

local mix = {
  pre(allowed, "Access-Control-Request-Headers: content-type,x-a\r\n"),   -- 204
  pre("https://evil.example.net", ""),                                   -- 403
  get("Origin: " .. allowed .. "\r\n"),                                  -- 200 + ACAO
  get("Origin: https://app.example.com.evil.net\r\n"),                   -- 200, no CORS
  pre("https://" .. string.rep("a", 4096) .. ".example.com", ""),        -- 403
  pre("https://a.example.com",
      "Access-Control-Request-Headers: " .. table.concat(names, ",") .. "\r\n"), -- 403
  "OPTIONS /api HTTP/1.1\r\n" .. host .. "Origin: " .. allowed ..
    "\r\nAccess-Control-Request-Method: PUT PATCH\r\n\r\n",              -- 403
  get(string.rep("Origin: " .. allowed .. "\r\n", 10)),                  -- 200, no CORS
}
-- Expected share of each class per len(mix) requests.
expected = { pre_ok = 1, pre_refused = 4, actual_ok = 1, actual_refused = 2 }

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  pre_ok, pre_refused, actual_ok, actual_refused, wrong = 0, 0, 0, 0, 0
  first_wrong = ""
end

function request()
  n = n + 1
  return mix[(n % #mix) + 1]
end

local function has_allow(headers)
  for k, _ in pairs(headers) do
    if string.sub(string.lower(k), 1, 21) == "access-control-allow-" then return true end
  end
  return false
end

local function bad(status, why)
  wrong = wrong + 1
  if first_wrong == "" then first_wrong = status .. ": " .. why end
end

function response(status, headers, body)
  local acao = headers["access-control-allow-origin"]
  local acac = headers["access-control-allow-credentials"]
  local vary = string.lower(headers["vary"] or "")
  if status == 204 then
    if acao == allowed and acac == "true"
      and headers["access-control-allow-methods"] == "PUT"
      and headers["access-control-allow-headers"] == "content-type,x-a" then
      pre_ok = pre_ok + 1
    else
      bad(status, "allowed preflight without the exact headers")
    end
  elseif status == 403 then
    if has_allow(headers) then bad(status, "refused preflight with CORS headers")
    else pre_refused = pre_refused + 1 end
  elseif status == 200 then
    if body ~= "ok" then bad(status, "body")
    elseif not string.find(vary, "origin", 1, true) then bad(status, "no Vary: origin")
    elseif acao == nil then
      if has_allow(headers) then bad(status, "CORS headers without ACAO")
      else actual_refused = actual_refused + 1 end
    elseif acao == allowed and acac == "true" then actual_ok = actual_ok + 1
    else bad(status, "ACAO " .. tostring(acao)) end
  else
    bad(status, "unexpected status")
  end
end

function done(summary, latency, requests)
  local t = { pre_ok = 0, pre_refused = 0, actual_ok = 0, actual_refused = 0, wrong = 0 }
  local first = ""
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
    local fw = thread:get("first_wrong")
    if first == "" and fw ~= "" then first = fw end
  end
  local total = t.pre_ok + t.pre_refused + t.actual_ok + t.actual_refused + t.wrong
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format("RESULT requests=%d judged=%d wrong=%d socket_errors=%d " ..
    "pre_ok=%d pre_refused=%d actual_ok=%d actual_refused=%d\n",
    summary.requests, total, t.wrong, socket_errors,
    t.pre_ok, t.pre_refused, t.actual_ok, t.actual_refused))
  if first ~= "" then io.write("FIRST_WRONG " .. first .. "\n") end
  -- Class counts must follow the mix (up to the requests in flight at the end).
  local skew = 0
  for k, share in pairs(expected) do
    local want = total * share / #mix
    local d = math.abs(t[k] - want)
    if d > skew then skew = d end
  end
  io.write(string.format("MIX_SKEW %d\n", math.floor(skew + 0.5)))
end
