#!/usr/bin/env python3
"""Lab 6b reference solution: replay a protected record.

The program is the network between a client and its bank.  It cannot make
a record (no keys), but it chooses which of the client's records arrive,
and how often.  Deliver the first order, then the same record again: a
record layer whose MAC leaves out the sequence number (mode no-seq) finds
the copy as valid as the original, and the bank executes the order twice.
With the sequence number in the MAC (mode secure, RFC 5246 §6.2.3.1) the
bank expects record 1 the second time, the copy's MAC was made for record
0, and the bank answers bad_record_mac.  Standard library only.
"""
import socket
import sys


def main():
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
    f = sock.makefile("rw", newline="\n")
    banner = {}
    for line in f:
        line = line.strip()
        if line == "ready":
            break
        if line and not line.startswith("#"):
            k, _, v = line.partition(" ")
            banner[k] = v

    def deliver(record_hex):
        f.write("deliver " + record_hex + "\n")
        f.flush()
        return f.readline().strip()

    first = deliver(banner["record1"])           # the order, in its place
    print("bank:", first, file=sys.stderr)
    again = deliver(banner["record1"])           # the same bytes, again
    print("bank:", again, file=sys.stderr)
    if again.startswith("ledger "):
        print(again)                             # executed twice
    elif again == "alert bad_record_mac":
        print("caught bad_record_mac")           # the sequence number at work
    else:
        sys.exit("unexpected answer: " + again)


if __name__ == "__main__":
    main()
