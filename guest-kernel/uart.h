/* Early console: the 16550 UART at PLAT_UART_PORT, output only. */
#ifndef KERNEL_UART_H
#define KERNEL_UART_H

#include <stddef.h>

/* Writes n bytes, 16 (one FIFO) per port burst; sets the UART up on first
 * use. Gives up (drops output) if the UART never reports ready. */
void uart_write(const char *s, size_t n);

#endif
