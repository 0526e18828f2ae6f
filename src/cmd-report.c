/* cmd-report.c - `marquee report takings|occupancy|distributor|cards
 * --from DATE --to DATE
 * --csv --user LOGIN [--password-stdin]`: the back office's reports as CSV
 * for a manager or a supervisor, who signs in as at the screens (the
 * password from the terminal, or one line of standard input). */
#include "cmd.h"
#include "client-account.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct cmd_spec cmd_report_spec = {
	.name = "report",
	.synopsis = "report takings --from DATE --to DATE [--by GROUP] [--basis sale|show] --csv --user LOGIN [--password-stdin]\n"
	            "report occupancy|distributor|cards --from DATE --to DATE --csv --user LOGIN [--password-stdin]",
	.help = "Writes a report as CSV on stdout: a header line of column names, then rows.\n"
	        "takings: payments (gross), refunds and net, grouped --by (default day), counted\n"
	        "on the sale's day or the show's (--basis, default sale); money in currency units.\n"
	        "occupancy: each show's seats, admissions, occupancy %% and revenue.\n"
	        "distributor: admissions and box office per film week (from Friday), cinema and film.\n"
	        "cards: each card payment and card refund by day and terminal, with its terminal\n"
	        "reference, for matching against the acquirer's settlement.\n"
	        "The person signing in must be a manager or a supervisor.\n\n"
	        "      --from DATE       the first day, YYYY-MM-DD\n"
	        "      --to DATE         the last day, YYYY-MM-DD\n"
	        "      --by GROUP        takings: film, cashier, terminal, tender or day\n"
	        "      --basis B         takings: sale or show\n"
	        "      --csv             CSV (the only format)\n"
	        "      --user LOGIN      who signs in\n"
	        "      --password-stdin  read the password from the first line of stdin\n"
	        "  -h, --help            show this help and exit\n",
};

/* Writes one CSV field (quoted when it holds a comma, quote or line break). */
static void
report_field(const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n") != NULL) {
		putchar('"');
		for (const char *p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	} else
		fputs(s, stdout);
	putchar(last ? '\n' : ',');
}

/* Writes res as CSV: its column names, then its rows. */
static void
report_csv(const PGresult *res)
{
	int n = PQnfields(res);

	for (int c = 0; c < n; c++)
		report_field(PQfname(res, c), c == n - 1);
	for (int r = 0; r < PQntuples(res); r++)
		for (int c = 0; c < n; c++)
			report_field(PQgetvalue(res, r, c), c == n - 1);
}

/* True when by is a grouping of the takings. */
static bool
report_group_ok(const char *by)
{
	static const char *const groups[] = { "film", "cashier", "terminal", "tender", "day" };

	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (strcmp(by, groups[i]) == 0)
			return true;
	return false;
}

/* Money in cents as currency units in SQL. */
#define REPORT_MONEY(col) "to_char(" col " / 100.0, 'FM999999999990.00')"

/* The query of a report read from $1 (session), $2 and $3 (the days), or
 * NULL when there is no such report; takings has its own. */
static const char *
report_sql(const char *what)
{
	static const struct {
		const char *name, *sql;
	} reports[] = {
		{ "takings", "" },
		{ "occupancy",
		  "SELECT showtime_id, to_char(starts_at, 'YYYY-MM-DD HH24:MI') AS starts, location, auditorium,"
		  " title, seats, admissions, occupancy_pct, " REPORT_MONEY("revenue_cents") " AS revenue"
		  " FROM api.report_occupancy($1, $2::date, $3::date)" },
		{ "distributor",
		  "SELECT week_start, location, title, shows, admissions, " REPORT_MONEY("gross_cents") " AS gross, "
		  REPORT_MONEY("refunded_cents") " AS refunds, " REPORT_MONEY("box_office_cents") " AS box_office"
		  " FROM api.report_distributor($1, $2::date, $3::date)" },
		{ "cards",
		  "SELECT day, terminal, to_char(at, 'YYYY-MM-DD HH24:MI:SS') AS at, kind, booking_code, card_brand,"
		  " card_last4, terminal_ref, auth_code, " REPORT_MONEY("amount_cents") " AS amount, state"
		  " FROM api.report_cards($1, $2::date, $3::date)" },
	};

	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
		if (strcmp(what, reports[i].name) == 0)
			return reports[i].sql;
	return NULL;
}

int
cmd_report(struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "by", required_argument, NULL, 'b' },
		{ "basis", required_argument, NULL, 'B' },
		{ "csv", no_argument, NULL, 'C' },
		{ "user", required_argument, NULL, 'u' },
		{ "password-stdin", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *what = NULL, *from = NULL, *to = NULL, *by = "day", *basis = "sale", *user = NULL;
	bool csv = false, pw_stdin = false;
	char *cause = NULL;
	struct person who;
	struct db *db;
	PGresult *res;
	int c, rc = CMD_OK;

	optind = 0;
	while ((c = cmd_opt(&cmd_report_spec, argc, argv, "-:h", longopts, &rc)) != -1) {
		switch (c) {
		case CMD_STOP:
			return rc;
		case CMD_ARG:
			if (what != NULL)
				return cmd_refuse(&cmd_report_spec, "one report at a time");
			what = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'b':
			by = optarg;
			break;
		case 'B':
			basis = optarg;
			break;
		case 'C':
			csv = true;
			break;
		case 'u':
			user = optarg;
			break;
		case 'P':
			pw_stdin = true;
			break;
		default:
			return cmd_refuse(&cmd_report_spec, "unknown option");
		}
	}
	if (what == NULL || report_sql(what) == NULL)
		return cmd_refuse(&cmd_report_spec, "which report: takings, occupancy, distributor or cards");
	if (!report_group_ok(by))
		return cmd_refuse(&cmd_report_spec, "--by film, cashier, terminal, tender or day");
	if (strcmp(basis, "sale") != 0 && strcmp(basis, "show") != 0)
		return cmd_refuse(&cmd_report_spec, "--basis sale or show");
	if (from == NULL || to == NULL || user == NULL || !csv)
		return cmd_refuse(&cmd_report_spec, "--from, --to, --csv and --user are needed");
	if ((db = cmd_connect(app, &cmd_report_spec)) == NULL)
		return CMD_FAILED;
	if (cmd_sign_in(app, db, &cmd_report_spec, user, pw_stdin, &who) != 0) {
		db_close(db);
		return CMD_FAILED;
	}
	if (strcmp(who.role, "manager") != 0 && strcmp(who.role, "supervisor") != 0) {
		rc = cmd_fail(&cmd_report_spec, "reports are for managers and supervisors");
		goto out;
	}
	if (strcmp(what, "takings") == 0) {
		const char *params[5] = { who.session, by, from, to, basis };

		res = db_exec(db, DB_SAFE,
		              "SELECT key AS \"group\", payments, " REPORT_MONEY("gross_cents") " AS gross, "
		              REPORT_MONEY("refunded_cents") " AS refunds, " REPORT_MONEY("net_cents") " AS net"
		              " FROM api.report_takings($1, $2, $3::date, $4::date, $5)", 5, params);
	} else {
		const char *params[3] = { who.session, from, to };

		res = db_exec(db, DB_SAFE, report_sql(what), 3, params);
	}
	if (res == NULL) {
		cause = client_failure(db, "report");
		rc = cmd_fail(&cmd_report_spec, "%s", cause);
		free(cause);
		goto out;
	}
	report_csv(res);
	PQclear(res);
out:
	client_sign_out(db, &who);
	db_close(db);
	return rc;
}
