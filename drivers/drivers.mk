# drivers/drivers.mk: wasm drivers (drivers/NAME/NAME.c, built against the
# SDK and the firmament's generated code, like user/firmament) and the
# boot tests' firmament clients. Included at the end of the top Makefile
# (it needs the firmament's variables). Native drivers (*_native.c) are
# compiled into the kernel image by hal/x86_64/x86_64.mk.
DRIVERS_WASM := $(B)/drivers/uart16550.wasm
$(DRIVERS_WASM): $(B)/drivers/%.wasm: drivers/%/ $(wildcard drivers/*/*.[ch]) $(FIR_LIB_O) firmament/fir.h user/firmament/svc.h
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -Idrivers/$* -c -o $@.o drivers/$*/$*.c
	$(WASM_CC) -o $@ $@.o $(FIR_LIB_O)
$(B)/tests/boot/conclient.wasm: tests/boot/conclient.c $(FIR_LIB_O) firmament/fir.h
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o $(FIR_LIB_O)
$(B)/tests/boot/drvkill.wasm: tests/boot/drvkill.c tests/kernel/kt.h $(FIR_LIB_O) firmament/fir.h
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -Itests/kernel -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o $(FIR_LIB_O)
# The virtio transport (drivers/virtio/virtio_pci.c) over the SDK's PCI
# calls (virtio_wasm.c), linked into the boot test that drives a
# virtio-blk device with it.
VIRTIO_WASM_SRC := drivers/virtio/virtio_pci.c drivers/virtio/virtio_wasm.c
$(B)/tests/boot/vblk.wasm: tests/boot/vblk.c $(VIRTIO_WASM_SRC) $(wildcard drivers/virtio/*.h) tests/kernel/kt.h $(SDK_H) | deps
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -Wall -Werror -Iuser/include -Itests/kernel -Idrivers/virtio -c -o $@.o $<
	$(WASM_CC) -O2 -Wall -Werror -Iuser/include -Idrivers/virtio -c -o $@.pci.o drivers/virtio/virtio_pci.c
	$(WASM_CC) -O2 -Wall -Werror -Iuser/include -Idrivers/virtio -c -o $@.io.o drivers/virtio/virtio_wasm.c
	$(WASM_CC) -o $@ $@.o $@.pci.o $@.io.o
# A hostile client of the virtio-net device (tests/net.sh): garbage
# descriptors, on the same transport.
$(B)/tests/boot/vnetevil.wasm: tests/boot/vnetevil.c $(VIRTIO_WASM_SRC) $(wildcard drivers/virtio/*.h) tests/kernel/kt.h $(SDK_H) | deps
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -Wall -Werror -Iuser/include -Itests/kernel -Idrivers/virtio -o $@ $< $(VIRTIO_WASM_SRC)
test-build: $(B)/tests/boot/vnetevil.wasm
# The virtio-net EthernetNic driver (drivers/virtio_net) on the shared
# core (drivers/virtio/vnet.c) and transport, and its test client.
VIRTIO_NET_SRC := $(VIRTIO_WASM_SRC) drivers/virtio/vnet.c drivers/virtio/vnet_nic.c
$(B)/drivers/virtio_net.wasm: drivers/virtio_net/virtio_net.c $(VIRTIO_NET_SRC) $(wildcard drivers/virtio/*.h) $(FIR_LIB_O) firmament/fir.h user/firmament/svc.h
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -Idrivers/virtio -c -o $@.o $<
	for f in $(VIRTIO_NET_SRC); do \
		$(WASM_CC) $(FIR_WASM_CFLAGS) -Idrivers/virtio -c -o $@.$$(basename $$f .c).o $$f || exit 1; done
	$(WASM_CC) -o $@ $@.o $(patsubst %,$@.%.o,$(basename $(notdir $(VIRTIO_NET_SRC)))) $(FIR_LIB_O)
$(B)/tests/boot/nicclient.wasm: tests/boot/nicclient.c tests/kernel/kt.h $(FIR_LIB_O) firmament/fir.h
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -Itests/kernel -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o $(FIR_LIB_O)
# The virtio-blk Block driver (drivers/virtio_blk) on the shared core
# (drivers/virtio/vblk.c, vblk_block.c) and transport.
VIRTIO_BLK_SRC := $(VIRTIO_WASM_SRC) drivers/virtio/vblk.c drivers/virtio/vblk_block.c
$(B)/drivers/virtio_blk.wasm: drivers/virtio_blk/virtio_blk.c $(VIRTIO_BLK_SRC) $(wildcard drivers/virtio/*.h) $(FIR_LIB_O) firmament/fir.h user/firmament/svc.h
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -Idrivers/virtio -c -o $@.o $<
	for f in $(VIRTIO_BLK_SRC); do \
		$(WASM_CC) $(FIR_WASM_CFLAGS) -Idrivers/virtio -c -o $@.$$(basename $$f .c).o $$f || exit 1; done
	$(WASM_CC) -o $@ $@.o $(patsubst %,$@.%.o,$(basename $(notdir $(VIRTIO_BLK_SRC)))) $(FIR_LIB_O)
# `make run` and the ISO boot it with the firmament (default.manifest).
firmament: $(B)/drivers/virtio_blk.wasm
$(B)/tests/boot/blkclient.wasm: tests/boot/blkclient.c tests/kernel/kt.h $(FIR_LIB_O) firmament/fir.h
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -Itests/kernel -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o $(FIR_LIB_O)
# tests/firmament/blkfault.c kills the block driver from a thread of its
# own (a shadow stack per thread, as mt.c).
$(B)/tests/firmament/blkfault.wasm: FIRT_FLAGS = -mmutable-globals
$(B)/tests/firmament/blkfault.wasm: FIRT_LDFLAGS = -Wl,--export=__stack_pointer
# The file system benchmark (bench/storage.sh).
$(B)/bench/fsbench.wasm: bench/firmament/fsbench.c $(FIR_LIB_O) firmament/fir.h user/firmament/svc.h
	@mkdir -p $(@D)
	$(WASM_CC) $(FIR_WASM_CFLAGS) -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o $(FIR_LIB_O)
