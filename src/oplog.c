/* oplog.c - the operational log: syslog by default, or stderr or a file
 * (oplog.h says what belongs in it). */
#include "oplog.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum oplog_to { TO_SYSLOG, TO_STDERR, TO_FILE, TO_OFF };

static enum oplog_to	 oplog_to = TO_OFF;	/* until oplog_open */
static FILE		*oplog_file;
static char		 oplog_who[40] = "marquee";
static int		 oplog_syslog_open;

static const char *
prio_name(int prio)
{
	switch (prio) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void
oplog_close(void)
{
	if (oplog_file != NULL)
		fclose(oplog_file);
	oplog_file = NULL;
	if (oplog_syslog_open)
		closelog();
	oplog_syslog_open = 0;
	oplog_to = TO_OFF;
}

void
oplog_open(const char *target, const char *who)
{
	oplog_close();
	snprintf(oplog_who, sizeof oplog_who, "%s", who != NULL && *who != '\0' ? who : "marquee");
	if (target == NULL || *target == '\0' || strcmp(target, "syslog") == 0)
		oplog_to = TO_SYSLOG;
	else if (strcmp(target, "stderr") == 0)
		oplog_to = TO_STDERR;
	else if (strcmp(target, "off") == 0)
		oplog_to = TO_OFF;
	else if ((oplog_file = fopen(target, "ae")) != NULL) {
		setvbuf(oplog_file, NULL, _IOLBF, 0);
		oplog_to = TO_FILE;
	} else {
		oplog_to = TO_SYSLOG;
		oplog(LOG_WARNING, "cannot open the log file %s; logging to syslog", target);
	}
}

void
oplog(int prio, const char *fmt, ...)
{
	char line[900], stamp[32];
	struct tm tm;
	time_t now;
	va_list ap;

	if (oplog_to == TO_OFF)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	for (char *p = line; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';

	switch (oplog_to) {
	case TO_SYSLOG:
		if (!oplog_syslog_open) {
			openlog("marquee", LOG_PID | LOG_NDELAY, LOG_USER);
			oplog_syslog_open = 1;
		}
		syslog(prio, "%s: %s", oplog_who, line);
		break;
	case TO_STDERR:
	case TO_FILE:
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", &tm);
		fprintf(oplog_to == TO_FILE ? oplog_file : stderr, "%s %s %s: %s\n", stamp, oplog_who,
		        prio_name(prio), line);
		break;
	case TO_OFF:
		break;
	}
}
