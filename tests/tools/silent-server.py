#!/usr/bin/env python3
# silent-server.py - a print server that takes every connection and never
# answers (a stalled cupsd): listens on a free port of 127.0.0.1, prints the
# port on standard output, and holds connections for SECONDS (default 60).
import socket
import sys
import time

s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
s.settimeout(0.5)
print(s.getsockname()[1], flush=True)
held = []
end = time.time() + (float(sys.argv[1]) if len(sys.argv) > 1 else 60)
while time.time() < end:
    try:
        held.append(s.accept())
    except socket.timeout:
        pass
