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
                -Ishared/lib -ffreestanding -nostdlib -fno-stack-protector -fpie \
                -fno-plt -mno-red-zone -mno-sse -mno-sse2 -mno-mmx \
                -mno-avx -mgeneral-regs-only -fno-asynchronous-unwind-tables \
                -DKERNEL_VERSION='"$(VERSION)"'
# No frame pointer (-O2 omits it): under KVM PVM every kernel instruction
# is emulated (about 0.6 us), and nothing reads the kernel's frame chain.
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
                 --no-warn-rwx-segments --build-id=none
# Freestanding code both the kernel and user space link, built for each.
SHARED_LIB    := $(wildcard shared/lib/*.c)

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
# The kernel's own sources, and shared/lib (the formatter and the string
# functions, which user space links too) built with the kernel's flags.
KERNEL_SRCS := $(wildcard guest-kernel/*.c) $(wildcard guest-kernel/*.S)
KERNEL_OBJS := $(patsubst %,$(B)/%.o,$(basename $(KERNEL_SRCS))) \
               $(patsubst %.c,$(B)/kernel/%.o,$(SHARED_LIB))
# Architecture-free kernel files, also compiled for the host tests.
KERNEL_PURE := $(wildcard $(addprefix guest-kernel/,frame.c cmdline.c cap.c \
                 memmap.c sched.c ipc.c obj.c)) shared/lib/fmt.c

# --- user space ------------------------------------------------------
# A program is a folder of .c files: guest-servers/ROLE/NAME/ for the
# product, tests/guest/NAME/ for in-guest tests, bench/guest/NAME/ for
# guest benchmarks. Its boot-archive name is NAME; its ELF is
# build/user/FOLDER.elf. Libraries are the folders named lib.
USER_CFLAGS := -std=gnu11 -O2 -g $(WARN) -MMD -MP -Ishared/include \
               -Ishared/lib -Iguest-servers/lib -ffreestanding -nostdlib \
               -fno-stack-protector -fno-pie -mno-red-zone -mno-sse \
               -mno-sse2 -mno-mmx -mno-avx -mgeneral-regs-only \
               -fno-asynchronous-unwind-tables -DUSER_SPACE
USER_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=4096 \
                -z noexecstack --build-id=none --strip-debug \
                -T guest-servers/lib/user.ld
LIBUK_SRCS  := $(wildcard guest-servers/lib/*.c guest-servers/lib/*.S) \
               $(SHARED_LIB)
LIBUK_OBJS  := $(patsubst %,$(B)/user/%.o,$(basename $(LIBUK_SRCS)))
LIBUK       := $(B)/user/libuk.a
# The in-guest tests' helpers (CHECK, EXPECT, the verdict line).
LIBCHECK_SRCS := $(wildcard tests/guest/lib/*.c)
LIBCHECK    := $(B)/user/libcheck.a

prog_dirs    = $(filter-out %/lib,$(patsubst %/,%,$(sort $(dir $(wildcard $(1))))))
PRODUCT_DIRS := $(call prog_dirs,guest-servers/*/*/*.c)
TEST_DIRS    := $(call prog_dirs,tests/guest/*/*.c) \
                $(call prog_dirs,bench/guest/*/*.c)
PRODUCT_ELFS := $(PRODUCT_DIRS:%=$(B)/user/%.elf)
# abiold: hello marked as built for another ABI version (init refuses it).
TEST_ELFS    := $(TEST_DIRS:%=$(B)/user/%.elf) $(B)/user/tests/abiold.elf
INIT_ELF     := $(filter %/init.elf,$(PRODUCT_ELFS))
# A program's uses file (FOLDER/uses: the services it may look up, as
# init tells the registry) goes in the archive as NAME.uses.
PRODUCT_USES := $(patsubst %/uses,$(B)/user/%.uses,$(wildcard \
                  $(PRODUCT_DIRS:%=%/uses)))
TEST_USES    := $(patsubst %/uses,$(B)/user/%.uses,$(wildcard \
                  $(TEST_DIRS:%=%/uses)))
# The product's boot archive, and the tests' (the product's programs and
# every test and benchmark): the same kernel packed twice.
BOOTFS      := $(B)/bootfs.img
BOOTFS_TEST := $(B)/test/bootfs.img
KERNEL_TEST := $(B)/kernel-test.elf
MKBOOTFS    := $(B)/tools/mkbootfs
# The sandbox's module as a file (QEMU's -initrd), for the tests.
MKAPP       := $(B)/tools/mkapp

UNIT_VMM    := $(B)/tests/unit-vmm
FAKEKVM     := $(B)/tests/fakekvm.so
UNIT_KERNEL := $(B)/tests/unit-kernel
UNIT_USER   := $(B)/tests/unit-user
# User-space logic that the host tests link (no system calls inside).
USER_PURE   := $(addprefix guest-servers/,lib/alloc.c sys/init/elf.c \
                 lib/regname.c lib/virtq.c lib/sessions.c sys/init/archive.c \
                 sys/init/opts.c sys/registry/table.c \
                 drivers/blk/session.c \
                 services/fs/ext2.c services/fs/ext2w.c \
                 drivers/net/eth.c drivers/net/arp.c drivers/net/ip.c \
                 drivers/net/udp.c drivers/net/socket.c)

.PHONY: all run test bench bench-boot bench-ipc bench-blk bench-net bench-nested bench-sandbox fuzz deps clean help
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
	@echo "make bench-sandbox the sandbox against gVisor and the native run"
	@echo "make fuzz       fuzz the devices, the ELF loader and ext2, FUZZ_SECONDS=60 each"

vmm: $(VMM_OBJS)
	$(HOSTCC) -o $@ $^ $(HOST_LIBS)

$(B)/monitor/%.o: monitor/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -I$(B)/monitor -c -o $@ $<

# The system call names the SIGSYS line prints (confine.c), from the
# host's own headers: a table, so the handler needs no allocation.
$(B)/monitor/sysnames.h:
	@mkdir -p $(dir $@)
	echo '#include <asm/unistd.h>' | $(HOSTCC) -E -dM -x c - | sed -n \
	  's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$$/[\2] = "\1",/p' \
	  >$@.tmp && mv $@.tmp $@
$(B)/monitor/confine.o: $(B)/monitor/sysnames.h

KERNEL_CORE := $(filter-out $(B)/guest-kernel/bootfs.o,$(KERNEL_OBJS))

kernel.elf: $(KERNEL_OBJS) guest-kernel/kernel.ld
	$(GUESTLD) $(GUEST_LDFLAGS) -T guest-kernel/kernel.ld -o $@ $(KERNEL_OBJS)

$(KERNEL_TEST): $(KERNEL_CORE) $(B)/test/bootfs.o guest-kernel/kernel.ld
	$(GUESTLD) $(GUEST_LDFLAGS) -T guest-kernel/kernel.ld -o $@ \
		$(KERNEL_CORE) $(B)/test/bootfs.o

$(B)/guest-kernel/%.o: guest-kernel/%.c
	@mkdir -p $(dir $@)
	$(GUESTCC) $(GUEST_CFLAGS) -c -o $@ $<

$(B)/kernel/shared/lib/%.o: shared/lib/%.c
	@mkdir -p $(dir $@)
	$(GUESTCC) $(GUEST_CFLAGS) -c -o $@ $<

$(B)/guest-kernel/%.o: guest-kernel/%.S
	@mkdir -p $(dir $@)
	$(GUESTCC) $(GUEST_CFLAGS) -I$(B) -c -o $@ $<

# The boot archive is part of the kernel image (guest-kernel/bootfs.S
# includes the bootfs.img it finds on its include path).
$(B)/guest-kernel/bootfs.o: $(BOOTFS)
$(B)/test/bootfs.o: guest-kernel/bootfs.S $(BOOTFS_TEST)
	$(GUESTCC) $(GUEST_CFLAGS) -I$(B)/test -c -o $@ $<

$(B)/user/%.o: %.c
	@mkdir -p $(dir $@)
	$(GUESTCC) $(USER_CFLAGS) -c -o $@ $<

$(B)/user/%.o: %.S
	@mkdir -p $(dir $@)
	$(GUESTCC) $(USER_CFLAGS) -c -o $@ $<

$(LIBUK): $(LIBUK_OBJS)
	rm -f $@ && ar rcs $@ $^

# Tests and benchmarks see the check helper's header.
$(B)/user/tests/%.o $(B)/user/bench/%.o: USER_CFLAGS += -Itests/guest/lib

$(LIBCHECK): $(LIBCHECK_SRCS:%.c=$(B)/user/%.o)
	rm -f $@ && ar rcs $@ $^

# build/user/DIR.elf from DIR/*.c; tests and benchmarks also link
# libcheck. (A call, not an inline filter: make would put the stem in
# place of a % written in the prerequisites.)
check_lib = $(if $(filter guest-servers/%,$1),,$(LIBCHECK))
.SECONDEXPANSION:
$(B)/user/%.elf: $$(addprefix $(B)/user/,$$(subst .c,.o,$$(wildcard $$*/*.c))) \
		$$(call check_lib,$$*) $(LIBUK) guest-servers/lib/user.ld
	@mkdir -p $(dir $@)
	$(GUESTLD) $(USER_LDFLAGS) -o $@ $(filter %.o,$^) \
		$(call check_lib,$*) $(LIBUK)

