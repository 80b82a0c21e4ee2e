# bench/suite/suite.mk (included by the Makefile): the benchmark suite's
# programs, each built three times from the same source and flags,
# natively (gcc -O2, $(B)/suite/NAME.native) and for wasm32-wasi (clang
# -O2, $(B)/suite/NAME.wasm; with -msimd128 too, NAME.simd.wasm, whose
# loops clang vectorizes). Third-party sources come from Debian's source
# packages, unpacked once per machine into $(SUITE_SRC) by fetch.sh.
SUITE_SRC := $(or $(NEBULET_SRC),$(HOME)/.cache/nebulet/src)
SUITE_B := $(B)/suite
SUITE_PROGS := sqlite zlib bzip2 lua
SUITE_BINS := $(foreach p,$(SUITE_PROGS),$(SUITE_B)/$(p).native \
	$(SUITE_B)/$(p).wasm $(SUITE_B)/$(p).simd.wasm)
SUITE_CC.native := $(CC) -O2 -w
SUITE_CC.wasm := $(WASM_CC) -O2 -w
SUITE_CC.simd.wasm := $(WASM_CC) -O2 -msimd128 -w
.PHONY: suite
suite: $(SUITE_BINS)

# One stamp per package: fetch.sh made its directory.
SUITE_STAMPS := $(patsubst %,$(SUITE_SRC)/%/.suite-fetched,zlib bzip2 lua5.4 sqlite3)
$(SUITE_STAMPS): $(SUITE_SRC)/%/.suite-fetched: | deps
	bench/suite/fetch.sh $*
	touch $@

SQLITE_A := $(SUITE_SRC)/sqlite3-amalgamation
SQLITE_FLAGS := -DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 \
	-DSQLITE_TEMP_STORE=3 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL \
	-DLONGDOUBLE_TYPE=double -I$(SQLITE_A)
$(SUITE_B)/sqlite.%: bench/suite/sqlite_os.c $(SUITE_SRC)/sqlite3/.suite-fetched
	@mkdir -p $(@D)
	$(SUITE_CC.$*) $(SQLITE_FLAGS) -o $@ $(SQLITE_A)/sqlite3.c \
		$(SUITE_SRC)/sqlite3/test/speedtest1.c $< -lm

ZLIB_C := adler32 crc32 deflate inflate inftrees inffast trees zutil
$(SUITE_B)/zlib.%: bench/suite/roundtrip.c bench/suite/zlib_codec.c bench/suite/codec.h \
		$(SUITE_SRC)/zlib/.suite-fetched
	@mkdir -p $(@D)
	$(SUITE_CC.$*) -I$(SUITE_SRC)/zlib -o $@ $(filter %.c,$^) \
		$(patsubst %,$(SUITE_SRC)/zlib/%.c,$(ZLIB_C))

BZIP2_C := blocksort huffman crctable randtable compress decompress bzlib
$(SUITE_B)/bzip2.%: bench/suite/roundtrip.c bench/suite/bzip2_codec.c bench/suite/codec.h \
		$(SUITE_SRC)/bzip2/.suite-fetched
	@mkdir -p $(@D)
	$(SUITE_CC.$*) -DBZ_NO_STDIO -I$(SUITE_SRC)/bzip2 -o $@ $(filter %.c,$^) \
		$(patsubst %,$(SUITE_SRC)/bzip2/%.c,$(BZIP2_C))

# Lua 5.4's core and four libraries (no io, os, package, debug), without
# setjmp (bench/suite/lua/port.h), and the scripts compiled in.
LUA_C := lapi lcode lctype ldebug ldo ldump lfunc lgc llex lmem lobject \
	lopcodes lparser lstate lstring ltable ltm lundump lvm lzio lauxlib \
	lbaselib lmathlib lstrlib ltablib
LUA_SCRIPTS := $(wildcard bench/suite/lua/*.lua)
$(SUITE_B)/lua/scripts.h: bench/suite/lua/embed.awk $(LUA_SCRIPTS)
	@mkdir -p $(@D)
	awk -f $< $(LUA_SCRIPTS) >$@
$(SUITE_B)/lua.%: bench/suite/lua/main.c bench/suite/lua/port.h $(SUITE_B)/lua/scripts.h \
		$(SUITE_SRC)/lua5.4/.suite-fetched
	$(SUITE_CC.$*) -include bench/suite/lua/port.h -Ibench/suite/lua/include \
		-I$(SUITE_SRC)/lua5.4/src -I$(SUITE_B)/lua -o $@ $< \
		$(patsubst %,$(SUITE_SRC)/lua5.4/src/%.c,$(LUA_C)) -lm
