#include "uart.h"

#include <stdbool.h>
#include "arch.h"
#include "platform.h"

#define UART_FCR        2       /* FIFO control */
#define UART_LCR        3       /* line control */
#define UART_LSR        5       /* line status */
#define LSR_THRE        0x20    /* transmit FIFO empty */
#define FCR_ENABLE_CLEAR 0x07
#define LCR_8N1         0x03
#define UART_FIFO       16
#define READY_SPINS     100000

static bool ready, dead;

/* Every port access is a VM exit (~10 us on our machines): only the FIFO
 * and the line format are set, once, and only if anything is printed. */
static void init(void)
{
	outb(PLAT_UART_PORT + UART_FCR, FCR_ENABLE_CLEAR);
	outb(PLAT_UART_PORT + UART_LCR, LCR_8N1);
	ready = true;
}

void uart_write(const char *s, size_t n)
{
	if (!ready)
		init();
	while (n && !dead) {
		size_t chunk = n < UART_FIFO ? n : UART_FIFO;
		unsigned spins = 0;

		while (!(inb(PLAT_UART_PORT + UART_LSR) & LSR_THRE)) {
			if (++spins == READY_SPINS) {
				dead = true;
				return;
			}
		}
		n -= chunk;
		__asm__ volatile("rep outsb"
				 : "+S"(s), "+c"(chunk)
				 : "d"(PLAT_UART_PORT)
				 : "memory");
	}
}
