-- tests/apps/squares.lua: Lua on the firmament's file system (run from
-- a FAT disk by tests/firmament.sh and tests/boot.sh): writes a file
-- beside itself, reads it back, and prints what it read.
local dir = arg[0]:match("^(.*)/[^/]*$") or "."
local path = dir .. "/squares.txt"
local f = assert(io.open(path, "w"))
for i = 1, 10 do
	f:write(string.format("%d squared is %d\n", i, i * i))
end
f:close()
local sum, n = 0, 0
for line in io.lines(path) do
	sum = sum + tonumber(line:match("is (%d+)"))
	n = n + 1
end
print(string.format("%s read %d lines from %s, sum %d", _VERSION, n, path, sum))
