# One Makefile for the monitor (host), the kernel and servers (guest),
# the tests and the benchmarks. `make` leaves ./vmm and ./kernel.elf here.

VERSION     := 0.1.0
B           := build
HOSTCC      ?= cc
GUESTCC     ?= cc
GUESTLD     ?= ld

WARN        := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -MMD -MP -Ishared/include \
               -D_GNU_SOURCE -DVMM_VERSION='"$(VERSION)"'
HOST_LIBS   := -lelf -lpthread

GUEST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -MMD -MP -Ishared/include \
                -ffreestanding -nostdlib -fno-stack-protector -fpie \
                -fno-plt -mno-red-zone -mno-sse -mno-sse2 -mno-mmx \
                -mno-avx -mgeneral-regs-only -fno-asynchronous-unwind-tables \
                -DKERNEL_VERSION='"$(VERSION)"'
# No frame pointer (-O2 omits it): under KVM PVM every kernel instruction
# is emulated (about 0.6 us), and nothing reads the kernel's frame chain.
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
                 --no-warn-rwx-segments --build-id=none

# Unit tests: the same .c files the products use, compiled for the host.
UNIT_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Wno-missing-prototypes -MMD -MP \
               -Ishared/include -D_GNU_SOURCE -DHOST_TEST

# --- monitor ---------------------------------------------------------
VMM_SRCS    := $(wildcard monitor/*.c)
VMM_OBJS    := $(VMM_SRCS:%.c=$(B)/%.o)
# Everything but the KVM driver and main() links into the unit tests.
VMM_PURE    := $(filter-out monitor/main.c monitor/kvm.c monitor/kvm_x86.c,\
                 $(VMM_SRCS))

# --- kernel ----------------------------------------------------------
KERNEL_SRCS := $(wildcard guest-kernel/*.c) $(wildcard guest-kernel/*.S)
KERNEL_OBJS := $(patsubst %,$(B)/%.o,$(basename $(KERNEL_SRCS)))
# Architecture-free kernel files, also compiled for the host tests.
KERNEL_PURE := $(wildcard $(addprefix guest-kernel/,frame.c cmdline.c cap.c \
                 memmap.c fmt.c sched.c ipc.c obj.c))

# --- user space: libuk, the servers, the boot archive ----------------
USER_CFLAGS := -std=gnu11 -O2 -g $(WARN) -MMD -MP -Ishared/include \
               -Iguest-servers/lib -Iguest-kernel -ffreestanding -nostdlib \
               -fno-stack-protector -fno-pie -mno-red-zone -mno-sse \
               -mno-sse2 -mno-mmx -mno-avx -mgeneral-regs-only \
               -fno-asynchronous-unwind-tables -DUSER_SPACE
USER_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=4096 \
                -z noexecstack --build-id=none --strip-debug \
                -T guest-servers/lib/user.ld
LIBUK_SRCS  := $(wildcard guest-servers/lib/*.c guest-servers/lib/*.S) \
               guest-kernel/fmt.c
LIBUK_OBJS  := $(patsubst %,$(B)/user/%.o,$(basename $(LIBUK_SRCS)))
LIBUK       := $(B)/user/libuk.a
# Every folder of guest-servers/ but lib/ is one program; init goes first
# in the boot archive.
SERVERS     := $(sort $(filter-out lib,$(notdir $(patsubst %/,%,$(dir \
                 $(wildcard guest-servers/*/*.c))))))
SERVER_ELFS := $(SERVERS:%=$(B)/user/%.elf)
BOOTFS      := $(B)/bootfs.img
MKBOOTFS    := $(B)/tools/mkbootfs

UNIT_VMM    := $(B)/tests/unit-vmm
FAKEKVM     := $(B)/tests/fakekvm.so
UNIT_KERNEL := $(B)/tests/unit-kernel
UNIT_USER   := $(B)/tests/unit-user
# User-space logic that the host tests link (no system calls inside).
USER_PURE   := $(wildcard guest-servers/lib/alloc.c guest-servers/lib/elf.c \
                 guest-servers/lib/regname.c guest-servers/init/archive.c \
                 guest-servers/init/opts.c guest-servers/registry/table.c \
                 guest-servers/lib/virtq.c guest-servers/blk/session.c \
                 guest-servers/fs/layout.c guest-servers/net/eth.c \
                 guest-servers/net/arp.c guest-servers/net/ip.c \
                 guest-servers/net/udp.c guest-servers/net/socket.c)

.PHONY: all run test bench bench-boot bench-ipc bench-blk bench-net bench-nested fuzz deps clean help
all: vmm kernel.elf

help:
	@echo "make            build ./vmm and ./kernel.elf"
	@echo "make run        install missing packages, build, boot the demo"
	@echo "make test       build and run every test (unit + whole system)"
	@echo "make bench      run every benchmark (bench/out/*.json)"
	@echo "make bench-boot boot time and memory, vmm against QEMU microvm"
	@echo "make bench-ipc  IPC round trip in the guest, against Linux pipes"
	@echo "make bench-blk  block throughput in the guest, vmm against QEMU"
	@echo "make bench-net  ping and UDP echo round trips, host to guest"
	@echo "make bench-nested  vmm and QEMU on a nested KVM (no /dev/kvm here)"

