/* drawer.c - kicks the cash drawer through the receipt printer (ESC/POS
 * "ESC p m t1 t2": a pulse on the drawer connector), sent as a raw CUPS job
 * the way CUPS's own lp does: create, start, write, finish. */
#include "drawer.h"
#include "oplog.h"
#include "util.h"

#include <cups/cups.h>
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
	size_t len;
	int job;

	if (queue == NULL || *queue == '\0')
		return 0;
	len = drawer_command(cmd, 0);
	job = cupsCreateJob(CUPS_HTTP_DEFAULT, queue, "marquee-drawer", 0, NULL);
	if (job == 0)
		goto fail;
	if (cupsStartDocument(CUPS_HTTP_DEFAULT, queue, job, NULL, CUPS_FORMAT_RAW, 1) != HTTP_STATUS_CONTINUE ||
	    cupsWriteRequestData(CUPS_HTTP_DEFAULT, (const char *)cmd, len) != HTTP_STATUS_CONTINUE ||
	    cupsFinishDocument(CUPS_HTTP_DEFAULT, queue) != IPP_STATUS_OK) {
		cupsCancelJob2(CUPS_HTTP_DEFAULT, queue, job, 0);
		goto fail;
	}
	oplog(LOG_INFO, "cash drawer opened through queue %s (job %d)", queue, job);
	return 0;
fail:
	*cause = xasprintf("cash drawer (%s): %s", queue, cupsLastErrorString());
	oplog(LOG_ERR, "printer: the cash drawer did not open through queue %s%s: %s", queue,
	      job > 0 ? " (job cancelled)" : "", cupsLastErrorString());
	return -1;
}
