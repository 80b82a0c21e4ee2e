# user/net/net.mk (included by the Makefile, after the firmament's
# rules): the network service and its programs (user/net/README.md).
# lwIP comes from Debian's source package, unpacked once per machine
# into $(NET_LWIP) by bench/suite/fetch.sh, and is compiled with our
# lwipopts.h and arch/cc.h; tests/net/ holds their tests.
NET_LWIP := $(or $(NEBULET_SRC),$(HOME)/.cache/nebulet/src)/lwip
NET_B := $(B)/net
# lwIP's core, IPv4 and Ethernet: all that NO_SYS and the raw API use
# (lwip.files, which tests/fuzz/build.sh reads too).
LWIP_C := $(shell cat user/net/lwip.files)
LWIP_WASM_O := $(patsubst %,$(NET_B)/lwip/%.o,$(LWIP_C))
NET_H := $(wildcard user/net/*.h user/net/arch/*.h)
NET_CFLAGS := $(FIR_WASM_CFLAGS) -Wextra -Wno-unused-parameter -Iuser/net \
	-I$(NET_LWIP)/src/include
NET_PROGS := $(patsubst %,$(B)/user/net/%.wasm,net switch ping tcpd)
NET_TESTS := $(patsubst tests/net/%.c,$(B)/tests/net/%.wasm,$(wildcard tests/net/*.c))
.PHONY: net
net: $(NET_PROGS) $(NET_TESTS)
test-build: net

$(NET_LWIP)/.net-fetched: | deps
	bench/suite/fetch.sh lwip
	touch $@
$(LWIP_WASM_O): $(NET_B)/lwip/%.o: $(NET_LWIP)/.net-fetched user/net/lwipopts.h user/net/arch/cc.h
	@mkdir -p $(@D)
	$(WASM_CC) -O2 $(WARN) -Iuser/net -I$(NET_LWIP)/src/include -c -o $@ \
		$(NET_LWIP)/src/$*.c
$(NET_B)/obj/%.o: user/net/%.c $(NET_H) $(FIR_GEN_C) $(FIR_WIRE_C) $(NET_LWIP)/.net-fetched
	@mkdir -p $(@D)
	$(WASM_CC) $(NET_CFLAGS) -c -o $@ $<
$(B)/user/net/net.wasm: $(patsubst %,$(NET_B)/obj/%.o,net sock nif port netc) \
	$(LWIP_WASM_O) $(FIR_LIB_O)
$(B)/user/net/switch.wasm: $(NET_B)/obj/switch.o $(FIR_LIB_O)
$(B)/user/net/ping.wasm: $(patsubst %,$(NET_B)/obj/%.o,ping netc) $(FIR_LIB_O)
$(B)/user/net/tcpd.wasm: $(patsubst %,$(NET_B)/obj/%.o,tcpd netc) $(FIR_LIB_O)
$(NET_PROGS):
	@mkdir -p $(@D)
	$(WASM_CC) -o $@ $^
$(NET_TESTS): $(B)/tests/net/%.wasm: tests/net/%.c $(NET_B)/obj/netc.o $(FIR_LIB_O) $(NET_H) tests/kernel/kt.h
	@mkdir -p $(@D)
	$(WASM_CC) $(NET_CFLAGS) -Itests/kernel -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o $(NET_B)/obj/netc.o $(FIR_LIB_O)
