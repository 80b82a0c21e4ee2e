# Nebulet build. GNU make, C11, warnings are errors.
#   make            build the hosted runner build/nebulet
#   make run        boot Nebulet in QEMU with the default programs
#   make run-hosted run the default demo program as a Linux process
#   make test       every test; last line "N passed, N failed"
#   make bench      benchmarks beside their baselines -> build/bench/results.json
#   make fuzz FUZZ_SECONDS=N   libFuzzer targets
#   make format     clang-format every C file in place
SHELL := /bin/bash
CC := gcc
WASM_CC := clang --target=wasm32-wasi --sysroot=/usr
B := build
SPEC_DIR ?= ../shared/wasm-spec-tests

WARN := -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE $(WARN) -g -I. -Inucleus -Ihal
CFLAGS := $(CFLAGS_COMMON) -O2
ASAN_CC := clang
ASAN_FLAGS := $(CFLAGS_COMMON) -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined

NUCLEUS := $(wildcard nucleus/*.c)
HOSTED := $(wildcard hal/hosted/*.c)
KERNEL := $(wildcard kernel/*.c)
RUNNER := $(wildcard tools/nebulet/*.c)
HEADERS := $(wildcard nucleus/*.h hal/*.h kernel/*.h tools/nebulet/*.h)
CORE := $(NUCLEUS) $(HOSTED) $(KERNEL)

.PHONY: all deps run run-hosted test bench fuzz fuzz-diff format clean spec-json user
all: $(B)/nebulet

deps:
	@tools/deps.sh

$(B)/nebulet: $(CORE) $(RUNNER) $(HEADERS) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(CORE) $(RUNNER) -lm

# The same runner under AddressSanitizer and UBSan, for tests.
$(B)/asan/nebulet: $(CORE) $(RUNNER) $(HEADERS) | deps
	@mkdir -p $(@D)
	$(ASAN_CC) $(ASAN_FLAGS) -o $@ $(CORE) $(RUNNER) -lm

# Unit tests: tests/unit/test_NAME.c, each its own program, sanitized.
UNIT := $(patsubst tests/unit/%.c,$(B)/asan/unit/%,$(wildcard tests/unit/test_*.c))
$(B)/asan/unit/%: tests/unit/%.c $(CORE) $(HEADERS) | deps
	@mkdir -p $(@D)
	$(ASAN_CC) $(ASAN_FLAGS) -o $@ $< $(CORE) -lm

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
$(B)/tests/wasi/%.wasm: tests/wasi/%.c
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -Wall -Werror -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o
user: $(USER_WASM)

# Kernel test programs: tests/kernel/NAME.c (against the SDK header
# user/include/nebulet.h) and NAME.wat, run by tests/kernel.sh.
KERNEL_TEST_WASM := $(patsubst tests/kernel/%.c,$(B)/tests/kernel/%.wasm,$(wildcard tests/kernel/*.c)) \
	$(patsubst tests/kernel/%.wat,$(B)/tests/kernel/%.wasm,$(wildcard tests/kernel/*.wat))
$(B)/tests/kernel/%.wasm: tests/kernel/%.c tests/kernel/kt.h user/include/nebulet.h | deps
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -Wall -Werror -Iuser/include -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o
$(B)/tests/kernel/%.wasm: tests/kernel/%.wat | deps
	@mkdir -p $(@D)
	wat2wasm $< -o $@

# Spec tests converted by wabt's wast2json (non-SIMD core files).
SPEC_WAST := $(wildcard $(SPEC_DIR)/core/*.wast)
SPEC_JSON := $(patsubst $(SPEC_DIR)/core/%.wast,$(B)/spec/%/test.json,$(SPEC_WAST))
$(B)/spec/%/test.json: $(SPEC_DIR)/core/%.wast | deps
	@mkdir -p $(@D)
	@wast2json $< -o $@
spec-json: $(SPEC_JSON)

# make run: the bare-metal kernel in QEMU running the default programs
# (user/*.c) from a boot archive; Ctrl-A x quits. make run-hosted: the
# demo on the hosted HAL, as a Linux process.
run: $(B)/nebulet $(B)/nebulet.elf $(USER_WASM)
	@mkdir -p $(B)/boot
	$(B)/nebulet pack -o $(B)/boot/default.initrd $(USER_WASM)
	$(B)/nebulet boot -v --initrd=$(B)/boot/default.initrd

run-hosted: $(B)/nebulet $(B)/user/hello.wasm
	$(B)/nebulet run $(B)/user/hello.wasm

test: $(B)/nebulet $(B)/asan/nebulet $(UNIT) $(SPEC_JSON) $(TEST_WASM) $(USER_WASM) \
	$(KERNEL_TEST_WASM)
	@tests/run.sh

bench: $(B)/nebulet | deps
	@bench/run.sh

fuzz: | deps
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

# Differential fuzzing, interpreter against JIT (tests/fuzz/diff.sh).
fuzz-diff: | deps
	@tests/fuzz/diff.sh $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

# The bare-metal x86-64 build (build/nebulet.elf) and its boot tests.
-include hal/x86_64/x86_64.mk
