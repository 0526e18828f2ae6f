/* print-cups.c - sending tickets to a CUPS queue, and saying in plain words
 * why a queue cannot print (paused, offline, out of paper, missing).
 *
 * Jobs follow CUPS's own lp (systemv/lp.c): cupsCreateJob, cupsStartDocument,
 * cupsWriteRequestData, cupsFinishDocument, and cupsCancelJob2 on any
 * failure, so a half-sent job never prints. The server is CUPS's default
 * (CUPS_SERVER, client.conf, or the local scheduler), reached through a
 * connection of our own that gives up soon (CUPS_WAIT_MS) connecting or
 * waiting for an answer: a dead or stalled print server is reported within
 * two seconds instead of freezing the screen for libcups's thirty or more.
 *
 * A job is named without spaces and its document not at all: cupsd
 * 2.4.2-3+deb12u10 (Debian 12's security update) dies on a Send-Document
 * whose document-name holds a space, taking every queue down with it
 * (docs/tickets.md). */
#include "print.h"
#include "util.h"

#include <cups/cups.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>

/* How long a connection or an answer may take. A request waits one more
 * second first (libcups's wait for "100 Continue"), so a silent server is
 * given up on after two seconds. */
#define CUPS_WAIT_MS 1000

/* Opens a connection to the print server for printer name (for the words
 * of a failure). Returns it (httpClose frees it), or NULL with *cause set. */
static http_t *
cups_open(const char *name, char **cause)
{
	http_t *http = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC, cupsEncryption(), 1,
	                            CUPS_WAIT_MS, NULL);

	if (http == NULL) {
		*cause = xasprintf("the print service (CUPS at %s) is not running or cannot be reached, "
		                   "so printer '%s' cannot print", cupsServer(), name);
		return NULL;
	}
	httpSetTimeout(http, CUPS_WAIT_MS / 1000.0, NULL, NULL);	/* no callback: give up */
	return http;
}

/* Whether the last request on http failed because the server did not answer
 * in time. */
static int
cups_timed_out(http_t *http)
{
	return httpError(http) == ETIMEDOUT;
}

/* The words for a server that connected but did not answer. */
static char *
cups_silent(const char *name)
{
	return xasprintf("the print service (CUPS at %s) did not answer within two seconds, so "
	                 "printer '%s' cannot print", cupsServer(), name);
}

/* The default queue's name on http, or NULL (caller frees). */
static char *
cups_default_on(http_t *http)
{
	cups_dest_t *dest = cupsGetNamedDest(http, NULL, NULL);
	char *name;

	if (dest == NULL)
		return NULL;
	name = xstrdup(dest->name);
	cupsFreeDests(1, dest);
	return name;
}

char *
print_cups_default(void)
{
	char *cause = NULL, *name;
	http_t *http = cups_open("", &cause);

	if (http == NULL) {
		free(cause);
		return NULL;
	}
	name = cups_default_on(http);
	httpClose(http);
	return name;
}

char *
print_cups_info(const char *queue)
{
	char *cause = NULL, *info = NULL;
	const char *v;
	http_t *http = cups_open(queue, &cause);
	cups_dest_t *dest;

	free(cause);
	if (http == NULL)
		return NULL;
	dest = cupsGetNamedDest(http, queue[0] != '\0' ? queue : NULL, NULL);
	if (dest != NULL) {
		v = cupsGetOption("printer-info", dest->num_options, dest->options);
		if (v != NULL && v[0] != '\0')
			info = xstrdup(v);
		cupsFreeDests(1, dest);
	}
	httpClose(http);
	return info;
}

/* A printer-state-reasons keyword in a cashier's words, or NULL for one
 * that does not stop printing. */
