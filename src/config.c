/* config.c - kiosk.conf parser: "key = value" lines, # comments, quoted values. */
#include "config.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONFIG_FILE_MAX	(1u << 20)	/* bytes of a configuration file */

static void
set_str(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

void
config_defaults(struct config *cfg)
{
	char host[64];

	memset(cfg, 0, sizeof *cfg);
	if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
		strlcpy_m(host, "terminal", sizeof host);
	host[sizeof host - 1] = '\0';
	for (char *p = host; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			*p = '-';
	strlcpy_m(cfg->terminal, host, sizeof cfg->terminal);
	cfg->mode = MODE_COUNTER;
	cfg->dsn = xstrdup("");
	cfg->hold_minutes = 8;
	strlcpy_m(cfg->currency, "USD", sizeof cfg->currency);
	cfg->printer_queue = xstrdup("");
	cfg->printer_driver = DRIVER_PS;
	cfg->receipt_queue = xstrdup("");
	cfg->print_wait = 20;
	cfg->signing_key = xstrdup("/etc/marquee/ticket.key");
	cfg->public_key = xstrdup("/etc/marquee/ticket.pub");
	cfg->idle_seconds = 90;
	cfg->logout_minutes = 15;
	cfg->reconnect_seconds = 30;
	cfg->card_driver = xstrdup("test");
	cfg->card_state = xstrdup("");
	cfg->location_id = 0;
	cfg->sendmail = xstrdup("/usr/sbin/sendmail -t -i");
	cfg->log = xstrdup("syslog");
}

void
config_free(struct config *cfg)
{
	free(cfg->path);
	free(cfg->dsn);
	free(cfg->printer_queue);
	free(cfg->receipt_queue);
	free(cfg->signing_key);
	free(cfg->public_key);
	free(cfg->card_driver);
	free(cfg->card_state);
	free(cfg->sendmail);
	free(cfg->log);
	memset(cfg, 0, sizeof *cfg);
}

const char *
config_mode_name(enum term_mode mode)
{
	return mode == MODE_KIOSK ? "kiosk" : "counter";
}

const char *
config_driver_name(enum print_driver driver)
{
	switch (driver) {
	case DRIVER_ESCPOS:
		return "escpos";
	case DRIVER_FGL:
		return "fgl";
	default:
		return "ps";
	}
}

int
config_driver_parse(const char *name, enum print_driver *driver)
{
	if (strcmp(name, "ps") == 0)
		*driver = DRIVER_PS;
	else if (strcmp(name, "escpos") == 0)
		*driver = DRIVER_ESCPOS;
	else if (strcmp(name, "fgl") == 0)
		*driver = DRIVER_FGL;
	else
		return -1;
	return 0;
}

/* Parses a whole decimal number in [min, max]. Returns 0 or -1. */
static int
parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Reads the value after '=': bare (up to a # comment) or "quoted" with \"
 * and \\ escapes. Returns a new string, or NULL with *why set. */
static char *
parse_value(const char *p, const char **why)
{
	char *out, *o;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '"') {
		const char *hash = p;
		while (*hash != '\0' && !(*hash == '#' && (hash == p || isspace((unsigned char)hash[-1]))))
			hash++;
		out = xstrndup(p, (size_t)(hash - p));
		return strtrim(out);
	}
	o = out = xmalloc(strlen(p) + 1);
	for (p++; *p != '"'; p++) {
		if (*p == '\0') {
			free(out);
			*why = "unterminated quoted value";
			return NULL;
		}
		if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		*o++ = *p;
	}
	*o = '\0';
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	if (*p != '\0' && *p != '#') {
		free(out);
		*why = "text after the closing quote";
		return NULL;
	}
	return out;
}

/* Applies one key. Returns NULL, or a static description of what is wrong. */
static const char *
config_set(struct config *cfg, const char *key, const char *value)
{
	long n;

	if (strcmp(key, "terminal") == 0) {
		size_t len = strlen(value);
		if (len == 0 || len > 32)
			return "terminal must be 1 to 32 characters";
		for (const char *p = value; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
				return "terminal may hold only letters, digits, '-' and '_'";
		strlcpy_m(cfg->terminal, value, sizeof cfg->terminal);
	} else if (strcmp(key, "mode") == 0) {
		if (strcmp(value, "counter") == 0)
			cfg->mode = MODE_COUNTER;
		else if (strcmp(value, "kiosk") == 0)
			cfg->mode = MODE_KIOSK;
		else
			return "mode must be counter or kiosk";
	} else if (strcmp(key, "dsn") == 0) {
		set_str(&cfg->dsn, value);
	} else if (strcmp(key, "hold_minutes") == 0) {
		if (parse_int(value, 1, 30, &n) != 0)
			return "hold_minutes must be a whole number from 1 to 30";
		cfg->hold_minutes = (int)n;
	} else if (strcmp(key, "currency") == 0) {
		if (strlen(value) != 3 || !isupper((unsigned char)value[0]) ||
		    !isupper((unsigned char)value[1]) || !isupper((unsigned char)value[2]))
			return "currency must be an ISO 4217 code such as USD or EUR";
		strlcpy_m(cfg->currency, value, sizeof cfg->currency);
	} else if (strcmp(key, "printer_queue") == 0) {
		set_str(&cfg->printer_queue, value);
	} else if (strcmp(key, "printer_driver") == 0) {
		if (config_driver_parse(value, &cfg->printer_driver) != 0)
			return "printer_driver must be ps, escpos or fgl";
	} else if (strcmp(key, "receipt_queue") == 0) {
		set_str(&cfg->receipt_queue, value);
	} else if (strcmp(key, "print_wait") == 0) {
		if (parse_int(value, 0, 120, &n) != 0)
			return "print_wait must be a whole number of seconds from 0 to 120";
		cfg->print_wait = (int)n;
	} else if (strcmp(key, "signing_key") == 0) {
		if (*value == '\0')
			return "signing_key needs a file name";
		set_str(&cfg->signing_key, value);
	} else if (strcmp(key, "public_key") == 0) {
		if (*value == '\0')
			return "public_key needs a file name";
		set_str(&cfg->public_key, value);
	} else if (strcmp(key, "idle_seconds") == 0) {
		if (parse_int(value, 10, 3600, &n) != 0)
			return "idle_seconds must be a whole number from 10 to 3600";
		cfg->idle_seconds = (int)n;
	} else if (strcmp(key, "reconnect_seconds") == 0) {
		if (parse_int(value, 0, 300, &n) != 0)
			return "reconnect_seconds must be a whole number from 0 to 300";
		cfg->reconnect_seconds = (int)n;
	} else if (strcmp(key, "logout_minutes") == 0) {
		if (parse_int(value, 1, 720, &n) != 0)
			return "logout_minutes must be a whole number from 1 to 720";
		cfg->logout_minutes = (int)n;
	} else if (strcmp(key, "card_driver") == 0) {
		if (strcmp(value, "test") != 0)
			return "card_driver must be test (the only driver this build has)";
		set_str(&cfg->card_driver, value);
	} else if (strcmp(key, "card_state") == 0) {
		set_str(&cfg->card_state, value);
	} else if (strcmp(key, "location_id") == 0) {
		if (parse_int(value, 0, LONG_MAX, &n) != 0)
			return "location_id must be a cinema number, or 0 for all";
		cfg->location_id = n;
	} else if (strcmp(key, "sendmail") == 0) {
		if (*value == '\0')
			return "sendmail needs a command";
		set_str(&cfg->sendmail, value);
	} else if (strcmp(key, "log") == 0) {
		if (*value == '\0' || (strcmp(value, "syslog") != 0 && strcmp(value, "stderr") != 0 &&
		                       strcmp(value, "off") != 0 && *value != '/'))
			return "log must be syslog, stderr, off or an absolute file path";
		set_str(&cfg->log, value);
	} else
		return "unknown setting";
	return NULL;
}

int
config_parse(struct config *cfg, const char *text, const char *name, char **cause)
{
	const char *line = text;
	int lineno = 0;

	while (*line != '\0') {
		const char *nl = strchr(line, '\n');
		size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		char *buf = xstrndup(line, len), *p = buf, *eq, *key, *value;
		const char *why = NULL;

		lineno++;
		line += len + (nl != NULL);
		if (strchr(buf, '\0') != buf + len) {
			free(buf);
			*cause = xasprintf("%s:%d: a NUL byte in the line", name, lineno);
			return -1;
		}
		strtrim(p);
		if (*p == '\0' || *p == '#') {
			free(buf);
			continue;
		}
		eq = strchr(p, '=');
		if (eq == NULL) {
			*cause = xasprintf("%s:%d: expected \"key = value\", got \"%.40s\"", name, lineno, p);
			free(buf);
			return -1;
		}
		*eq = '\0';
		key = strtrim(p);
		value = parse_value(eq + 1, &why);
		if (value == NULL) {
			*cause = xasprintf("%s:%d: %s: %s", name, lineno, key, why);
			free(buf);
			return -1;
		}
		why = config_set(cfg, key, value);
		if (why != NULL) {
			if (strcmp(why, "unknown setting") == 0)
				*cause = xasprintf("%s:%d: unknown setting \"%.40s\"", name, lineno, key);
			else
				*cause = xasprintf("%s:%d: %s (got \"%.60s\")", name, lineno, why, value);
			free(value);
			free(buf);
			return -1;
		}
		free(value);
		free(buf);
	}
	return 0;
}

int
config_load(struct config *cfg, const char *path, char **cause)
{
	char *text;
	size_t len;
	int rc;

	if ((text = read_path(path, CONFIG_FILE_MAX, &len)) == NULL) {
		*cause = errno == EFBIG ? xasprintf("%s: too large for a configuration file", path) :
		         xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (strlen(text) != len) {
		free(text);
		*cause = xasprintf("%s: contains a NUL byte; not a text file", path);
		return -1;
	}
	rc = config_parse(cfg, text, path, cause);
	free(text);
	if (rc == 0) {
		free(cfg->path);
		cfg->path = xstrdup(path);
	}
	return rc;
}

const char *
config_find(const char *arg)
{
	const char *env = getenv("MARQUEE_CONFIG");

	if (arg != NULL)
		return arg;
	if (env != NULL && *env != '\0')
		return env;
	if (access("kiosk.conf", F_OK) == 0)
		return "kiosk.conf";
	if (access("/etc/marquee/kiosk.conf", F_OK) == 0)
		return "/etc/marquee/kiosk.conf";
	return NULL;
}
