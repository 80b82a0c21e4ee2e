-- binary-trees: allocates and walks many perfect binary trees (the
-- garbage collector's benchmark). Prints the sum of every tree's node
-- count and the count of the long-lived tree.
local maxdepth = math.tointeger(tonumber((...))) or 10
local mindepth = 4
if maxdepth < mindepth + 2 then maxdepth = mindepth + 2 end

local function make(d)
  if d == 0 then return {} end
  return { make(d - 1), make(d - 1) }
end

local function check(t)
  if t[1] then return 1 + check(t[1]) + check(t[2]) end
  return 1
end

local total = check(make(maxdepth + 1))
local longlived = make(maxdepth)
for d = mindepth, maxdepth, 2 do
  local iters = 1 << (maxdepth - d + mindepth)
  local sum = 0
  for _ = 1, iters do sum = sum + check(make(d)) end
  total = total + sum
end
print(string.format("checksum: %d %d", total, check(longlived)))
