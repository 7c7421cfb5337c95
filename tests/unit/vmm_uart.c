/* The 16550 UART: registers as the guest sees them, and its output. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <platform.h>

#include "bus.h"
#include "uart.h"

static struct uart u;
static struct bus pio;
static int pipefd[2];

static void setup(void)
{
	cr_assert_eq(pipe(pipefd), 0);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	uart_init(&u, pipefd[1]);
	bus_init(&pio, BUS_PIO);
	cr_assert_eq(uart_register(&u, &pio), 0);
}

static void teardown(void)
{
	close(pipefd[0]);
	close(pipefd[1]);
}

TestSuite(uart, .init = setup, .fini = teardown);

static uint8_t in(unsigned reg)
{
	uint64_t v;

	cr_assert(bus_read(&pio, PLAT_UART_PORT + reg, 1, &v));
	return (uint8_t)v;
}

static void out(unsigned reg, uint8_t v)
{
	cr_assert(bus_write(&pio, PLAT_UART_PORT + reg, 1, v));
}

/* What the UART has written so far (NUL-terminated). */
static const char *output(void)
{
	static char buf[4096];
	ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

Test(uart, claims_eight_ports)
{
	uint64_t v;

	cr_assert(bus_read(&pio, 0x3f8, 1, &v));
	cr_assert(bus_read(&pio, 0x3ff, 1, &v));
	cr_assert(!bus_read(&pio, 0x3f7, 1, &v));
	cr_assert(!bus_read(&pio, 0x400, 1, &v));
}

Test(uart, lsr_always_ready)
{
	cr_assert_eq(in(UART_LSR), 0x60);
	out(UART_THR, 'x');
	cr_assert_eq(in(UART_LSR), 0x60);
}

Test(uart, iir_no_interrupt)
{
	cr_assert_eq(in(UART_IIR), 0x01);
	out(UART_FCR, 0x07);            /* enable + clear FIFOs */
	cr_assert_eq(in(UART_IIR), 0xc1, "16550A with FIFOs enabled");
	out(UART_FCR, 0x00);
	cr_assert_eq(in(UART_IIR), 0x01);
}

Test(uart, registers_read_back)
{
	out(UART_IER, 0x05);
	cr_assert_eq(in(UART_IER), 0x05);
	out(UART_IER, 0xff);
	cr_assert_eq(in(UART_IER), 0x0f, "IER has four bits");
	out(UART_LCR, 0x1b);
	cr_assert_eq(in(UART_LCR), 0x1b);
	out(UART_MCR, 0x0b);
	cr_assert_eq(in(UART_MCR), 0x0b);
	out(UART_SCR, 0xa5);
	cr_assert_eq(in(UART_SCR), 0xa5);
	out(UART_LSR, 0x00);
	cr_assert_eq(in(UART_LSR), 0x60, "LSR is read-only");
	cr_assert_eq(in(UART_RBR), 0, "no received data");
}

Test(uart, dlab_selects_divisor)
{
	out(UART_IER, 0x03);
	out(UART_LCR, 0x80);            /* DLAB */
	out(UART_DLL, 0x01);            /* 115200 baud */
	out(UART_DLM, 0x00);
	cr_assert_eq(in(UART_DLL), 0x01);
	cr_assert_eq(in(UART_DLM), 0x00);
	out(UART_LCR, 0x03);            /* DLAB off, 8N1 */
	cr_assert_eq(in(UART_IER), 0x03, "IER kept apart from DLM");
	cr_assert_eq(in(UART_RBR), 0);
	out(UART_LCR, 0x83);
	cr_assert_eq(in(UART_DLL), 0x01);
	cr_assert_str_eq(output(), "", "divisor writes are not output");
}

Test(uart, msr)
{
	cr_assert_eq(in(UART_MSR), 0xb0, "DCD, DSR, CTS");
	out(UART_MCR, 0x10 | 0x01);     /* loopback, DTR */
	cr_assert_eq(in(UART_MSR), 0x20, "DTR -> DSR");
	out(UART_MCR, 0x10 | 0x0a);     /* loopback, RTS, OUT2 */
	cr_assert_eq(in(UART_MSR), 0x90, "RTS -> CTS, OUT2 -> DCD");
	out(UART_MCR, 0x10 | 0x04);
	cr_assert_eq(in(UART_MSR), 0x40, "OUT1 -> RI");
}

Test(uart, output_line_buffered)
{
	out(UART_THR, 'h');
	out(UART_THR, 'i');
	cr_assert_str_eq(output(), "", "held until newline");
	out(UART_THR, '\n');
	cr_assert_str_eq(output(), "hi\n");
	out(UART_THR, 'x');
	cr_assert_eq(uart_flush(&u), 0);
	cr_assert_str_eq(output(), "x");
	cr_assert_eq(uart_flush(&u), 0);
	cr_assert_str_eq(output(), "", "nothing twice");
}

Test(uart, output_binary_bytes)
{
	out(UART_THR, 0x00);
	out(UART_THR, 0xff);
	out(UART_THR, '\n');
	{
		char buf[8];

		cr_assert_eq(read(pipefd[0], buf, sizeof(buf)), 3);
		cr_assert_eq((uint8_t)buf[0], 0x00);
		cr_assert_eq((uint8_t)buf[1], 0xff);
	}
}

Test(uart, output_flushed_when_full)
{
	unsigned i;
	const char *s;

	for (i = 0; i < UART_BUF_SIZE; i++)
		out(UART_THR, 'a');
	s = output();
	cr_assert_eq(strlen(s), UART_BUF_SIZE);
}

Test(uart, loopback_not_output)
{
	out(UART_MCR, 0x10);
	out(UART_THR, 'x');
	out(UART_THR, '\n');
	cr_assert_str_eq(output(), "");
}

Test(uart, wide_access_is_bytewise)
{
	uint64_t v;

	/* outw 0x3f8: THR = low byte, IER = high byte. */
	cr_assert(bus_write(&pio, PLAT_UART_PORT, 2, 0x0341));
	cr_assert_eq(in(UART_IER), 0x03);
	cr_assert(bus_read(&pio, PLAT_UART_PORT + UART_LSR, 2, &v));
	cr_assert_eq(v, 0xb060, "LSR then MSR");
	cr_assert_eq(uart_flush(&u), 0);
	cr_assert_str_eq(output(), "A");
}

Test(uart, write_error_drops_output)
{
	close(pipefd[0]);
	cr_assert_eq(pipe(pipefd), 0);
	close(pipefd[0]);               /* nobody reads: EPIPE */
	signal(SIGPIPE, SIG_IGN);
	uart_init(&u, pipefd[1]);
	out(UART_THR, 'x');
	cr_assert_lt(uart_flush(&u), 0);
	out(UART_THR, 'y');
	cr_assert_eq(uart_flush(&u), 0, "dropped after the first failure");
	cr_assert_eq(pipe(pipefd), 0);  /* for teardown */
}
