/* drawer.h - opening the cash drawer, which hangs off the receipt printer:
 * an ESC/POS "generate pulse" command sent raw to its CUPS queue. */
#ifndef MARQUEE_DRAWER_H
#define MARQUEE_DRAWER_H

#include <stddef.h>

/* Writes the ESC/POS pulse for drawer pin 2 (pin 5 when pin5 is non-zero)
 * into out (at least 5 bytes). Returns the number of bytes. */
size_t drawer_command(unsigned char *out, int pin5);
/* Opens the drawer on CUPS queue (raw). queue NULL or "" means there is no
 * drawer: returns 0 and does nothing. Returns 0, or -1 with *cause set. */
int    drawer_open(const char *queue, char **cause);

#endif
