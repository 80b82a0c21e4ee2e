-- spectral-norm: the largest singular value of the infinite matrix
-- A(i,j) = 1/((i+j)(i+j+1)/2+i+1), cut to n x n, by 10 power iterations
-- of A'A. Prints it to nine decimals.
local n = math.tointeger(tonumber((...))) or 100

local function a(i, j)
  local ij = i + j - 1
  return 1.0 / (ij * (ij - 1) * 0.5 + i)
end

-- av: out = A v (trans false) or A' v (trans true), 1-based.
local function av(v, out, trans)
  for i = 1, n do
    local s = 0
    for j = 1, n do
      if trans then s = s + a(j, i) * v[j]
      else s = s + a(i, j) * v[j] end
    end
    out[i] = s
  end
end

local function atav(v, out, tmp)
  av(v, tmp, false)
  av(tmp, out, true)
end

local u, v, t = {}, {}, {}
for i = 1, n do u[i] = 1 end
for _ = 1, 10 do
  atav(u, v, t)
  atav(v, u, t)
end
local vbv, vv = 0, 0
for i = 1, n do
  vbv, vv = vbv + u[i] * v[i], vv + v[i] * v[i]
end
print(string.format("checksum: %.9f", math.sqrt(vbv / vv)))
