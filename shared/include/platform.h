/*
 * The machine both monitors present to the guest: fixed port numbers and
 * addresses, and the meaning of the exit status the guest writes.
 */
#ifndef SHARED_PLATFORM_H
#define SHARED_PLATFORM_H

/* Early console: a 16550 UART (output only needs THR and LSR). */
#define PLAT_UART_PORT          0x3f8
#define PLAT_UART_NPORTS        8

/*
 * Exit: the guest writes its status (one byte or one dword) here. Our
 * monitor exits with the status itself; QEMU's isa-debug-exit with
 * status * 2 + 1.
 */
#define PLAT_EXIT_PORT          0xf4

/* i8254 PIT (calibration clock): 1.193182 MHz. */
#define PLAT_PIT_HZ             1193182u

/*
 * virtio-mmio devices: ./vmm's window n (0 .. PLAT_VIRTIO_MMIO_MAX - 1)
 * is PLAT_VIRTIO_MMIO_SIZE bytes (registers and config space) at
 * PLAT_VIRTIO_MMIO_ADDR(n), alone on its 4 KiB page, so the kernel can
 * hand each driver its own device's registers and nobody else's. Its
 * interrupt is IOAPIC input PLAT_VIRTIO_GSI(n), as on QEMU microvm (a
 * lone device is window 0, GSI 5 on both monitors). QEMU microvm packs
 * its windows PLAT_QEMU_MMIO_STRIDE apart, eight to a page; the kernel
 * takes that layout too. It learns the windows from the command line
 * (virtio_mmio.device=512@0xfeb01000:6).
 */
#define PLAT_VIRTIO_MMIO_BASE   0xfeb00000u
#define PLAT_VIRTIO_MMIO_SIZE   0x200u
#define PLAT_VIRTIO_MMIO_STRIDE 0x1000u
#define PLAT_QEMU_MMIO_STRIDE   0x200u
#define PLAT_VIRTIO_MMIO_MAX    8
#define PLAT_VIRTIO_GSI_BASE    5u
#define PLAT_VIRTIO_MMIO_ADDR(n) \
	(PLAT_VIRTIO_MMIO_BASE + (unsigned)(n) * PLAT_VIRTIO_MMIO_STRIDE)
#define PLAT_VIRTIO_GSI(n)      (PLAT_VIRTIO_GSI_BASE + (unsigned)(n))

#define PLAT_IOAPIC_BASE        0xfec00000u
#define PLAT_LAPIC_BASE         0xfee00000u

/* Guest RAM must stay below the 32-bit MMIO window. */
#define PLAT_RAM_MAX            0xc0000000ull

/*
 * Guest exit statuses. 1, 2 and 124 are the monitor's own (guest died,
 * usage error, timeout), so the kernel never uses them.
 */
#define KEXIT_OK                0
#define KEXIT_TEST_FAILED       3       /* a built-in self-test failed */
#define KEXIT_PANIC             4       /* a kernel invariant broke */
#define KEXIT_EXCEPTION         5       /* CPU exception in kernel mode */
#define KEXIT_BAD_BOOT          6       /* boot info missing or invalid */

#endif
