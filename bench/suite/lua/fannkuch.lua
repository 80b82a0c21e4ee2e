-- fannkuch-redux: for every permutation of 0..n-1 (in the benchmark
-- game's order), count the prefix reversals until 0 comes first.
-- Prints the alternating checksum and the largest count.
local n = math.tointeger(tonumber((...))) or 7

local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  for i = 0, n - 1 do perm1[i] = i end
  local maxflips, checksum, nperm, r = 0, 0, 0, n
  while true do
    while r ~= 1 do count[r - 1] = r; r = r - 1 end
    for i = 0, n - 1 do perm[i] = perm1[i] end
    local flips, k = 0, perm[0]
    while k ~= 0 do
      local i, j = 0, k
      while i < j do
        perm[i], perm[j] = perm[j], perm[i]
        i, j = i + 1, j - 1
      end
      flips = flips + 1
      k = perm[0]
    end
    if flips > maxflips then maxflips = flips end
    if nperm % 2 == 0 then checksum = checksum + flips
    else checksum = checksum - flips end
    -- next permutation: rotate the first r+1 elements until a count
    -- is left
    while true do
      if r == n then return checksum, maxflips end
      local p0 = perm1[0]
      for i = 0, r - 1 do perm1[i] = perm1[i + 1] end
      perm1[r] = p0
      count[r] = count[r] - 1
      if count[r] > 0 then break end
      r = r + 1
    end
    nperm = nperm + 1
  end
end

local sum, flips = fannkuch(n)
print(string.format("checksum: %d %d", sum, flips))
