/* bench/suite/lua/include/setjmp.h: stands in for <setjmp.h>, which
 * wasi-libc lacks and ldo.c includes; nothing of it is used (port.h). */
