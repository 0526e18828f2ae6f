/* cart.c - the sale being built at a terminal: lines, totals, change, split. */
#include "cart.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

void
cart_clear(struct cart *cart)
{
	cart->n = 0;
	cart->total_cents = 0;
	cart->paid_cents = 0;
	memset(cart->line, 0, sizeof cart->line);
}

int
cart_add_type(struct cart *cart, const char *code, const char *name, long long cents)
{
	struct ticket_type *t;

	if (cart->ntypes >= CART_MAX_TYPES || cents < 0)
		return -1;
	t = &cart->types[cart->ntypes++];
	strlcpy_m(t->code, code, sizeof t->code);
	strlcpy_m(t->name, name, sizeof t->name);
	t->price_cents = cents;
	return 0;
}

int
cart_add(struct cart *cart, const char *seat, const char *type, long long cents)
{
	struct cart_line *l;

	if (cart->n >= CART_MAX_SEATS || cents < 0)
		return -1;
	for (int i = 0; i < cart->n; i++)
		if (strcmp(cart->line[i].seat, seat) == 0)
			return -1;
	l = &cart->line[cart->n++];
	strlcpy_m(l->seat, seat, sizeof l->seat);
	strlcpy_m(l->type, type, sizeof l->type);
	l->price_cents = cents;
	return 0;
}

int
cart_type_index(const struct cart *cart, const char *code)
{
	for (int i = 0; i < cart->ntypes; i++)
		if (strcmp(cart->types[i].code, code) == 0)
			return i;
	return -1;
}

const char *
cart_cycle_type(const struct cart *cart, int line, int dir)
{
	int i;

	if (cart->ntypes == 0 || line < 0 || line >= cart->n)
		return NULL;
	i = cart_type_index(cart, cart->line[line].type);
	if (i < 0)
		i = 0;
	else
		i = (i + (dir < 0 ? cart->ntypes - 1 : 1)) % cart->ntypes;
	return cart->types[i].code;
}

long long
cart_sum(const struct cart *cart)
{
	long long sum = 0;

	for (int i = 0; i < cart->n; i++)
		sum += cart->line[i].price_cents;
	return sum;
}

int
cart_count_type(const struct cart *cart, const char *code)
{
	int n = 0;

	for (int i = 0; i < cart->n; i++)
		if (strcmp(cart->line[i].type, code) == 0)
			n++;
	return n;
}

long long
cart_due(const struct cart *cart)
{
	long long due = cart->total_cents - cart->paid_cents;

	return due > 0 ? due : 0;
}

int
cash_change(long long due, long long tendered, long long *change)
{
	if (due < 0 || tendered < due)
		return -1;
	*change = tendered - due;
	return 0;
}

int
split_parts(long long due, long long cash, long long *card)
{
	if (cash <= 0 || cash >= due)
		return -1;
	*card = due - cash;
	return 0;
}

char *
cart_money(char *buf, size_t len, long long cents, const char *currency)
{
	char num[32];
	const char *sym = NULL;

	money_format(num, sizeof num, cents);
	if (currency == NULL || strcmp(currency, "USD") == 0)
		sym = "$";
	else if (strcmp(currency, "EUR") == 0)
		sym = "EUR ";
	else if (strcmp(currency, "GBP") == 0)
		sym = "GBP ";
	if (sym != NULL)
		snprintf(buf, len, "%s%s", sym, num);
	else
		snprintf(buf, len, "%s %s", num, currency);
	return buf;
}
