#!/usr/bin/env python3
"""glass_flood.py — a flood of complete ClientHellos, for tests/sh/hard_flood.sh.

    glass_flood.py capture PORTFILE OUT
        listens on 127.0.0.1 (a free port, written to PORTFILE), takes one
        connection, saves its first record (a glass client's ClientHello:
        5-byte record header and body) to OUT, and closes.
    glass_flood.py flood HOST:PORT HELLO SECONDS SOURCES PARALLEL
        for SECONDS, from each source address in SOURCES (comma-separated,
        e.g. 127.0.0.2,127.0.0.3: Linux routes all of 127/8 to loopback),
        keeps PARALLEL connections that each send HELLO as one write, read
        the first byte of the answer and close (with RST: no TIME_WAIT).
        Prints one line per source, "SOURCE sent N signed S refused R closed
        C": signed = answered with a handshake record (the server made a
        ServerKeyExchange signature), refused = answered with an alert.

The first byte of a glass record is its content type, as in TLS (RFC 5246
§6.2.1): 22 handshake, 21 alert.  Test tool only: no part of the product.
"""
import selectors
import socket
import struct
import sys
import time


def capture(portfile, out):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(60)
    with open(portfile, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    conn, _ = srv.accept()
    conn.settimeout(30)
    data = b""
    while len(data) < 5 or len(data) < 5 + struct.unpack(">H", data[3:5])[0]:
        chunk = conn.recv(65536)
        if not chunk:
            sys.exit("capture: the client closed before a whole record")
        data += chunk
    n = 5 + struct.unpack(">H", data[3:5])[0]
    with open(out, "wb") as f:
        f.write(data[:n])
    conn.close()
    srv.close()


def flood(target, hello_file, seconds, sources, parallel):
    host, port = target.rsplit(":", 1)
    hello = open(hello_file, "rb").read()
    sel = selectors.DefaultSelector()
    stats = {s: {"sent": 0, "signed": 0, "refused": 0, "closed": 0} for s in sources}
    linger = struct.pack("ii", 1, 0)

    def start(src):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        s.bind((src, 0))
        s.setblocking(False)
        s.connect_ex((host, int(port)))
        sel.register(s, selectors.EVENT_WRITE, [src, "connecting"])

    def done(s):
        sel.unregister(s)
        s.close()

    for src in sources:
        for _ in range(parallel):
            start(src)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.2):
            s, (src, state) = key.fileobj, key.data
            st = stats[src]
            try:
                if state == "connecting":
                    s.send(hello)
                    st["sent"] += 1
                    sel.modify(s, selectors.EVENT_READ, [src, "sent"])
                    continue
                first = s.recv(1)
            except OSError:
                first = b""
            if first == b"\x16":
                st["signed"] += 1
            elif first == b"\x15":
                st["refused"] += 1
            else:
                st["closed"] += 1
            done(s)
            start(src)
    for key in list(sel.get_map().values()):
        done(key.fileobj)
    for src in sources:
        st = stats[src]
        print("%s sent %d signed %d refused %d closed %d"
              % (src, st["sent"], st["signed"], st["refused"], st["closed"]))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "capture":
        capture(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 7 and sys.argv[1] == "flood":
        flood(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5].split(","),
              int(sys.argv[6]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
