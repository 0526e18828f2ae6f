/* cmd-ticket.c - `marquee ticket render|print|reprint CODE`: a paid
 * booking's tickets (or receipt) as printer bytes, through CUPS, or as a new
 * issue that stops earlier copies at the door. Each signs a person in first
 * (--user LOGIN: staff act on any booking, a customer on their own; a
 * reprint with only --last4 signs in as a guest) and out at the end. */
#include "cmd.h"
#include "tickets.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TICKET_HELP_COMMON \
	"      --driver D     printer language: ps, escpos or fgl (default: kiosk.conf's\n" \
	"                     printer_driver)\n"
#define TICKET_HELP_QUEUE \
	"      --queue Q      CUPS queue (default: kiosk.conf's printer_queue; \"\" is\n" \
	"                     CUPS's default queue)\n"
#define TICKET_HELP_RECEIPT \
	"      --receipt      the booking's receipt instead of its tickets\n"
#define TICKET_HELP_USER \
	"      --user LOGIN   sign in as LOGIN (a cashier's or manager's user name, or\n" \
	"                     the booking's customer's e-mail); the password is read\n" \
	"                     from the terminal, or from standard input when that is\n" \
	"                     not a terminal\n" \
	"      --password-stdin  read the password from standard input\n"
#define TICKET_HELP_REPRINT \
	"      --last4 NNNN   proof without signing in: the last four digits of the\n" \
	"                     card that paid\n" \
	"      --no-print     make the new issue without printing it\n"
#define TICKET_HELP_HELP \
	"  -h, --help         show this help and exit\n"

/* Each subcommand, and which of the options it takes (their letters). */
static const struct ticket_sub {
	struct cmd_spec	 spec;
	const char	*takes;
} ticket_subs[] = {
	{ { .name = "ticket render",
	    .synopsis = "ticket render CODE --user LOGIN [--driver ps|escpos|fgl] [--receipt] -o FILE",
	    .help = "Writes the tickets (or receipt) of booking CODE as printer bytes to FILE\n"
	    "(\"-\" is standard output), without printing or marking anything.\n\n"
	    "  -o, --output FILE  where to write\n" TICKET_HELP_USER TICKET_HELP_COMMON TICKET_HELP_RECEIPT
	    TICKET_HELP_HELP }, "dorup" },
	{ { .name = "ticket print",
	    .synopsis = "ticket print CODE --user LOGIN [--queue Q] [--driver D] [--receipt]",
	    .help = "Prints the tickets (or receipt) of booking CODE through CUPS. The current\n"
	    "issue prints once; after that a reprint is needed.\n\n"
	    TICKET_HELP_USER TICKET_HELP_QUEUE TICKET_HELP_COMMON TICKET_HELP_RECEIPT TICKET_HELP_HELP }, "dqrup" },
	{ { .name = "ticket reprint",
	    .synopsis = "ticket reprint CODE --user LOGIN|--last4 NNNN [--no-print] [--queue Q] [--driver D]",
	    .help = "Makes a new issue of booking CODE's tickets, so earlier copies no longer open\n"
	    "the door, and prints it.\n\n"
	    TICKET_HELP_USER TICKET_HELP_REPRINT TICKET_HELP_QUEUE TICKET_HELP_COMMON TICKET_HELP_HELP }, "luqdnp" },
};

const struct cmd_spec cmd_ticket_spec = {
	.name = "ticket",
	.synopsis = "ticket render CODE --user LOGIN [--driver ps|escpos|fgl] [--receipt] -o FILE\n"
	            "ticket print CODE --user LOGIN [--queue Q] [--driver D] [--receipt]\n"
	            "ticket reprint CODE --user LOGIN|--last4 NNNN [--no-print] [--queue Q] [--driver D]",
	.help = "  render   write a booking's tickets or receipt as printer bytes\n"
	        "  print    print them through CUPS\n"
	        "  reprint  make a new issue (earlier copies stop opening the door) and print it\n"
	        "`marquee ticket render|print|reprint --help` lists each one's options.\n"
	        "Each signs in first (--user LOGIN; the password from the terminal or standard\n"
	        "input) and out at the end.\n\n"
	        TICKET_HELP_HELP,
};

/* Options of `ticket ...`. */
struct ticket_opts {
	const char		*code;
	const char		*out;
	const char		*queue;
	const char		*last4;
	const char		*user;
	int			 password_stdin;
	enum print_driver	 driver;
	int			 receipt;
	int			 no_print;
};

/* Reads the options of sub from argv (argv[0] is the subcommand's name) into
 * o. Returns -1 when they are good, else the status to exit with. */
