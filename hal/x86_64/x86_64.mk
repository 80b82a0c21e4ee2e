# hal/x86_64/x86_64.mk: the bare-metal kernel build/nebulet.elf (included by
# the top Makefile). Every .c and .S file of hal/x86_64 is compiled
# freestanding for the kernel code model; the HAL uses general registers
# only (-mgeneral-regs-only), so interrupt handlers never touch SSE state,
# while SSE itself is enabled at boot for code that will need floats.
#   make build/nebulet.elf   the kernel
#   make boot                build it and run its QEMU tests (tests/boot.sh)
#   make run-bare            boot it with the serial console on the terminal
#                            (APPEND="test=self" passes a command line;
#                            Ctrl-A x quits QEMU); fails if the kernel
#                            exits with a non-zero code
#   make iso                 build/nebulet.iso: GRUB (BIOS and UEFI) booting
#                            the kernel through multiboot2 with make run's
#                            archive (ISO_CMDLINE="..." passes a command
#                            line); tools/mkiso.sh
#   make run-iso             boot it with SeaBIOS (OVMF=1: UEFI firmware)
X86_CC ?= gcc
X86_DIR := hal/x86_64
X86_SRC := $(wildcard $(X86_DIR)/*.c) $(wildcard $(X86_DIR)/*.S)
X86_OBJ := $(patsubst $(X86_DIR)/%,$(B)/x86_64/%.o,$(X86_SRC))
X86_CFLAGS = -std=c11 -O2 -g -ffreestanding -nostdinc \
	-isystem $(shell $(X86_CC) -print-file-name=include) \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables \
	$(WARN) -I. -I$(B)/gen -Ilibk/include -MMD -MP
# The portable code linked into the kernel image: the nucleus, the kernel
# (objects, processes, scheduler, kernel calls, WASI), the boot-archive
# runner (bootld/, the boot loader), the firmament's pure code (FIR_PURE, the top Makefile)
# and the C library they need (libk/). They are
# compiled with SSE (the interpreter's floats are SSE2, never x87) against
# libk's headers. `_Thread_local` becomes per-CPU storage (the .percpu
# window, kernel.ld): each CPU has its own copy, and wasm_exec_switch
# saves the interpreter's state per kernel thread. -fdata-sections puts
# each variable in a section of its own, so that kernel.ld can move the
# nucleus's per-thread engine state into the window by name.
# libk's string and heap functions may run inside exception handlers
# (memset of a demand-zero page), so they are built like the HAL, without SSE.
X86_PORTABLE := $(wildcard nucleus/*.c) $(wildcard kernel/*.c) $(wildcard bootld/*.c) \
	$(wildcard drivers/*/*_native.c) $(FIR_PURE) \
	drivers/virtio/virtio_pci.c drivers/virtio/vnet.c drivers/virtio/vnet_nic.c \
	drivers/virtio/vblk.c drivers/virtio/vblk_block.c
