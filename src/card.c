/* card.c - card terminal drivers and the one way a sale talks to them. */
#include "card.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct card_driver *const card_drivers[] = { &card_driver_test };

int
card_open(struct card_terminal *term, const char *name, const char *arg, char **cause)
{
	memset(term, 0, sizeof *term);
	for (size_t i = 0; i < sizeof card_drivers / sizeof card_drivers[0]; i++) {
		if (strcmp(card_drivers[i]->name, name != NULL ? name : "test") != 0)
			continue;
		term->state = card_drivers[i]->open(arg, cause);
		if (term->state == NULL)
			return -1;
		term->driver = card_drivers[i];
		return 0;
	}
	*cause = xasprintf("no card terminal driver called %s", name);
	return -1;
}

void
card_close(struct card_terminal *term)
{
	if (term->driver != NULL)
		term->driver->close(term->state);
	memset(term, 0, sizeof *term);
}

bool
card_is_simulated(const struct card_terminal *term)
{
	return term->driver != NULL && term->driver->present != NULL;
}

void
card_present(struct card_terminal *term, const char *card_number)
{
	if (card_is_simulated(term))
		term->driver->present(term->state, card_number);
}

int
card_resolve(struct card_terminal *term, const char *key, int tries, struct card_result *res)
{
	for (int i = 0; i < (tries > 0 ? tries : 1); i++) {
		if (term->driver->status(term->state, key, res) != 0)
			res->outcome = CARD_UNKNOWN;
		if (res->outcome == CARD_APPROVED || res->outcome == CARD_DECLINED ||
		    res->outcome == CARD_NOT_FOUND)
			return 0;
	}
	res->outcome = CARD_UNKNOWN;
	snprintf(res->message, sizeof res->message,
	         "The card terminal cannot say yet whether the card was charged.");
	return 0;
}

int
card_pay(struct card_terminal *term, const char *key, long long cents, const char *currency,
         int tries, struct card_result *res)
{
	memset(res, 0, sizeof *res);
	if (term->driver == NULL) {
		res->outcome = CARD_ERROR;
		snprintf(res->message, sizeof res->message, "No card terminal is configured.");
		return -1;
	}
	if (term->driver->charge(term->state, key, cents, currency, res) != 0)
		res->outcome = CARD_UNKNOWN;
	if (res->outcome == CARD_TIMEOUT || res->outcome == CARD_UNKNOWN) {
		card_resolve(term, key, tries, res);
		res->asked_status = true;
	}
	return 0;
}

int
card_refund(struct card_terminal *term, const char *key, long long cents, const char *currency,
            const char *charge_ref, int tries, struct card_result *res)
{
	memset(res, 0, sizeof *res);
	if (term->driver == NULL || term->driver->refund == NULL) {
		res->outcome = CARD_ERROR;
		snprintf(res->message, sizeof res->message, "No card terminal here can refund.");
		return -1;
	}
	if (term->driver->refund(term->state, key, cents, currency, charge_ref, res) != 0)
		res->outcome = CARD_UNKNOWN;
	if (res->outcome == CARD_TIMEOUT || res->outcome == CARD_UNKNOWN) {
		card_resolve(term, key, tries, res);
		res->asked_status = true;
	}
	return 0;
}

int
card_reverse(struct card_terminal *term, const char *key, struct card_result *res)
{
	memset(res, 0, sizeof *res);
	return term->driver->reverse(term->state, key, res);
}

bool
card_luhn(const char *number)
{
	int sum = 0, len = (int)strlen(number);

	if (len < 12 || len > 19)
		return false;
	for (int i = 0; i < len; i++) {
		int d;

		if (!isdigit((unsigned char)number[len - 1 - i]))
			return false;
		d = number[len - 1 - i] - '0';
		if (i % 2 == 1 && (d *= 2) > 9)
			d -= 9;
		sum += d;
	}
	return sum % 10 == 0;
}

const char *
card_outcome_name(enum card_outcome outcome)
{
	static const char *const names[] = { "approved", "declined", "timeout", "unknown",
	                                      "not_found", "error" };

	return outcome <= CARD_ERROR ? names[outcome] : "?";
}