static int
ticket_options(struct app *app, const struct ticket_sub *sub, int argc, char **argv,
               struct ticket_opts *o)
{
	static const struct option longopts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "queue", required_argument, NULL, 'q' },
		{ "receipt", no_argument, NULL, 'r' },
		{ "no-print", no_argument, NULL, 'n' },
		{ "last4", required_argument, NULL, 'l' },
		{ "user", required_argument, NULL, 'u' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_spec *spec = &sub->spec;
	int c, rc = CMD_OK;

	memset(o, 0, sizeof *o);
	o->queue = app->cfg.printer_queue;
	o->driver = app->cfg.printer_driver;
	optind = 0;
	while ((c = cmd_opt(spec, argc, argv, "-:o:h", longopts, &rc)) != -1) {
		if (c == CMD_STOP)
			return rc;
		if (c != CMD_ARG && strchr(sub->takes, c) == NULL) {
			const struct option *lo = longopts;

			while (lo->name != NULL && lo->val != c)
				lo++;
			return cmd_refuse(spec, "--%s does not apply to %s", lo->name, spec->name);
		}
		switch (c) {
		case CMD_ARG:
			if (o->code != NULL)
				return cmd_refuse(spec, "unexpected argument '%s'", optarg);
			o->code = optarg;
			break;
		case 'd':
			if (config_driver_parse(optarg, &o->driver) != 0)
				return cmd_refuse(spec, "driver must be ps, escpos or fgl");
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'q':
			o->queue = optarg;
			break;
		case 'r':
			o->receipt = 1;
			break;
		case 'n':
			o->no_print = 1;
			break;
		case 'l':
			o->last4 = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'p':
			o->password_stdin = 1;
			break;
		}
	}
	if (o->code == NULL)
		return cmd_refuse(spec, "which booking? give its code");
	if (strchr(sub->takes, 'o') != NULL && o->out == NULL)
		return cmd_refuse(spec, "-o FILE is needed");
	if (strchr(sub->takes, 'l') != NULL && o->last4 == NULL && o->user == NULL)
		return cmd_refuse(spec, "give --user LOGIN or --last4 NNNN");
	if (strchr(sub->takes, 'l') == NULL && o->user == NULL)
		return cmd_refuse(spec, "give --user LOGIN: who is printing");
	return -1;
}

/* `ticket render`: the bytes into o->out. Returns the exit status. */
static int
ticket_render(struct app *app, struct db *db, const char *session, const struct cmd_spec *spec,
              const struct ticket_opts *o)
{
	struct obuf out = { 0 };
	char *cause = NULL;
	FILE *f = NULL;
	int rc = CMD_FAILED;

	if (tickets_render(app, db, session, o->code, o->driver, o->receipt, &out, &cause) != 0) {
		cmd_fail(spec, "%s", cause);
		goto out;
	}
	f = strcmp(o->out, "-") == 0 ? stdout : fopen(o->out, "wb");
	if (f == NULL || fwrite(out.data, 1, out.len, f) != out.len || fflush(f) != 0) {
		cmd_fail(spec, "%s: %s", o->out, strerror(errno));
		goto out;
	}
	rc = CMD_OK;
out:
	if (f != NULL && f != stdout)
		fclose(f);
	free(cause);
	obuf_free(&out);
	return rc;
}

/* `ticket print` and `ticket reprint` (reprint set). tickets.c logs what
 * the printer and the database answered. Returns the exit status. */
static int
ticket_print(struct app *app, struct db *db, const char *session, const struct cmd_spec *spec,
             const struct ticket_opts *o, int reprint)
{
	char *cause = NULL;
	int job;

	if (reprint) {
		int issue = tickets_reprint(db, session, o->code, o->last4, &cause);

		if (issue < 0)
			goto fail;
		printf("booking %s: issue %d made; earlier copies no longer open the door\n", o->code,
		       issue);
		if (o->no_print)
			return CMD_OK;
	}
	if (o->receipt)
		job = tickets_print_receipt(app, db, session, o->code, &cause);
	else
		job = tickets_print_to(app, db, session, o->code, o->queue, o->driver, &cause);
	if (job < 0)
		goto fail;
	printf("booking %s: sent to the printer (job %d)\n", o->code, job);
	return CMD_OK;
fail:
	fprintf(stderr, "marquee %s: %s\n", spec->name, cause);
	free(cause);
	return CMD_FAILED;
}

int
cmd_ticket(struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct ticket_sub *sub = NULL;
	struct ticket_opts o;
	struct person who;
	struct db *db;
	int c, rc = CMD_OK;

	/* Options before the subcommand: only --help. */
	optind = 0;
	if ((c = cmd_opt(&cmd_ticket_spec, argc, argv, "+:h", longopts, &rc)) == CMD_STOP)
		return rc;
	if (c != CMD_ARG)
		return cmd_refuse(&cmd_ticket_spec, "say what to do: render, print or reprint");
	for (size_t i = 0; i < sizeof ticket_subs / sizeof ticket_subs[0]; i++)
		if (strcmp(optarg, ticket_subs[i].spec.name + strlen("ticket ")) == 0)
			sub = &ticket_subs[i];
	if (sub == NULL)
		return cmd_refuse(&cmd_ticket_spec, "unknown action '%s'", optarg);
	argc -= optind - 1;
	argv += optind - 1;
	if ((rc = ticket_options(app, sub, argc, argv, &o)) >= 0)
		return rc;
	if ((db = cmd_connect(app, &sub->spec)) == NULL)
		return CMD_FAILED;
	if (cmd_sign_in(app, db, &sub->spec, o.user, o.password_stdin, &who) != 0) {
		db_close(db);
		return CMD_FAILED;
	}
	if (sub == &ticket_subs[0])
		rc = ticket_render(app, db, who.session, &sub->spec, &o);
	else
		rc = ticket_print(app, db, who.session, &sub->spec, &o, sub == &ticket_subs[2]);
	client_sign_out(db, &who);
	db_close(db);
	return rc;
}
