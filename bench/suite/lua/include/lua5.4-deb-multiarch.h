/* bench/suite/lua/include/lua5.4-deb-multiarch.h: Debian's luaconf.h
 * includes this header, which its build generates; it only names the
 * directory of C modules, which the suite's Lua (no package library)
 * never searches. */
#define DEB_HOST_MULTIARCH "none"
