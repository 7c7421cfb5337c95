/*
 * A 16550 UART at PLAT_UART_PORT, output only. Bytes written to THR go
 * to an output file descriptor, buffered and flushed at each '\n', when
 * the buffer fills and by uart_flush(). The guest sees: LSR 0x60
 * (transmitter empty, never busy), IIR "no interrupt pending" (0x01, or
 * 0xc1 with the FIFO enabled), IER/LCR/MCR/SCR and the divisor latch
 * (DLAB) that read back what was written, no received data, and MSR
 * with CTS, DSR and DCD set (in loopback mode, MSR mirrors MCR and THR
 * bytes are not sent). The UART raises no interrupt.
 */
#ifndef VMM_UART_H
#define VMM_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

#define UART_BUF_SIZE 1024

/* Register offsets from the base port. */
#define UART_RBR 0      /* read, DLAB=0: receive buffer */
#define UART_THR 0      /* write, DLAB=0: transmit holding */
#define UART_DLL 0      /* DLAB=1: divisor latch low */
#define UART_IER 1      /* DLAB=0: interrupt enable */
#define UART_DLM 1      /* DLAB=1: divisor latch high */
#define UART_IIR 2      /* read: interrupt identification */
#define UART_FCR 2      /* write: FIFO control */
#define UART_LCR 3      /* line control; bit 7 is DLAB */
#define UART_MCR 4      /* modem control; bit 4 is loopback */
#define UART_LSR 5      /* line status */
#define UART_MSR 6      /* modem status */
#define UART_SCR 7      /* scratch */

#define UART_LCR_DLAB   0x80
#define UART_MCR_LOOP   0x10
#define UART_LSR_IDLE   0x60    /* THRE | TEMT */

struct uart {
	int out_fd;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool out_failed;        /* a write to out_fd failed: drop output */
	size_t len;
	char buf[UART_BUF_SIZE];
};

/* Reset state; THR output goes to out_fd (not owned). */
void uart_init(struct uart *u, int out_fd);

/* Claim PLAT_UART_NPORTS ports at PLAT_UART_PORT. Returns 0 or -errno. */
int uart_register(struct uart *u, struct bus *pio);

/*
 * Write out buffered output. Returns 0, or -errno of the first failed
 * write (output is dropped from then on).
 */
int uart_flush(struct uart *u);

/* One register access, as the bus makes it (also used by tests). */
uint64_t uart_read(void *opaque, uint64_t off, unsigned size);
void uart_write(void *opaque, uint64_t off, unsigned size, uint64_t val);

#endif