X86_LIBK := $(wildcard libk/*.c)
X86_LIBK_NOSSE := libk/string.c libk/stdlib.c
X86_SSE_CFLAGS = $(filter-out -mgeneral-regs-only,$(X86_CFLAGS)) \
	-fdata-sections '-D_Thread_local=__attribute__((section(".percpu")))'
X86_OBJ += $(patsubst %.c,$(B)/x86_64/portable/%.c.o,$(X86_PORTABLE) $(X86_LIBK))

X86_LDFLAGS = -nostdlib -static $(if $(findstring clang,$(X86_CC)),,-no-pie) \
	-Wl,-T,$(X86_DIR)/kernel.ld -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,--no-warn-rwx-segments

QEMU_ACCEL = $(shell [ -r /dev/kvm ] && [ -w /dev/kvm ] \
	&& echo -accel kvm || echo -accel tcg)
QEMU_BARE = qemu-system-x86_64 $(QEMU_ACCEL) \
	$(shell [ -f /usr/share/qemu/qboot.rom ] && echo -bios /usr/share/qemu/qboot.rom) \
	-m 128M -display none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: boot run-bare iso run-iso
$(B)/x86_64/%.c.o: $(X86_DIR)/%.c
	@mkdir -p $(@D)
	$(X86_CC) $(X86_CFLAGS) -c -o $@ $<
$(B)/x86_64/%.S.o: $(X86_DIR)/%.S
	@mkdir -p $(@D)
	$(X86_CC) $(X86_CFLAGS) -c -o $@ $<
$(B)/x86_64/portable/%.c.o: %.c | $(FIR_WIRE_C)
	@mkdir -p $(@D)
	$(X86_CC) $(if $(filter $<,$(X86_LIBK_NOSSE)),$(X86_CFLAGS),$(X86_SSE_CFLAGS)) -c -o $@ $<
# Linked twice: the second link adds the symbol table (ksyms.awk) made
# from the first, for symbolized backtraces; the text must not move.
$(B)/nebulet.elf: $(X86_OBJ) $(X86_DIR)/kernel.ld $(X86_DIR)/ksyms.awk
	awk -f $(X86_DIR)/ksyms.awk </dev/null >$(B)/x86_64/ksyms0.S
	$(X86_CC) -c -o $(B)/x86_64/ksyms0.o $(B)/x86_64/ksyms0.S
	$(X86_CC) $(X86_LDFLAGS) -o $@.0 $(X86_OBJ) $(B)/x86_64/ksyms0.o
	nm -n $@.0 | awk -f $(X86_DIR)/ksyms.awk >$(B)/x86_64/ksyms.S
	$(X86_CC) -c -o $(B)/x86_64/ksyms.o $(B)/x86_64/ksyms.S
	$(X86_CC) $(X86_LDFLAGS) -o $@ $(X86_OBJ) $(B)/x86_64/ksyms.o
	cmp -s <(nm -n $@.0 | grep -i ' t ') <(nm -n $@ | grep -i ' t ') || \
		{ echo "$@: text moved between the two links"; rm -f $@; exit 1; }
	rm -f $@.0

# Wasm programs of the boot tests (tests/boot/NAME.c): kernel-aware ones
# use the SDK header and tests/kernel/kt.h.
$(B)/tests/boot/%.wasm: tests/boot/%.c tests/kernel/kt.h $(SDK_H) | deps
	@mkdir -p $(@D)
	$(WASM_CC) -O2 -Wall -Werror -Iuser/include -Itests/kernel -c -o $@.o $<
	$(WASM_CC) -o $@ $@.o

boot: $(B)/nebulet.elf
	@B=$(B) tests/boot.sh

# QEMU's status (c << 1) | 1 from isa-debug-exit becomes the kernel's c.
run-bare: $(B)/nebulet.elf
	@$(QEMU_BARE) -serial mon:stdio -kernel $< -append "$(APPEND)"; \
	s=$$?; [ $$((s & 1)) = 1 ] && s=$$((s >> 1)); exit $$s

# The ISO: the firmament's archive as `make run` packs it (RUN_FILES, the
# top Makefile), with a manifest line "--kernel FILES...".
iso: $(B)/nebulet $(B)/nebulet.elf firmament $(USER_WASM)
	echo "--kernel $(RUN_FILES)" >$(B)/nebulet.manifest
	$(B)/nebulet pack -o $(B)/nebulet.archive \
		--manifest=$(B)/nebulet.manifest $(RUN_FILES)
	tools/mkiso.sh $(B)/nebulet.iso $(B)/nebulet.elf $(B)/nebulet.archive \
		"$(ISO_CMDLINE)"

# Without isa-debug-exit: the kernel powers the machine off (ACPI).
# UEFI: OVMF's code and a copy of its variable store as pflash.
OVMF_DIR := /usr/share/OVMF
OVMF_PFLASH = -drive if=pflash,format=raw,readonly=on,file=$(OVMF_DIR)/OVMF_CODE_4M.fd \
	-drive if=pflash,format=raw,file=$(B)/ovmf_vars.fd
run-iso: iso
	$(if $(OVMF),cp $(OVMF_DIR)/OVMF_VARS_4M.fd $(B)/ovmf_vars.fd)
	qemu-system-x86_64 $(QEMU_ACCEL) -m 256M -display none -no-reboot \
		-serial mon:stdio $(if $(OVMF),$(OVMF_PFLASH)) \
		-cdrom $(B)/nebulet.iso

-include $(X86_OBJ:.o=.d)
