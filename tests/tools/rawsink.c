/* rawsink.c - a stand-in for a network ticket printer: listens on
 * 127.0.0.1:PORT (what a CUPS socket:// queue connects to) and appends the
 * bytes of each connection to FILE, until COUNT connections have closed or
 * TIMEOUT seconds have passed. FILE.ready appears once it listens.
 *
 *   rawsink PORT FILE [COUNT [TIMEOUT]]
 * Exit 0 after COUNT connections, 1 on a timeout or an error. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	int fd, one = 1, count, timeout, done = 0;
	char ready[4096], buf[65536];
	FILE *out, *rf;
	time_t end;

	if (argc < 3) {
		fprintf(stderr, "usage: rawsink PORT FILE [COUNT [TIMEOUT]]\n");
		return 2;
	}
	count = argc > 3 ? atoi(argv[3]) : 1;
	timeout = argc > 4 ? atoi(argv[4]) : 60;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4) != 0) {
		fprintf(stderr, "rawsink: port %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if ((out = fopen(argv[2], "ab")) == NULL) {
		fprintf(stderr, "rawsink: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	snprintf(ready, sizeof ready, "%s.ready", argv[2]);
	if ((rf = fopen(ready, "w")) == NULL) {
		fprintf(stderr, "rawsink: %s: %s\n", ready, strerror(errno));
		return 1;
	}
	fclose(rf);
	end = time(NULL) + timeout;
	while (done < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int c;
		ssize_t n;

		if (time(NULL) >= end || poll(&pfd, 1, 200) < 0) {
			if (time(NULL) >= end) {
				fprintf(stderr, "rawsink: timed out after %d of %d connections\n", done, count);
				fclose(out);
				return 1;
			}
			continue;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		if ((c = accept(fd, NULL, NULL)) < 0)
			continue;
		while ((n = read(c, buf, sizeof buf)) > 0)
			fwrite(buf, 1, (size_t)n, out);
		close(c);
		fflush(out);
		done++;
	}
	fclose(out);
	close(fd);
	return 0;
}