# The Linux personality is linked where the kernel sends Linux calls.
$(B)/user/guest-servers/sandbox/app.elf: USER_LDFLAGS = -nostdlib -static \
	-no-pie -z max-page-size=4096 -z noexecstack --build-id=none \
	--strip-debug -T guest-servers/sandbox/app/app.ld
$(B)/user/guest-servers/sandbox/app.elf: guest-servers/sandbox/app/app.ld \
	$(B)/user/guest-servers/sandbox/app/entry.o

# hello with its ABI note (note.c) saying version 9999.
$(B)/user/tests/abiold.elf: $(B)/user/guest-servers/apps/hello.elf
	@mkdir -p $(dir $@)
	printf '\006\0\0\0\004\0\0\0\001\0\0\0ukern\0\0\0\017\047\0\0' >$@.note
	objcopy --update-section .note.ukern=$@.note $< $@

$(MKAPP): tools/mkapp.c $(addprefix $(B)/monitor/,app.o bundle.o log.o mem.o)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -Imonitor -o $@ $^

$(MKBOOTFS): tools/mkbootfs.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $<

$(B)/user/%.uses: %/uses
	@mkdir -p $(dir $@)
	cp $< $@

$(BOOTFS): $(MKBOOTFS) $(PRODUCT_ELFS) $(PRODUCT_USES)
	$(MKBOOTFS) $@ $(INIT_ELF) $(filter-out $(INIT_ELF),$(PRODUCT_ELFS)) \
		$(PRODUCT_USES)

