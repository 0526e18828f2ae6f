/* cmd-hall.c - `marquee hall import FILE` and `marquee hall export NAME`: a
 * hall's seats from and to a text layout (hall-layout.h), for a manager
 * (import) or a supervisor (export) who signs in as at the screens. */
#include "cmd.h"
#include "client-account.h"
#include "client-office.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HALL_FILE_MAX	(1u << 20)	/* bytes of a hall layout */

const struct cmd_spec cmd_hall_spec = {
	.name = "hall",
	.synopsis = "hall import FILE --user LOGIN [--password-stdin]\n"
	            "hall export NAME [--cinema CINEMA] --user LOGIN [--password-stdin]",
	.help = "import: makes the hall FILE lays out (\"-\": standard input), or lays an\n"
	        "existing hall out anew; a hall with showtimes keeps its layout. A manager's.\n"
	        "export: writes the layout of hall NAME on standard output, in the form import\n"
	        "reads: \"cinema:\" and \"hall:\" lines, then a line a row, front first: the row's\n"
	        "name and a character a place (s standard, p premium, w wheelchair, c companion,\n"
	        "x blocked, . no seat); seats are numbered from the left.\n\n"
	        "      --cinema CINEMA   export: the hall's cinema, when halls of two share NAME\n"
	        "      --user LOGIN      who signs in\n"
	        "      --password-stdin  read the password from the first line of stdin\n"
	        "  -h, --help            show this help and exit\n",
};

int
cmd_hall(struct app *app, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cinema", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "password-stdin", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *args[2] = { NULL, NULL }, *cinema = "", *user = NULL;
	bool pw_stdin = false, import;
	char *cause = NULL, *text = NULL, *out;
	struct hall_layout h;
	struct person who;
	struct db *db;
	size_t len = 0, nargs = 0;
	int c, rc = CMD_OK, found;

	optind = 0;
	while ((c = cmd_opt(&cmd_hall_spec, argc, argv, "-:h", longopts, &rc)) != -1) {
		switch (c) {
		case CMD_STOP:
			return rc;
		case CMD_ARG:
			if (nargs == 2)
				return cmd_refuse(&cmd_hall_spec, "import FILE or export NAME");
			args[nargs++] = optarg;
			break;
		case 'c':
			cinema = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'P':
			pw_stdin = true;
			break;
		default:
			return cmd_refuse(&cmd_hall_spec, "unknown option");
		}
	}
	if (nargs != 2 || (strcmp(args[0], "import") != 0 && strcmp(args[0], "export") != 0))
		return cmd_refuse(&cmd_hall_spec, "import FILE or export NAME");
	if (user == NULL)
		return cmd_refuse(&cmd_hall_spec, "--user is needed");
	import = strcmp(args[0], "import") == 0;
	memset(&h, 0, sizeof h);
	if (import) {
		if (pw_stdin && strcmp(args[1], "-") == 0)
			return cmd_refuse(&cmd_hall_spec, "the layout and the password cannot both come from stdin");
		text = strcmp(args[1], "-") == 0 ? read_stream(stdin, HALL_FILE_MAX, &len) :
		       read_path(args[1], HALL_FILE_MAX, &len);
		if (text == NULL)
			return cmd_fail(&cmd_hall_spec, "cannot read %s: %s", args[1],
			                errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		if (hall_layout_parse(text, len, &h, &cause) != 0) {
			free(text);
			rc = cmd_fail(&cmd_hall_spec, "%s: %s", args[1], cause);
			free(cause);
			return rc;
		}
		free(text);
	}
	if ((db = cmd_connect(app, &cmd_hall_spec)) == NULL) {
		hall_layout_free(&h);
		return CMD_FAILED;
	}
	if (cmd_sign_in(app, db, &cmd_hall_spec, user, pw_stdin, &who) != 0) {
		hall_layout_free(&h);
		db_close(db);
		return CMD_FAILED;
	}
	if (import) {
		if (client_office_hall_import(db, who.session, &h, &cause) != 0)
			rc = cmd_fail(&cmd_hall_spec, "%s", cause);
		else
			printf("%s\n", cause);
		free(cause);
	} else if ((found = client_office_hall_read(db, who.session, cinema, args[1], &h, &cause)) != 1) {
		rc = cmd_fail(&cmd_hall_spec, "%s", found < 0 ? cause : "no such hall (or two share that name: "
		              "say --cinema), or it is not yours to read");
		free(cause);
	} else if ((out = hall_layout_format(&h, &cause)) == NULL) {
		rc = cmd_fail(&cmd_hall_spec, "%s", cause);
		free(cause);
	} else {
		fputs(out, stdout);
		free(out);
	}
	hall_layout_free(&h);
	client_sign_out(db, &who);
	db_close(db);
	return rc;
}