static const char *
reason_words(const char *reason)
{
	static const struct {
		const char	*prefix;
		const char	*words;
	} table[] = {
		{ "media-empty", "is out of paper (load tickets)" },
		{ "media-needed", "is out of paper (load tickets)" },
		{ "media-jam", "has a paper jam (open it and clear the jam)" },
		{ "cover-open", "has its cover open (close it)" },
		{ "door-open", "has a door open (close it)" },
		{ "offline", "is offline (switched off, unplugged or out of reach)" },
		{ "shutdown", "is offline (switched off, unplugged or out of reach)" },
		{ "connecting-to-device", "cannot be reached (switched off or unplugged?)" },
		{ "marker-supply-empty", "is out of ink or ribbon" },
		{ "toner-empty", "is out of toner" },
		{ "paused", "is paused (resume it in the printer settings)" },
		{ "stopped", "is paused (resume it in the printer settings)" },
	};

	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strncmp(reason, table[i].prefix, strlen(table[i].prefix)) == 0)
			return table[i].words;
	return NULL;
}

char *
print_cups_problem(const char *queue)
{
	static const char *const want[] = {
		"printer-state", "printer-state-reasons", "printer-is-accepting-jobs",
		"printer-state-message",
	};
	char uri[HTTP_MAX_URI], *name = NULL, *problem = NULL;
	ipp_t *req, *resp = NULL;
	ipp_attribute_t *attr;
	ipp_pstate_t state;
	const char *words = NULL;
	http_t *http;

	if ((http = cups_open(queue != NULL ? queue : "", &problem)) == NULL)
		return problem;
	if (queue == NULL || *queue == '\0') {
		if ((name = cups_default_on(http)) == NULL) {
			problem = cups_timed_out(http) ? cups_silent("(the default)") :
			          xstrdup("no printer is set up for tickets (set printer_queue in kiosk.conf)");
			httpClose(http);
			return problem;
		}
	} else
		name = xstrdup(queue);

	req = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
	httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", ippPort(),
	                 "/printers/%s", name);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
	              (int)(sizeof want / sizeof want[0]), NULL, want);
	resp = cupsDoRequest(http, req, "/");
	if (resp == NULL || cupsLastError() > IPP_STATUS_OK_CONFLICTING) {
		if (cups_timed_out(http))
			problem = cups_silent(name);
		else if (cupsLastError() == IPP_STATUS_ERROR_NOT_FOUND)
			problem = xasprintf("there is no printer called '%s' (check printer_queue in "
			                    "kiosk.conf)", name);
		else if (cupsLastError() == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE)
			problem = xasprintf("the print service (CUPS at %s) is not running or cannot be "
			                    "reached, so printer '%s' cannot print", cupsServer(), name);
		else
			problem = xasprintf("printer '%s' cannot be asked for its state: %s", name,
			                    cupsLastErrorString());
		goto out;
	}

	attr = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD);
	for (int i = 0; attr != NULL && i < ippGetCount(attr) && words == NULL; i++) {
		const char *r = ippGetString(attr, i, NULL);
		size_t len = strlen(r);

		/* "-warning" reasons (paper low) do not stop a job. */
		if (len > 8 && strcmp(r + len - 8, "-warning") == 0)
			continue;
		words = reason_words(r);
	}
	state = (ipp_pstate_t)ippGetInteger(ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM), 0);
	if (words == NULL && state == IPP_PSTATE_STOPPED)
		words = "is paused (resume it in the printer settings)";
	if (words == NULL && (attr = ippFindAttribute(resp, "printer-is-accepting-jobs",
	                                              IPP_TAG_BOOLEAN)) != NULL && !ippGetBoolean(attr, 0))
		words = "is not taking jobs (it was set to reject them)";
	if (words != NULL)
		problem = xasprintf("printer '%s' %s", name, words);
out:
	ippDelete(resp);
	httpClose(http);
	free(name);
	return problem;
}

/* title with every space or control character made a '-', so that no
 * CUPS release has to cope with a space in a name ("Tickets X" becomes
 * "Tickets-X", still what lpstat shows). */
