/*
 * lua_port.c: lua_fatal for tests/apps' lua.wasm (Debian's lua.c and
 * Lua's libraries, built with bench/suite/lua/port.h, which turns Lua's
 * error throws into lua_fatal: wasm32 has no setjmp here): an error
 * nobody catches ends the program with its message, as lua.c would
 * print it. posix_port.c gives the rest of what wasi-libc lacks.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lua.h"

_Noreturn void lua_fatal(struct lua_State *L)
{
	const char *m = lua_tostring(L, -1);

	fprintf(stderr, "lua: %s\n", m ? m : "(error object is not a string)");
	exit(1);
}
