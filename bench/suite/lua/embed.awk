# bench/suite/lua/embed.awk: the Lua scripts given as files, as the C
# array lua_scripts[] of lua/main.c ({name, source}, ending with NULL).
# Usage: awk -f embed.awk a.lua b.lua >scripts.h
FNR == 1 {
	if (n++)
		print "\t},"
	name = FILENAME
	sub(/.*\//, "", name)
	sub(/\.lua$/, "", name)
	printf "\t{\"%s\",\n", name
}
{
	gsub(/\\/, "\\\\")
	gsub(/"/, "\\\"")
	printf "\t\t\"%s\\n\"\n", $0
}
BEGIN { print "static const struct {\n\tconst char *name, *source;\n} lua_scripts[] = {" }
END { print "\t},\n\t{0, 0},\n};" }
