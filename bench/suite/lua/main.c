/* bench/suite/lua/main.c: runs one of the suite's Lua scripts (lua/*.lua,
 * compiled in as strings, so no file system is needed) with Lua 5.4's
 * base, string, table and math libraries.
 * Usage: lua SCRIPT ARG. The script gets ARG as its `...` and prints its
 * checksum last. Exit status 1 on a Lua error (see port.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

#include "scripts.h" /* generated: lua_scripts[], {name, source}, NULL-ended */

/* lua_fatal: LUAI_THROW of this build: reports the error object on top of
 * L's stack and exits. */
_Noreturn void lua_fatal(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);
	fprintf(stderr, "lua: %s\n",
		msg ? msg : "error (or coroutine yield, unsupported here)");
	exit(1);
}

/* find: the source of the script named name, or NULL. */
static const char *find(const char *name)
{
	for (int i = 0; lua_scripts[i].name; i++)
		if (strcmp(lua_scripts[i].name, name) == 0)
			return lua_scripts[i].source;
	return NULL;
}

int main(int argc, char **argv)
{
	const char *src = argc == 3 ? find(argv[1]) : NULL;
	if (!src) {
		fprintf(stderr, "usage: %s SCRIPT ARG; scripts:", argv[0]);
		for (int i = 0; lua_scripts[i].name; i++)
			fprintf(stderr, " %s", lua_scripts[i].name);
		fprintf(stderr, "\n");
		return 2;
	}
	lua_State *L = luaL_newstate();
	if (!L) {
		fprintf(stderr, "lua: out of memory\n");
		return 1;
	}
	static const luaL_Reg libs[] = {
		{LUA_GNAME, luaopen_base},
		{LUA_STRLIBNAME, luaopen_string},
		{LUA_TABLIBNAME, luaopen_table},
		{LUA_MATHLIBNAME, luaopen_math},
	};
	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
		luaL_requiref(L, libs[i].name, libs[i].func, 1);
		lua_pop(L, 1);
	}
	if (luaL_loadbuffer(L, src, strlen(src), argv[1]) != LUA_OK)
		lua_fatal(L);
	lua_pushstring(L, argv[2]);
	lua_call(L, 1, 0);
	lua_close(L);
	return 0;
}
