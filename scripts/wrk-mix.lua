-- The cached dashboard mix for wrk: the requests of loadtest's dashboard-mix.txt (page, store list, the seven
-- per-store views, ranking, monitor), each request one line of the mix picked in turn, over stores picked with a
-- Zipf(1.1) popularity and ranges of 7/30/90 days up to an end date (200 visits drawn with a fixed seed). Every request carries the bearer token and
-- Accept-Encoding: gzip, as the loadtest tool's --accept-gzip runs do. wrk drives far more requests per core than the
-- Java tool, so the gateway and a bare server are measured by the same client (scripts/bench.sh, ratio table).
--
--   wrk -t2 -c200 -d30s -s scripts/wrk-mix.lua http://127.0.0.1:8051 -- <token> <end-date> <store,store,...>

local token, stores, ranges = nil, {}, {}
local paths = {}
local counter = 0

local function day_before(date, days)
  local y, m, d = date:match("(%d+)-(%d+)-(%d+)")
  local t = os.time({ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 }) - days * 86400
  return os.date("!%Y-%m-%d", t)
end

function init(args)
  token = args[1]
  local end_date = args[2]
  for code in string.gmatch(args[3], "[^,]+") do
    stores[#stores + 1] = code
  end
  for _, days in ipairs({ 7, 30, 90 }) do
    ranges[#ranges + 1] = { day_before(end_date, days - 1), end_date }
  end
  -- Zipf(1.1) over the store list, most popular first.
  local weights, sum = {}, 0
  for i = 1, #stores do
    weights[i] = 1 / (i ^ 1.1)
    sum = sum + weights[i]
  end
  local mix = { "/", "/api/v1/stores",
    "/api/v1/stores/{s}/overview?from={f}&to={t}", "/api/v1/stores/{s}/trend?from={f}&to={t}",
    "/api/v1/stores/{s}/channels?from={f}&to={t}", "/api/v1/stores/{s}/categories?from={f}&to={t}",
    "/api/v1/stores/{s}/hours?from={f}&to={t}", "/api/v1/stores/{s}/products?from={f}&to={t}&sort=revenue&page=1&size=20",
    "/api/v1/stores/{s}/diagnosis?from={f}&to={t}", "/api/v1/ranking?from={f}&to={t}&metric=revenue", "/api/v1/monitor" }
  -- A fixed seed: every run (and every thread) walks the same visits, so one warm-up round puts them all in the cache.
  math.randomseed(42)
  for visit = 1, 200 do
    local r, acc, store = math.random() * sum, 0, stores[#stores]
    for i = 1, #stores do
      acc = acc + weights[i]
      if r <= acc then
        store = stores[i]
        break
      end
    end
    local range = ranges[math.random(#ranges)]
    for _, template in ipairs(mix) do
      local path = template:gsub("{s}", store):gsub("{f}", range[1]):gsub("{t}", range[2])
      paths[#paths + 1] = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token, ["Accept-Encoding"] = "gzip" })
    end
  end
end

function request()
  counter = counter + 1
  if counter > #paths then
    counter = 1
  end
  return paths[counter]
end
