/* cart.h - the sale being built at a terminal: seats, ticket types, prices
 * (as the database decided them), what is due, change and split payments.
 * No curses here: tests/unit/test-cart.c drives it directly. */
#ifndef MARQUEE_CART_H
#define MARQUEE_CART_H

#include <stdbool.h>
#include <stddef.h>

#define CART_MAX_SEATS 20
#define CART_MAX_TYPES 8

struct ticket_type {
	char		code[16];
	char		name[40];
	long long	price_cents;	/* base price; a premium seat adds its surcharge */
};

struct cart_line {
	char		seat[8];
	char		type[16];
	long long	price_cents;	/* what the database charges for this ticket */
};

struct cart {
	struct cart_line	line[CART_MAX_SEATS];
	int			n;
	struct ticket_type	types[CART_MAX_TYPES];
	int			ntypes;
	long long		total_cents;	/* the order's total, from the database */
	long long		paid_cents;
	char			currency[4];
};

/* Empties the cart (keeps the ticket types). */
void      cart_clear(struct cart *cart);
/* Adds a ticket type. Returns 0, or -1 when the table is full. */
int       cart_add_type(struct cart *cart, const char *code, const char *name, long long cents);
/* Adds a seat line. Returns 0, or -1 when full or already there. */
int       cart_add(struct cart *cart, const char *seat, const char *type, long long cents);
/* Index of a ticket type by code, or -1. */
int       cart_type_index(const struct cart *cart, const char *code);
/* The type after (dir > 0) or before (dir < 0) a line's type, wrapping. Returns
 * the code (a string in the cart), or NULL when there are no types. */
const char *cart_cycle_type(const struct cart *cart, int line, int dir);
/* Sum of the lines' prices. */
long long cart_sum(const struct cart *cart);
/* Number of lines of a type. */
int       cart_count_type(const struct cart *cart, const char *code);
/* What is still due: total - paid, never below 0. */
long long cart_due(const struct cart *cart);

/* Change for a cash tender. Returns 0 with *change set, or -1 when the
 * tender does not cover the amount due (or is negative). */
int       cash_change(long long due, long long tendered, long long *change);
/* Splits what is due into a cash part and a card part. cash is what the
 * customer pays in cash (tendered may be more: the change comes back).
 * Returns 0, or -1 when the cash part is not between 1 cent and due - 1 cent. */
int       split_parts(long long due, long long cash, long long *card);
/* Formats cents with a currency symbol ("$12.50", "12.50 EUR") into buf. */
char     *cart_money(char *buf, size_t len, long long cents, const char *currency);

#endif
