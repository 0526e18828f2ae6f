/* drawer.c - kicks the cash drawer through the receipt printer (ESC/POS
 * "ESC p m t1 t2": a pulse on the drawer connector), sent as a raw CUPS job
 * the way CUPS's own lp does: create, start, write, finish. */
#include "drawer.h"
#include "oplog.h"
#include "print.h"
#include "util.h"

#include <cups/cups.h>
#include <stdlib.h>
#include <string.h>

size_t
drawer_command(unsigned char *out, int pin5)
{
	out[0] = 0x1b;		/* ESC */
	out[1] = 'p';
	out[2] = pin5 ? 1 : 0;	/* connector pin 2 or 5 */
	out[3] = 25;		/* on for 50 ms */
	out[4] = 250;		/* off for 500 ms */
	return 5;
}

int
drawer_open(const char *queue, char **cause)
{
	unsigned char cmd[8];
	struct obuf b = { 0 };
	char *why = NULL;
	int job;

	if (queue == NULL || *queue == '\0')
		return 0;
	obuf_add(&b, cmd, drawer_command(cmd, 0));
	/* The tickets' way to CUPS: a print server that does not answer is
	 * given up on within two seconds, and a half-sent job is cancelled. */
	job = print_cups_submit(queue, "marquee-drawer", CUPS_FORMAT_RAW, &b, &why);
	free(b.data);
	if (job <= 0) {
		*cause = xasprintf("cash drawer (%s): %s", queue, why);
		oplog(LOG_ERR, "printer: the cash drawer did not open through queue %s: %s", queue, why);
		free(why);
		return -1;
	}
	oplog(LOG_INFO, "cash drawer opened through queue %s (job %d)", queue, job);
	return 0;
}
