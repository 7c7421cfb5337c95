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
                -fno-omit-frame-pointer -DKERNEL_VERSION='"$(VERSION)"'
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
                 --no-warn-rwx-segments --build-id=none

# Unit tests: the same .c files the products use, compiled for the host.
UNIT_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Wno-missing-prototypes -MMD -MP \
               -Ishared/include -D_GNU_SOURCE -DHOST_TEST

# --- monitor ---------------------------------------------------------
VMM_SRCS    := $(wildcard monitor/*.c)
VMM_OBJS    := $(VMM_SRCS:%.c=$(B)/%.o)
# Everything but the KVM driver and main() links into the unit tests.
VMM_PURE    := $(filter-out monitor/main.c monitor/kvm.c,$(VMM_SRCS))

# --- kernel ----------------------------------------------------------
KERNEL_SRCS := $(wildcard guest-kernel/*.c) $(wildcard guest-kernel/*.S)
KERNEL_OBJS := $(patsubst %,$(B)/%.o,$(basename $(KERNEL_SRCS)))
# Architecture-free kernel files, also compiled for the host tests.
KERNEL_PURE := $(wildcard $(addprefix guest-kernel/,frame.c cmdline.c \
                 memmap.c fmt.c))

UNIT_VMM    := $(B)/tests/unit-vmm
UNIT_KERNEL := $(B)/tests/unit-kernel

.PHONY: all run test bench bench-boot deps clean help
all: vmm kernel.elf

help:
	@echo "make            build ./vmm and ./kernel.elf"
	@echo "make run        install missing packages, build, boot the demo"
	@echo "make test       build and run every test (unit + whole system)"
	@echo "make bench      run every benchmark (bench/out/*.json)"
	@echo "make bench-boot boot time and memory, vmm against QEMU microvm"

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
	$(GUESTCC) $(GUEST_CFLAGS) -c -o $@ $<

# --- tests -----------------------------------------------------------
$(UNIT_VMM): $(wildcard tests/unit/vmm_*.c) $(VMM_PURE) $(wildcard monitor/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -Imonitor -o $@ $(filter %.c,$^) \
		-lcriterion $(HOST_LIBS)

$(UNIT_KERNEL): $(wildcard tests/unit/kernel_*.c) $(KERNEL_PURE) \
		$(wildcard guest-kernel/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) -Iguest-kernel -o $@ $(filter %.c,$^) \
		-lcriterion

deps:
	@scripts/deps.sh

test: deps all $(UNIT_VMM) $(UNIT_KERNEL)
	@tests/run-all.sh $(UNIT_VMM) $(UNIT_KERNEL)

run: deps all
	@scripts/run-demo.sh

bench: bench-boot

bench-boot: deps all
	@bench/boot.sh

clean:
	rm -rf $(B) vmm kernel.elf bench/out

-include $(shell find $(B) -name '*.d' 2>/dev/null)
