# Nebulet build. GNU make, C11, warnings are errors.
#   make            build the hosted runner build/nebulet
#   make run        boot Nebulet in QEMU with the default programs
#   make run-hosted run the default demo program as a Linux process
#   make test       every test; last line "N passed, N failed"
#   make bench      benchmarks beside their baselines -> build/bench/results.json
#   make fuzz FUZZ_SECONDS=N [FUZZ_TARGETS="decode fat ..."]   libFuzzer targets
#   make format     clang-format every C file in place
SHELL := /bin/bash
NPROC := $(shell nproc 2>/dev/null || echo 2)
CC := gcc
WASM_CC := clang --target=wasm32-wasi --sysroot=/usr
B := build
SPEC_DIR ?= ../shared/wasm-spec-tests

WARN := -Wall -Wextra -Werror -Wno-unused-parameter
# The firmament's pure code (firmament/wire.c and firc's NAME_wire.c,
# generated into $(B)/gen/firmament/) is part of the kernel too:
# kernel/firport.c, native drivers. Native code includes it as
# "firmament/NAME_wire.h" (-I$(B)/gen).
FIRC := $(B)/firc/firc
FIR_GEN := $(B)/gen/firmament
FIR_WIRE_C := $(patsubst firmament/%.fir,$(FIR_GEN)/%_wire.c,$(wildcard firmament/*.fir))
FIR_PURE := firmament/wire.c $(FIR_WIRE_C)
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE $(WARN) -g -I. -I$(B)/gen
CFLAGS := $(CFLAGS_COMMON) -O2
ASAN_CC := clang
ASAN_FLAGS := $(CFLAGS_COMMON) -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined

NUCLEUS := $(wildcard nucleus/*.c)
HOSTED := $(wildcard hal/hosted/*.c)
KERNEL := $(wildcard kernel/*.c)
RUNNER := $(wildcard tools/nebulet/*.c)
# The SDK header and its list of kernel calls (user/include/).
SDK_H := $(wildcard user/include/*.h)
HEADERS := $(wildcard nucleus/*.h hal/*.h kernel/*.h tools/nebulet/*.h) $(SDK_H) \
	firmament/wire.h
CORE := $(NUCLEUS) $(HOSTED) $(KERNEL) $(FIR_PURE)

.PHONY: all deps run run-hosted test test-build bench fuzz fuzz-diff stress format clean spec-json user
all: $(B)/nebulet

deps:
	@tools/deps.sh </dev/null # stdin is make run's (the shell's input)

# Linked at a fixed low address (-no-pie): JIT code then reads the
# preemption flag with a 32-bit absolute address (nucleus/jit.c).
$(B)/nebulet: $(CORE) $(RUNNER) $(HEADERS) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -no-pie -o $@ $(CORE) $(RUNNER) -lm

# The same runner under AddressSanitizer and UBSan, for tests.
# Objects compiled once under ASan/UBSan, shared by the runner and every
# unit test.
ASAN_OBJ := $(patsubst %.c,$(B)/asan/obj/%.o,$(CORE))
$(B)/asan/obj/%.o: %.c $(HEADERS) $(FIR_WIRE_C) | deps
	@mkdir -p $(@D)
	$(ASAN_CC) $(ASAN_FLAGS) -c -o $@ $<

$(B)/asan/nebulet: $(ASAN_OBJ) $(RUNNER) $(HEADERS) | deps
	@mkdir -p $(@D)
	$(ASAN_CC) $(ASAN_FLAGS) -o $@ $(ASAN_OBJ) $(RUNNER) -lm

# Unit tests: tests/unit/test_NAME.c, each its own program, sanitized.
UNIT := $(patsubst tests/unit/%.c,$(B)/asan/unit/%,$(wildcard tests/unit/test_*.c))
$(B)/asan/unit/%: tests/unit/%.c $(ASAN_OBJ) $(HEADERS) tests/unit/check.h | deps
	@mkdir -p $(@D)
	$(ASAN_CC) $(ASAN_FLAGS) -o $@ $< $(ASAN_OBJ) -lm

# The FAT32 library (user/fs/) belongs to a wasm service, not to the
# runner: its unit test compiles it.
FAT_SRC := $(wildcard user/fs/*.c)
$(B)/asan/unit/test_fat: tests/unit/test_fat.c $(FAT_SRC) $(wildcard user/fs/*.h) \
	tests/unit/check.h | deps
	@mkdir -p $(@D)
	$(ASAN_CC) $(ASAN_FLAGS) -o $@ $< $(FAT_SRC)

# Wasm programs: user/NAME.c (demos) and tests/wasi/NAME.c (test programs).
USER_WASM := $(patsubst user/%.c,$(B)/user/%.wasm,$(wildcard user/*.c))
TEST_WASM := $(patsubst tests/wasi/%.c,$(B)/tests/wasi/%.wasm,$(wildcard tests/wasi/*.c))
$(B)/user/%.wasm $(B)/tests/wasi/%.wasm: | deps
# Compile and link in two steps: clang runs wasm-opt after an optimizing
# link when binaryen is installed, and wasm-opt drops the name section that
# trap messages use to name functions.
$(B)/user/%.wasm: user/%.c
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -Wall -Werror -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o
$(B)/tests/wasi/%.wasm: tests/wasi/%.c tests/wasi/expect.h tests/wasi/fsutil.h
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -Wall -Werror -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o
user: $(USER_WASM)
# tests/wasi/simd.c is built with SIMD: clang vectorizes its loops.
$(B)/tests/wasi/simd.wasm: WASM_CC += -msimd128

# Kernel test programs: tests/kernel/NAME.c (against the SDK header
# user/include/nebulet.h) and NAME.wat, run by tests/kernel.sh.
KERNEL_TEST_WASM := $(patsubst tests/kernel/%.c,$(B)/tests/kernel/%.wasm,$(wildcard tests/kernel/*.c)) \
	$(patsubst tests/kernel/%.wat,$(B)/tests/kernel/%.wasm,$(wildcard tests/kernel/*.wat))
$(B)/tests/kernel/%.wasm: tests/kernel/%.c tests/kernel/kt.h $(SDK_H) | deps
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -Wall -Werror -Iuser/include -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o $(KT_LDFLAGS)
# threads.c gives each thread a shadow stack of its own: the kernel keeps
# the exported __stack_pointer per thread (nebulet.h, thread_create).
$(B)/tests/kernel/threads.wasm: WASM_CC += -mmutable-globals
$(B)/tests/kernel/threads.wasm: KT_LDFLAGS = -Wl,--export=__stack_pointer
$(B)/tests/kernel/%.wasm: tests/kernel/%.wat | deps
	@mkdir -p $(@D)
	wat2wasm $(WAT_FLAGS) $< -o $@
$(B)/tests/kernel/atomics.wasm: WAT_FLAGS = --enable-threads

# Spec tests converted by wabt's wast2json (non-SIMD core files).
SPEC_WAST := $(wildcard $(SPEC_DIR)/core/*.wast)
SPEC_JSON := $(patsubst $(SPEC_DIR)/core/%.wast,$(B)/spec/%/test.json,$(SPEC_WAST))
$(B)/spec/%/test.json: $(SPEC_DIR)/core/%.wast | deps
	@mkdir -p $(@D)
	@wast2json $< -o $@
# The threads proposal's files, in a directory of their own (their
# memory.wast, imports.wast, exports.wast differ from core's).
SPEC_THREADS := $(wildcard $(SPEC_DIR)/threads/*.wast)
SPEC_JSON += $(patsubst $(SPEC_DIR)/threads/%.wast,$(B)/spec-threads/%/test.json,$(SPEC_THREADS))
$(B)/spec-threads/%/test.json: $(SPEC_DIR)/threads/%.wast | deps
	@mkdir -p $(@D)
	@wast2json --enable-threads $< -o $@
# Nebulet's own checks of the proposal (tests/wast/), run with them.
SPEC_OWN := $(patsubst tests/wast/%.wast,$(B)/spec-threads/%/test.json,$(wildcard tests/wast/*.wast))
SPEC_JSON += $(SPEC_OWN)
$(SPEC_OWN): $(B)/spec-threads/%/test.json: tests/wast/%.wast | deps
	@mkdir -p $(@D)
	@wast2json --enable-threads $< -o $@
# The SIMD files (WebAssembly 2.0's fixed-width SIMD), in a third.
SPEC_SIMD := $(wildcard $(SPEC_DIR)/simd/*.wast)
SPEC_JSON += $(patsubst $(SPEC_DIR)/simd/%.wast,$(B)/spec-simd/%/test.json,$(SPEC_SIMD))
$(B)/spec-simd/%/test.json: $(SPEC_DIR)/simd/%.wast | deps
	@mkdir -p $(@D)
	@wast2json $< -o $@
spec-json: $(SPEC_JSON)

# make run: the bare-metal kernel in QEMU running the firmament
# (user/firmament/default.manifest: init, the services, the shell) and
# ending at the shell's prompt on the serial console, with the default
# programs (user/*.c) to run from it ("run hello.wasm"); "exit" or
# Ctrl-A x quits. Input that is not a terminal is typed into the serial
# console: printf 'run hello.wasm\nexit\n' | make run. make run-hosted:
# the demo on the hosted HAL, as a Linux process.
# RUN_FILES: the archive's files, init first (also `make iso`'s); the
# shell's file system is RUN_DISK (below): `make run` attaches its raw
# image as a virtio-blk disk (the virtio_blk driver; what the shell
# writes stays there until the image is made again), elsewhere the RAM
# disk holds a copy.
RUN_DISK := $(B)/user/disk.img
RUN_FILES = $(B)/user/firmament/init.wasm user/firmament/default.manifest \
	$(filter-out %/init.wasm,$(FIR_PROGS)) $(USER_WASM) $(RUN_DISK) \
	$(B)/drivers/virtio_blk.wasm
# make run also gives the machine a virtio-net card on QEMU's user
# network, the host's 127.0.0.1:RUN_HTTP_PORT (8080) forwarded to the
# guest's port 80: its manifest (RUN_MANIFEST) is default.manifest with
# the wasm virtio-net driver and the network service (user/net) in place
# of the loopback NIC; the card is init's startup handle 2 (the disk
# is 1). RUN_NIC=0: no card, default.manifest (the
# network stack takes about 8 MiB of the machine's RAM).
RUN_HTTP_PORT ?= 8080
RUN_NIC ?= 1
RUN_MANIFEST := $(B)/user/firmament/run.manifest
RUN_NET := $(B)/drivers/virtio_net.wasm $(B)/user/net/net.wasm
RUN_BOOT = --disk=$(RUN_DISK).raw \
	--hostfwd=tcp:127.0.0.1:$(RUN_HTTP_PORT)-:80 --pci=0x1af4:0x1041 \
	--kernel $(subst user/firmament/default.manifest,$(RUN_MANIFEST),$(RUN_FILES)) \
	$(RUN_NET)
ifeq ($(RUN_NIC),0)
RUN_BOOT = --disk=$(RUN_DISK).raw --kernel $(RUN_FILES)
endif
$(RUN_MANIFEST): user/firmament/default.manifest
	@mkdir -p $(@D)
	sed -e '1s/.*/# make run: default.manifest with the virtio-net driver (Makefile)/' -e 's/^service ethernet netloop.wasm$$/driver ethernet virtio_net.wasm --handle=2\nservice net net.wasm/' $< >$@
# The recipe replaces make by the boot ($(nebulet-exec), tools/make_exec.c,
# loaded only for this goal): `exit N` at the shell leaves `make run` with
# status N and no make message after it (without a C compiler yet, the
# boot runs as a plain recipe).
RUN_CMD = $(B)/nebulet boot $(RUN_BOOT)
run: $(B)/nebulet $(B)/nebulet.elf firmament $(USER_WASM) $(RUN_DISK) \
		$(B)/drivers/virtio_blk.wasm $(RUN_MANIFEST) $(RUN_NET)
	@$(if $(filter %/make_exec.so,$(.LOADED)),$(nebulet-exec $(RUN_CMD)),$(RUN_CMD))
ifneq ($(filter run,$(MAKECMDGOALS)),)
-load $(B)/make_exec.so
endif
$(B)/make_exec.so: tools/make_exec.c
	@mkdir -p $(@D)
	$(CC) $(WARN) -shared -fPIC -o $@ $<
test-build: $(B)/make_exec.so

run-hosted: $(B)/nebulet $(B)/user/hello.wasm
	$(B)/nebulet run $(B)/user/hello.wasm

# Everything the tests need is built first, on every core.
test: | deps
	@$(MAKE) --no-print-directory -j$(NPROC) test-build
	@tests/run.sh
test-build: $(B)/nebulet $(B)/asan/nebulet $(UNIT) $(SPEC_JSON) $(TEST_WASM) $(USER_WASM) \
	$(KERNEL_TEST_WASM) $(B)/tests/boot/oom.wasm \
	$(B)/nebulet.elf suite $(RUN_MANIFEST)

bench: $(B)/nebulet suite | deps
	@bench/run.sh

# make stress DURATION=seconds: the kernel and firmament under load
# (tests/stress.sh; 60 s by default).
stress: $(B)/nebulet $(KERNEL_TEST_WASM) firmament $(B)/nebulet.elf \
	$(B)/drivers/uart16550.wasm | deps
	@tests/stress.sh $(or $(DURATION),60)

fuzz: | deps
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

# Differential fuzzing, interpreter against JIT (tests/fuzz/diff.sh);
# THREADS=1 make fuzz-diff adds the threads proposal (atomics).
fuzz-diff: | deps
	@tests/fuzz/diff.sh $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

# The benchmark suite's programs (bench/suite/), built for make test too.
include bench/suite/suite.mk

# The bare-metal x86-64 build (build/nebulet.elf) and its boot tests.
-include hal/x86_64/x86_64.mk

# The firmament (firmament/README.md): the interface compiler firc, the
# C it generates from firmament/*.fir, the runtime fir.c, and the wasm
# programs of user/firmament/ and tests/firmament/ built on them.
FIR_IDL := $(wildcard firmament/*.fir)
FIR_GEN_C := $(patsubst firmament/%.fir,$(FIR_GEN)/%.c,$(FIR_IDL))
FIR_WASM_CFLAGS := -O2 -Wall -Werror -I. -I$(B)/gen -Iuser/include -Ifirmament -I$(FIR_GEN) \
	-Iuser/firmament
FIR_LIB_O := $(patsubst %.c,$(B)/firmament/obj/%.o,$(notdir $(FIR_GEN_C) $(FIR_WIRE_C))) \
	$(B)/firmament/obj/fir.o $(B)/firmament/obj/wire.o $(B)/firmament/obj/svc.o \
	$(B)/firmament/obj/stdcons.o
FIR_PROGS := $(patsubst user/firmament/%.c,$(B)/user/firmament/%.wasm,\
	$(filter-out user/firmament/svc.c user/firmament/stdcons.c,\
	$(wildcard user/firmament/*.c)))
FIR_TESTS := $(patsubst tests/firmament/%.c,$(B)/tests/firmament/%.wasm,\
	$(filter-out tests/firmament/fuzz_%.c tests/firmament/stubs.c \
	tests/firmament/unit.c,$(wildcard tests/firmament/*.c)))
.PHONY: firmament fuzz-fir run-firmament
firmament: $(FIRC) $(FIR_PROGS) $(FIR_TESTS)
test-build: firmament

$(FIRC): $(wildcard tools/firc/*.c tools/firc/*.h) $(SDK_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^)
# NAME.[ch] for programs, NAME_wire.[ch] the pure code under them.
$(FIR_GEN_C): $(FIR_GEN)/%.c: firmament/%.fir $(FIRC)
	@mkdir -p $(@D)
	$(FIRC) -o $(FIR_GEN) $<
$(FIR_WIRE_C): $(FIR_GEN)/%_wire.c: firmament/%.fir $(FIRC)
	@mkdir -p $(@D)
	$(FIRC) --wire -o $(FIR_GEN) $<
$(filter-out %/fir.o %/wire.o %/svc.o %/stdcons.o,$(FIR_LIB_O)): $(B)/firmament/obj/%.o: $(FIR_GEN)/%.c firmament/fir.h firmament/wire.h $(FIR_WIRE_C) | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -c -o $@ $<
$(B)/firmament/obj/fir.o $(B)/firmament/obj/wire.o: $(B)/firmament/obj/%.o: firmament/%.c firmament/fir.h firmament/wire.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -c -o $@ $<
$(B)/firmament/obj/svc.o $(B)/firmament/obj/stdcons.o: $(B)/firmament/obj/%.o: user/firmament/%.c user/firmament/%.h firmament/fir.h $(FIR_GEN_C) $(FIR_WIRE_C)
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -c -o $@ $<
$(FIR_PROGS): $(B)/user/firmament/%.wasm: user/firmament/%.c $(FIR_LIB_O) user/firmament/svc.h firmament/fir.h
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o $(filter %.o,$^)
# init reads its manifest with the boot loader's lexer (bootld/manifest.h).
$(B)/user/firmament/init.wasm: $(B)/firmament/obj/manifest.o bootld/manifest.h
$(B)/user/firmament/init.wasm: FIR_WASM_CFLAGS += -Ibootld
$(B)/firmament/obj/manifest.o: bootld/manifest.c bootld/manifest.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -c -o $@ $<
$(FIR_TESTS): $(B)/tests/firmament/%.wasm: tests/firmament/%.c $(FIR_LIB_O) $(wildcard tests/firmament/*.h) tests/kernel/kt.h user/firmament/svc.h firmament/fir.h
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) $(FIRT_FLAGS) -Itests/firmament -Itests/kernel -c -o $@.o $<
	$(WASM_CC) $(FIRT_FLAGS) -o $@ $@.o $(FIR_LIB_O) $(FIRT_LDFLAGS)
# mt.c runs threads, each with a shadow stack of its own (nebulet.h,
# thread_create).
$(B)/tests/firmament/mt.wasm: FIRT_FLAGS = -mmutable-globals
$(B)/tests/firmament/mt.wasm: FIRT_LDFLAGS = -Wl,--export=__stack_pointer

# The fatfs service links the FAT32 library (user/fs/), built for wasm.
FAT_WASM_O := $(patsubst user/fs/%.c,$(B)/firmament/obj/fs_%.o,$(FAT_SRC))
$(FAT_WASM_O): $(B)/firmament/obj/fs_%.o: user/fs/%.c $(wildcard user/fs/*.h) | deps
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -Wall -Wextra -Werror -Wno-unused-parameter -c -o $@ $<
$(B)/user/firmament/fatfs.wasm: $(FAT_WASM_O) user/fs/fat.h
$(B)/user/firmament/fatfs.wasm: FIR_WASM_CFLAGS += -Iuser/fs
# The disk image of the file system tests (tests/firmament/fs.manifest):
# made by mkfs.fat and mcopy, as a user makes one, then packed by
# tools/sparse.c (non-zero blocks only) to fit the boot channel.
SPARSE := $(B)/tools/sparse
$(SPARSE): tools/sparse.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<
FS_IMG := $(B)/tests/firmament/disk.img
$(FS_IMG): tests/firmament/mkdisk.sh $(SPARSE) | deps
	@mkdir -p $(@D)
	tests/firmament/mkdisk.sh $@.raw
	$(SPARSE) $@.raw $@
firmament: $(FS_IMG)
# The disk of `make run` (mounted by fatfs as the shell's file system):
# user/README.md and the demo's source on a FAT32 image.
$(RUN_DISK): user/README.md user/hello.c $(SPARSE) | deps
	@mkdir -p $(@D)
	rm -f $@.raw
	mkfs.fat -F 32 -n NEBULET -C $@.raw 33300 >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.raw user/README.md user/hello.c ::/
	$(SPARSE) $@.raw $@

# The hosted firmament with the shell on this terminal (exit or Ctrl-D).
run-firmament: $(B)/nebulet firmament $(B)/user/hello.wasm $(RUN_DISK)
	$(B)/nebulet kernel $(B)/user/firmament/init.wasm \
		user/firmament/default.manifest $(filter-out %/init.wasm,$(FIR_PROGS)) \
		$(B)/tests/firmament/args.wasm $(B)/user/hello.wasm $(RUN_DISK)

# libFuzzer over the generated decoders (tests/firmament/fuzz_fir.c);
# crashing inputs land in tests/firmament/corpus/, replayed by make test.
fuzz-fir: $(FIRC) | deps
	@tests/firmament/build.sh fuzz
	@mkdir -p $(B)/firmament/fuzzcorpus $(B)/fuzz-crashes/fir
	$(B)/firmament/native/fuzz_fir -max_total_time=$(or $(FUZZ_SECONDS),60) \
		-timeout=10 -artifact_prefix=$(B)/fuzz-crashes/fir/crash- \
		$(B)/firmament/fuzzcorpus tests/firmament/corpus

# Drivers (drivers/drivers.mk: wasm drivers, after the firmament).
-include drivers/drivers.mk

# The network service (user/net/net.mk: lwIP, net, switch, ping).
-include user/net/net.mk

# Unmodified third-party programs run under `nebulet run --dir` by
# tests/wasi.sh: zlib's own minigzip (its test/minigzip.c and the gz*
# file functions), from the Debian source the benchmark suite fetches.
APPS_ZLIB_C := $(ZLIB_C) gzlib gzread gzwrite gzclose compress uncompr
$(B)/tests/apps/minigzip.wasm: $(SUITE_SRC)/zlib/.suite-fetched
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -w -DZ_HAVE_UNISTD_H -I$(SUITE_SRC)/zlib -o $@ \
		$(SUITE_SRC)/zlib/test/minigzip.c \
		$(patsubst %,$(SUITE_SRC)/zlib/%.c,$(APPS_ZLIB_C))
test-build: $(B)/tests/apps/minigzip.wasm
# Lua 5.4's own interpreter (Debian's lua.c and every library), for
# WASI on the firmament's files (tests/boot.sh, tests/firmament.sh: a
# script on the FAT disk): errors end it (bench/suite/lua/port.h: no
# setjmp), tests/apps/lua_port.c gives what wasi-libc lacks.
APPS_LUA_C := $(LUA_C) lcorolib ldblib liolib loadlib loslib lutf8lib linit lua
APPS_LIBS := -lwasi-emulated-signal -lwasi-emulated-process-clocks \
	-lwasi-emulated-getpid
APPS_CC := $(WASM_CC) -O2 -w -D_WASI_EMULATED_SIGNAL \
	-D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_GETPID
$(B)/tests/apps/lua.wasm: tests/apps/lua_port.c tests/apps/posix_port.c \
		bench/suite/lua/port.h $(SUITE_SRC)/lua5.4/.suite-fetched
	@mkdir -p $(@D)
	$(APPS_CC) -DL_tmpnam=32 -include bench/suite/lua/port.h \
		-Ibench/suite/lua/include -I$(SUITE_SRC)/lua5.4/src -o $@ \
		$(patsubst %,$(SUITE_SRC)/lua5.4/src/%.c,$(APPS_LUA_C)) \
		$(filter %.c,$^) $(APPS_LIBS)
test-build: $(B)/tests/apps/lua.wasm
# The disk of tests/apps' programs: tests/apps/squares.lua in /lua and
# SQL inserting 10,000 rows (rows.sh) in /sql, on a FAT32 image (sparse;
# the RAM disk serves the boot file called disk.img).
$(B)/tests/apps/disk.img: tests/apps/squares.lua tests/apps/rows.sh $(SPARSE) | deps
	@mkdir -p $(@D)
	rm -f $@.raw
	mkfs.fat -F 32 -n APPS -C $@.raw 33300 >/dev/null
	tests/apps/rows.sh 10000 >$(@D)/rows.sql
	MTOOLS_SKIP_CHECK=1 mmd -i $@.raw ::/lua ::/sql
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.raw $< ::/lua/
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.raw $(@D)/rows.sql ::/sql/
	$(SPARSE) $@.raw $@
	rm -f $@.raw
test-build: $(B)/tests/apps/disk.img
# SQLite's shell (shell.c made from Debian's source by its own
# tool/mkshellc.tcl) over tests/apps/sqlite_vfs.c: a database file on a
# preopen (tests/wasi.sh, tests/firmament.sh, tests/boot.sh).
$(B)/tests/apps/shell.c: $(SUITE_SRC)/sqlite3/.suite-fetched | deps
	@mkdir -p $(@D)
	cd $(SUITE_SRC)/sqlite3 && tclsh tool/mkshellc.tcl >$(CURDIR)/$@.tmp
	mv $@.tmp $@
$(B)/tests/apps/sqlite3.wasm: $(B)/tests/apps/shell.c tests/apps/sqlite_vfs.c \
		tests/apps/posix_port.c tests/apps/include/pwd.h bench/suite/sqlite_os.c
	$(APPS_CC) -I. -Itests/apps/include -DSQLITE_OMIT_POPEN \
		$(SQLITE_FLAGS) -o $@ $(filter-out %/sqlite_os.c,$(filter %.c,$^)) \
		$(SQLITE_A)/sqlite3.c \
		$(APPS_LIBS)
test-build: $(B)/tests/apps/sqlite3.wasm
# SQLite's speedtest1 on a database file (bench/storage.sh): the suite's
# amalgamation over tests/apps/sqlite_vfs.c, for wasm32-wasi and, the
# baseline, natively (gcc -O2, the same VFS and flags).
SPEEDTEST1_SRC = $(SQLITE_A)/sqlite3.c $(SUITE_SRC)/sqlite3/test/speedtest1.c \
	tests/apps/sqlite_vfs.c
$(B)/bench/speedtest1.wasm: tests/apps/sqlite_vfs.c tests/apps/posix_port.c \
		bench/suite/sqlite_os.c $(SUITE_SRC)/sqlite3/.suite-fetched
	@mkdir -p $(@D)
	$(APPS_CC) -I. -Itests/apps/include $(SQLITE_FLAGS) -o $@ \
		$(SPEEDTEST1_SRC) tests/apps/posix_port.c $(APPS_LIBS)
$(B)/bench/speedtest1.native: tests/apps/sqlite_vfs.c bench/suite/sqlite_os.c \
		$(SUITE_SRC)/sqlite3/.suite-fetched
	@mkdir -p $(@D)
	$(CC) -O2 -w -I. $(SQLITE_FLAGS) -o $@ $(SPEEDTEST1_SRC) -lm
