/* bench/suite/lua/port.h: included first in every Lua source file of the
 * suite (-include), natively and on wasm32-wasi alike, for what wasi-libc
 * (2022) lacks.
 * - setjmp/longjmp, which Lua's error recovery and coroutine yields are
 *   built on: this build has neither. LUAI_TRY runs its block, LUAI_THROW
 *   ends the program with the error (main.c's lua_fatal). The suite's
 *   scripts raise no error and use no coroutine.
 * - signal.h: Lua wants sig_atomic_t only for its hook flags (no hooks
 *   are set here); int stands in.
 * - clock(), which table.sort mixes into its pivot choice: a constant
 *   (the scripts do not sort). */
struct lua_State;
_Noreturn void lua_fatal(struct lua_State *L);
#define LUAI_THROW(L, c) lua_fatal(L)
#define LUAI_TRY(L, c, a)                                                      \
	{                                                                      \
		a                                                              \
	}
#define luai_jmpbuf int
#define l_signalT int
#define l_randomizePivot() 0u
