/* oplog.h - the operational log: what a site needs to know about a running
 * terminal or command (sign-ins and refusals, printer failures, a database
 * lost and regained, card outcomes), one line an event.
 *
 * By default the lines go to syslog (ident "marquee", facility LOG_USER), so
 * `journalctl -u marquee-kiosk` shows them; kiosk.conf `log = stderr` or
 * `log = /path/file` sends them elsewhere (the tests read a file). Never log
 * a password, proof, session token, card number or signing key.
 *
 * Nothing is recorded until oplog_open (main.c calls it once the
 * configuration is read), so unit tests and tools that link the core stay
 * quiet. */
#ifndef MARQUEE_OPLOG_H
#define MARQUEE_OPLOG_H

#include <syslog.h>	/* LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO */

/* Where the lines go: "syslog" (or NULL/""), "stderr", "off", or a file path
 * (opened for appending; if it cannot be opened, syslog is used and that is
 * logged). who names this process in every line: the terminal id, e.g.
 * "kiosk-3". Safe to call again (the previous target is closed). */
void oplog_open(const char *target, const char *who);
/* One event. prio is a syslog priority; fmt is printf's. A line is cut at
 * 900 bytes; control characters become '?', so a typed login cannot forge
 * a second line. */
void oplog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Closes the target; nothing is recorded until the next oplog_open. */
void oplog_close(void);

#endif