$(BOOTFS_TEST): $(MKBOOTFS) $(PRODUCT_ELFS) $(TEST_ELFS) $(PRODUCT_USES) \
		$(TEST_USES)
	@mkdir -p $(dir $@)
	$(MKBOOTFS) $@ $(INIT_ELF) $(filter-out $(INIT_ELF),$(PRODUCT_ELFS)) \
		$(TEST_ELFS) $(PRODUCT_USES) $(TEST_USES)

# --- tests -----------------------------------------------------------
# One compile of many sources records only the last one's headers: the
# headers they share are listed here.
SHARED_HDRS := $(wildcard shared/include/*.h shared/include/*/*.h \
                 shared/lib/*.h)

$(UNIT_VMM): $(wildcard tests/unit/vmm_*.c tests/unit/vmm_*.h) $(VMM_PURE) \
		$(wildcard monitor/*.h) tests/fakekvm/kvm_exit.h $(SHARED_HDRS) \
		$(B)/monitor/sysnames.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -Imonitor -I$(B)/monitor -o $@ $(filter %.c,$^) \
		-lcriterion $(HOST_LIBS)

# The fake /dev/kvm of tests/system/fakekvm.sh, an LD_PRELOAD shim.
$(FAKEKVM): tests/fakekvm/fakekvm.c tests/fakekvm/kvm_exit.h
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -O1 -g $(WARN) -shared -fPIC -o $@ $< -ldl

$(UNIT_KERNEL): $(wildcard tests/unit/kernel_*.c) $(KERNEL_PURE) \
		$(wildcard tests/unit/kernel_*.h guest-kernel/*.h) $(SHARED_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -Iguest-kernel -Ishared/lib -o $@ \
		$(filter %.c,$^) -lcriterion

$(UNIT_USER): $(wildcard tests/unit/user_*.c) $(USER_PURE) \
		$(wildcard guest-servers/*/*.h guest-servers/*/*/*.h) \
		$(SHARED_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -Ishared/lib -Iguest-servers/lib \
		-Iguest-servers/sys/registry \
		-o $@ $(filter %.c,$^) -lcriterion

# Host programs of the tests and benchmarks: the probes that talk to a
# guest over a TAP device (static: the nested-KVM test runs netprobe in a
# machine of its own), the fake /dev/kvm, the Linux IPC floor, the
# wall-time and RSS meter.
TOOL_CFLAGS := -std=gnu11 -O2 -g $(WARN)
# The sandbox's test programs: static Linux programs, built as a user
# builds one (tests/system/sandbox.sh runs them); probe also built as a
# static PIE (glibc's: Debian's musl-gcc makes none), with glibc, and
# linked dynamically (to be refused).
SANDBOX_PROGS := $(patsubst tests/sandbox/%.c,$(B)/sandbox/%,\
                   $(wildcard tests/sandbox/*.c)) \
                 $(B)/sandbox/probe-pie $(B)/sandbox/probe-glibc \
                 $(B)/sandbox/probe-dynamic
TEST_TOOLS  := $(B)/tests/netprobe $(FAKEKVM) $(MKAPP) $(SANDBOX_PROGS)
BENCH_TOOLS := $(B)/bench/netrtt $(B)/bench/pingpong $(B)/bench/runstat

SANDBOX_CFLAGS := -O2 $(WARN) -Wno-missing-prototypes
$(B)/sandbox/%: tests/sandbox/%.c
	@mkdir -p $(dir $@)
	musl-gcc -static $(SANDBOX_CFLAGS) -o $@ $<
$(B)/sandbox/probe-pie: tests/sandbox/probe.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -static-pie $(SANDBOX_CFLAGS) -o $@ $<
$(B)/sandbox/probe-glibc: tests/sandbox/probe.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -static $(SANDBOX_CFLAGS) -o $@ $<
$(B)/sandbox/probe-dynamic: tests/sandbox/probe.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(SANDBOX_CFLAGS) -o $@ $<

$(B)/tests/netprobe: tests/system/netprobe.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(TOOL_CFLAGS) -static -o $@ $<

$(B)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(TOOL_CFLAGS) -o $@ $<

deps:
	@scripts/deps.sh

test: deps all $(KERNEL_TEST) $(TEST_TOOLS) $(UNIT_VMM) $(UNIT_KERNEL) \
		$(UNIT_USER)
	@tests/run-all.sh $(UNIT_VMM) $(UNIT_KERNEL) $(UNIT_USER)

run: deps all
	@scripts/run-demo.sh

bench: bench-boot bench-ipc bench-blk bench-net bench-nested bench-sandbox
	@echo; echo "== all benchmarks"; bench/report.sh

bench-boot: deps all $(BENCH_TOOLS) $(FAKEKVM)
	@bench/boot.sh

bench-ipc: deps all $(KERNEL_TEST) $(BENCH_TOOLS)
	@bench/ipc.sh

bench-blk: deps all $(KERNEL_TEST) $(BENCH_TOOLS)
	@bench/blk.sh

bench-net: deps all $(KERNEL_TEST) $(BENCH_TOOLS)
	@bench/net.sh

bench-nested: deps all $(KERNEL_TEST) $(BENCH_TOOLS)
	@bench/nested.sh

# The sandbox's program for bench-sandbox: static, as a user builds one.
$(B)/bench/sandbox/sbcalls: bench/sandbox/sbcalls.c
	@mkdir -p $(dir $@)
	musl-gcc -static $(SANDBOX_CFLAGS) -o $@ $<

bench-sandbox: deps all $(BENCH_TOOLS) $(MKAPP) $(B)/bench/sandbox/sbcalls
	@bench/sandbox.sh

# A hostile guest against the monitor's virtio devices, and a hostile
# kernel file against its ELF loader, under libFuzzer, AddressSanitizer
# and UBSan (clang). make test runs a short fixed-seed pass of each
# (tests/system/fuzz.sh, fuzz-elf.sh); make fuzz runs each FUZZ_SECONDS
# on a corpus kept in build/fuzz/corpus and build/fuzz/corpus-elf, the
# loader's from a small copy of kernel.elf.
FUZZ_SECONDS ?= 60
FUZZ_CC   := clang -std=gnu11 -g -O1 $(WARN) \
             -fsanitize=fuzzer,address,undefined \
             -fno-sanitize-recover=undefined -D_GNU_SOURCE -DHOST_TEST \
             -Ishared/include -Imonitor
FUZZ_SRCS := tests/fuzz/virtio.c $(addprefix monitor/,virtio_mmio.c virtq.c \
             virtio_blk.c virtio_net.c virtio_console.c iothread.c bus.c \
             mem.c log.c tap.c term.c)
FUZZ_ELF_SRCS := tests/fuzz/elf.c $(addprefix monitor/,loader.c mem.c log.c)

$(B)/fuzz/virtio: $(FUZZ_SRCS) $(wildcard monitor/*.h tests/fuzz/*.h) \
		shared/include/platform.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -o $@ $(FUZZ_SRCS)

$(B)/fuzz/elf: $(FUZZ_ELF_SRCS) $(wildcard monitor/*.h tests/fuzz/*.h) \
		shared/include/pvh.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -o $@ $(FUZZ_ELF_SRCS) -lelf

# A hostile ext2 image against the file service's reader.
$(B)/fuzz/ext2: tests/fuzz/ext2.c guest-servers/services/fs/ext2.c \
		guest-servers/services/fs/ext2.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -Iguest-servers/services/fs -o $@ tests/fuzz/ext2.c \
		guest-servers/services/fs/ext2.c

fuzz: $(B)/fuzz/virtio $(B)/fuzz/elf $(B)/fuzz/ext2 kernel.elf
	@mkdir -p $(B)/fuzz/corpus $(B)/fuzz/corpus-elf
	$(B)/fuzz/virtio -max_total_time=$(FUZZ_SECONDS) \
		-artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus
	$(B)/fuzz/elf --seed kernel.elf $(B)/fuzz/corpus-elf/kernel
	$(B)/fuzz/elf -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-artifact_prefix=$(B)/fuzz/elf- $(B)/fuzz/corpus-elf
	@mkdir -p $(B)/fuzz/corpus-ext2
	tests/fuzz/ext2-seeds.sh $(B)/fuzz/corpus-ext2
	$(B)/fuzz/ext2 -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-artifact_prefix=$(B)/fuzz/ext2- $(B)/fuzz/corpus-ext2

clean:
	rm -rf $(B) vmm kernel.elf bench/out

# Keep the objects make would otherwise delete as intermediates, so that
# a second make rebuilds nothing.
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
