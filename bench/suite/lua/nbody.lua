-- n-body: the Jovian planets around the Sun, advanced by steps of 0.01
-- days (symplectic Euler). Prints the system's energy before and after.
local steps = math.tointeger(tonumber((...))) or 1000
local pi = 3.141592653589793
local mass, days = 4 * pi * pi, 365.24

local function body(x, y, z, vx, vy, vz, m)
  return { x = x, y = y, z = z, vx = vx * days, vy = vy * days,
           vz = vz * days, m = m * mass }
end

local bodies = {
  body(0, 0, 0, 0, 0, 0, 1), -- Sun
  body(4.84143144246472090e+00, -1.16032004402742839e+00,
       -1.03622044471123109e-01, 1.66007664274403694e-03,
       7.69901118419740425e-03, -6.90460016972063023e-05,
       9.54791938424326609e-04), -- Jupiter
  body(8.34336671824457987e+00, 4.12479856412430479e+00,
       -4.03523417114321381e-01, -2.76742510726862411e-03,
       4.99852801234917238e-03, 2.30417297573763929e-05,
       2.85885980666130812e-04), -- Saturn
  body(1.28943695621391310e+01, -1.51111514016986312e+01,
       -2.23307578892655734e-01, 2.96460137564761618e-03,
       2.37847173959480950e-03, -2.96589568540237556e-05,
       4.36624404335156298e-05), -- Uranus
  body(1.53796971148509165e+01, -2.59193146099879641e+01,
       1.79258772950371181e-01, 2.68067772490389322e-03,
       1.62824170038242295e-03, -9.51592254519715870e-05,
       5.15138902046611451e-05), -- Neptune
}

-- offset: gives the Sun the momentum that makes the total zero.
local function offset(b)
  local px, py, pz = 0, 0, 0
  for _, p in ipairs(b) do
    px, py, pz = px + p.vx * p.m, py + p.vy * p.m, pz + p.vz * p.m
  end
  b[1].vx, b[1].vy, b[1].vz = -px / mass, -py / mass, -pz / mass
end

local function energy(b)
  local e = 0
  for i = 1, #b do
    local p = b[i]
    e = e + 0.5 * p.m * (p.vx * p.vx + p.vy * p.vy + p.vz * p.vz)
    for j = i + 1, #b do
      local q = b[j]
      local dx, dy, dz = p.x - q.x, p.y - q.y, p.z - q.z
      e = e - p.m * q.m / math.sqrt(dx * dx + dy * dy + dz * dz)
    end
  end
  return e
end

local function advance(b, dt)
  local n = #b
  for i = 1, n do
    local p = b[i]
    for j = i + 1, n do
      local q = b[j]
      local dx, dy, dz = p.x - q.x, p.y - q.y, p.z - q.z
      local d2 = dx * dx + dy * dy + dz * dz
      local mag = dt / (d2 * math.sqrt(d2))
      local pm, qm = p.m * mag, q.m * mag
      p.vx, p.vy, p.vz = p.vx - dx * qm, p.vy - dy * qm, p.vz - dz * qm
      q.vx, q.vy, q.vz = q.vx + dx * pm, q.vy + dy * pm, q.vz + dz * pm
    end
  end
  for i = 1, n do
    local p = b[i]
    p.x, p.y, p.z = p.x + dt * p.vx, p.y + dt * p.vy, p.z + dt * p.vz
  end
end

offset(bodies)
local before = energy(bodies)
for _ = 1, steps do advance(bodies, 0.01) end
print(string.format("checksum: %.9f %.9f", before, energy(bodies)))