static char *
job_name(const char *title)
{
	char *name = xstrdup(title);

	for (char *p = name; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			*p = '-';
	return name;
}

int
print_cups_submit(const char *queue, const char *title, const char *format,
                  const struct obuf *data, char **cause)
{
	char *name = NULL, *jobname = job_name(title);
	int job = 0;
	http_t *http;

	if ((http = cups_open(queue != NULL ? queue : "", cause)) == NULL) {
		free(jobname);
		return -1;
	}
	if (queue == NULL || *queue == '\0') {
		if ((name = cups_default_on(http)) == NULL) {
			*cause = xstrdup("no printer is set up for tickets (set printer_queue in kiosk.conf)");
			httpClose(http);
			free(jobname);
			return -1;
		}
	} else
		name = xstrdup(queue);

	job = cupsCreateJob(http, name, jobname, 0, NULL);
	if (job <= 0) {
		*cause = xasprintf("printer '%s' did not take the job: %s", name, cupsLastErrorString());
		job = 0;
		goto fail;
	}
	/* No document-name (NULL): the job's name says it all. */
	if (cupsStartDocument(http, name, job, NULL, format, 1) != HTTP_STATUS_CONTINUE) {
		*cause = xasprintf("printer '%s': cannot start the job: %s", name, cupsLastErrorString());
		goto fail;
	}
	if (cupsWriteRequestData(http, (const char *)data->data, data->len) !=
	    HTTP_STATUS_CONTINUE) {
		*cause = xasprintf("printer '%s': sending the job failed: %s", name, cupsLastErrorString());
		goto fail;
	}
	if (cupsFinishDocument(http, name) > IPP_STATUS_OK_CONFLICTING) {
		*cause = xasprintf("printer '%s': the job failed: %s", name, cupsLastErrorString());
		goto fail;
	}
	httpClose(http);
	free(name);
	free(jobname);
	return job;
fail:
	if (job > 0)
		cupsCancelJob2(http, name, job, 0);
	httpClose(http);
	free(name);
	free(jobname);
	return -1;
}

/* The state of job on the server, or 0 when it cannot be asked. */
static ipp_jstate_t
job_state(http_t *http, int job)
{
	static const char *const want[] = { "job-state" };
	char uri[HTTP_MAX_URI];
	ipp_t *req, *resp;
	ipp_jstate_t state = (ipp_jstate_t)0;

	req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
	httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", ippPort(),
	                 "/jobs/%d", job);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 1, NULL, want);
	resp = cupsDoRequest(http, req, "/");
	if (resp != NULL && cupsLastError() <= IPP_STATUS_OK_CONFLICTING)
		state = (ipp_jstate_t)ippGetInteger(ippFindAttribute(resp, "job-state", IPP_TAG_ENUM), 0);
	ippDelete(resp);
	return state;
}

int
print_cups_wait(const char *queue, int job, int seconds, char **cause)
{
	return print_cups_wait_or_stop(queue, job, seconds, NULL, cause);
}

int
print_cups_wait_or_stop(const char *queue, int job, int seconds, atomic_bool *stop, char **cause)
{
	const struct timespec tick = { 0, 100 * 1000 * 1000 };
	ipp_jstate_t state = (ipp_jstate_t)0;
	char *problem, *name;
	http_t *http = cups_open(queue != NULL ? queue : "", cause);

	if (http == NULL)
		return -1;
	for (int i = 0; i < seconds * 10; i++) {
		if (stop != NULL && atomic_load(stop)) {
			httpClose(http);
			*cause = xasprintf("stopped waiting for job %d", job);
			return -1;
		}
		state = job_state(http, job);
		if (state == IPP_JSTATE_COMPLETED) {
			httpClose(http);
			return 0;
		}
		if (state == IPP_JSTATE_STOPPED || state == IPP_JSTATE_CANCELED ||
		    state == IPP_JSTATE_ABORTED)
			break;
		nanosleep(&tick, NULL);
	}
	name = queue != NULL && *queue != '\0' ? xstrdup(queue) : cups_default_on(http);
	cupsCancelJob2(http, name, job, 0);
	httpClose(http);
	if ((problem = print_cups_problem(queue)) != NULL)
		*cause = xasprintf("%s; the job was cancelled", problem);
	else if (state == IPP_JSTATE_STOPPED || state == IPP_JSTATE_CANCELED ||
	         state == IPP_JSTATE_ABORTED)
		*cause = xasprintf("printer '%s' stopped the job", name != NULL ? name : "");
	else
		*cause = xasprintf("printer '%s' did not take the job within %d seconds (is it "
		                   "switched on and connected?); the job was cancelled",
		                   name != NULL ? name : "", seconds);
	free(problem);
	free(name);
	return -1;
}