vmm: $(VMM_OBJS)
	$(HOSTCC) -o $@ $^ $(HOST_LIBS)

$(B)/monitor/%.o: monitor/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

kernel.elf: $(KERNEL_OBJS) guest-kernel/kernel.ld
	$(GUESTLD) $(GUEST_LDFLAGS) -T guest-kernel/kernel.ld -o $@ $(KERNEL_OBJS)

$(B)/guest-kernel/%.o: guest-kernel/%.c
	@mkdir -p $(dir $@)
	$(GUESTCC) $(GUEST_CFLAGS) -c -o $@ $<

$(B)/guest-kernel/%.o: guest-kernel/%.S
	@mkdir -p $(dir $@)
	$(GUESTCC) $(GUEST_CFLAGS) -I$(B) -c -o $@ $<

# The boot archive is part of the kernel image (guest-kernel/bootfs.S).
$(B)/guest-kernel/bootfs.o: $(BOOTFS)

$(B)/user/%.o: %.c
	@mkdir -p $(dir $@)
	$(GUESTCC) $(USER_CFLAGS) -c -o $@ $<

$(B)/user/%.o: %.S
	@mkdir -p $(dir $@)
	$(GUESTCC) $(USER_CFLAGS) -c -o $@ $<

$(LIBUK): $(LIBUK_OBJS)
	rm -f $@ && ar rcs $@ $^

.SECONDEXPANSION:
$(B)/user/%.elf: $$(addprefix $(B)/user/,$$(subst .c,.o,$$(wildcard guest-servers/$$*/*.c))) \
		$(LIBUK) guest-servers/lib/user.ld
	$(GUESTLD) $(USER_LDFLAGS) -o $@ $(filter %.o,$^) $(LIBUK)

$(MKBOOTFS): tools/mkbootfs.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $<

$(BOOTFS): $(MKBOOTFS) $(SERVER_ELFS)
	$(MKBOOTFS) $@ $(filter %/init.elf,$(SERVER_ELFS)) \
		$(filter-out %/init.elf,$(SERVER_ELFS))

# --- tests -----------------------------------------------------------
$(UNIT_VMM): $(wildcard tests/unit/vmm_*.c tests/unit/vmm_*.h) $(VMM_PURE) \
		$(wildcard monitor/*.h) tests/fakekvm/kvm_exit.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -Imonitor -o $@ $(filter %.c,$^) \
		-lcriterion $(HOST_LIBS)

# The fake /dev/kvm of tests/system/fakekvm.sh, an LD_PRELOAD shim.
$(FAKEKVM): tests/fakekvm/fakekvm.c tests/fakekvm/kvm_exit.h
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -O1 -g $(WARN) -shared -fPIC -o $@ $< -ldl

$(UNIT_KERNEL): $(wildcard tests/unit/kernel_*.c) $(KERNEL_PURE) \
		$(wildcard guest-kernel/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -Iguest-kernel -o $@ $(filter %.c,$^) \
		-lcriterion

$(UNIT_USER): $(wildcard tests/unit/user_*.c) $(USER_PURE) \
		$(wildcard guest-servers/*/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -Iguest-servers/lib -Iguest-servers/registry \
		-o $@ $(filter %.c,$^) -lcriterion

deps:
	@scripts/deps.sh

test: deps all $(UNIT_VMM) $(UNIT_KERNEL) $(UNIT_USER) $(FAKEKVM)
	@tests/run-all.sh $(UNIT_VMM) $(UNIT_KERNEL) $(UNIT_USER)

run: deps all
	@scripts/run-demo.sh

bench: bench-boot bench-ipc bench-blk bench-net bench-nested
	@echo; echo "== all benchmarks"; bench/report.sh

bench-boot: deps all
	@bench/boot.sh

bench-ipc: deps all
	@bench/ipc.sh

bench-blk: deps all
	@bench/blk.sh

bench-net: deps all
	@bench/net.sh

bench-nested: deps all
	@bench/nested.sh

# A hostile guest against the monitor's virtio devices, under libFuzzer,
# AddressSanitizer and UBSan (clang). make test runs a short fixed-seed
# pass (tests/system/fuzz.sh); make fuzz runs FUZZ_SECONDS on a corpus
# kept in build/fuzz/corpus.
FUZZ_SECONDS ?= 60
FUZZ_SRCS := tests/fuzz/virtio.c $(addprefix monitor/,virtio_mmio.c virtq.c \
             virtio_blk.c virtio_net.c virtio_console.c iothread.c bus.c \
             mem.c log.c tap.c term.c)

$(B)/fuzz/virtio: $(FUZZ_SRCS) $(wildcard monitor/*.h) shared/include/platform.h
	@mkdir -p $(dir $@)
	clang -std=gnu11 -g -O1 $(WARN) -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -D_GNU_SOURCE -DHOST_TEST \
		-Ishared/include -Imonitor -o $@ $(FUZZ_SRCS)

fuzz: $(B)/fuzz/virtio
	@mkdir -p $(B)/fuzz/corpus
	$(B)/fuzz/virtio -max_total_time=$(FUZZ_SECONDS) \
		-artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus

clean:
	rm -rf $(B) vmm kernel.elf bench/out

-include $(shell find $(B) -name '*.d' 2>/dev/null)
