#include "uart.h"

#include <errno.h>
#include <unistd.h>

#include <platform.h>

static const struct bus_ops uart_ops = {
	.read = uart_read,
	.write = uart_write,
};

void uart_init(struct uart *u, int out_fd)
{
	u->out_fd = out_fd;
	u->ier = 0;
	u->lcr = 0x03;          /* 8 data bits, 1 stop bit, no parity */
	u->mcr = 0;
	u->scr = 0;
	u->dll = 0x0c;          /* 9600 baud from 1.8432 MHz */
	u->dlm = 0;
	u->fcr = 0;
	u->out_failed = false;
	u->len = 0;
}

int uart_register(struct uart *u, struct bus *pio)
{
	return bus_register(pio, PLAT_UART_PORT, PLAT_UART_NPORTS, &uart_ops,
			    u, "uart");
}

int uart_flush(struct uart *u)
{
	size_t done = 0;
	ssize_t n;
	int r = 0;

	while (done < u->len && !u->out_failed) {
		n = write(u->out_fd, u->buf + done, u->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			u->out_failed = true;
			break;
		}
		done += (size_t)n;
	}
	u->len = 0;
	return r;
}

static void uart_put(struct uart *u, uint8_t c)
{
	if (u->out_failed)
		return;
	u->buf[u->len++] = (char)c;
	if (c == '\n' || u->len == sizeof(u->buf))
		uart_flush(u);
}

static uint8_t uart_msr(const struct uart *u)
{
	if (u->mcr & UART_MCR_LOOP)
		return (uint8_t)((u->mcr & 0x01) << 5 |     /* DTR -> DSR */
				 (u->mcr & 0x02) << 3 |     /* RTS -> CTS */
				 (u->mcr & 0x04) << 4 |     /* OUT1 -> RI */
				 (u->mcr & 0x08) << 4);     /* OUT2 -> DCD */
	return 0xb0;    /* DCD | DSR | CTS: a cable with someone there */
}

static uint8_t uart_read_reg(struct uart *u, unsigned reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_RBR:
		return dlab ? u->dll : 0;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		return (u->fcr & 0x01) ? 0xc1 : 0x01;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_IDLE;
	case UART_MSR:
		return uart_msr(u);
	case UART_SCR:
		return u->scr;
	}
	return 0xff;
}

static void uart_write_reg(struct uart *u, unsigned reg, uint8_t v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab)
			u->dll = v;
		else if (!(u->mcr & UART_MCR_LOOP))
			uart_put(u, v);
		break;
	case UART_IER:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case UART_FCR:
		u->fcr = v & 0x01;      /* only "FIFO enabled" is visible */
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & 0x1f;
		break;
	case UART_LSR:
	case UART_MSR:
		break;                  /* read-only here */
	case UART_SCR:
		u->scr = v;
		break;
	}
}

/* A wider access touches consecutive registers, lowest byte first. */
uint64_t uart_read(void *opaque, uint64_t off, unsigned size)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size && off + i < PLAT_UART_NPORTS; i++)
		v |= (uint64_t)uart_read_reg(opaque, (unsigned)(off + i))
		     << (8 * i);
	return v;
}

void uart_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	unsigned i;

	for (i = 0; i < size && off + i < PLAT_UART_NPORTS; i++)
		uart_write_reg(opaque, (unsigned)(off + i),
			       (uint8_t)(val >> (8 * i)));
}
