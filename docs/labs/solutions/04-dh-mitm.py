#!/usr/bin/env python3
"""Lab 4 reference solution: a man in the middle on unsigned Diffie-Hellman.

Mallory runs one honest exchange with Alice and another with Bob: Alice
gets g^m instead of Bob's value, Bob gets g^m instead of Alice's.  Alice's
key is then A^m, Bob's B^m, and Mallory knows both.  Both check that the
values they get are in [2, p-2] and in the subgroup (SP 800-56A
§5.6.2.3.1): g^m passes every check, because nothing checks *who* sent it.
Only a signature over the value (what TLS's ServerKeyExchange carries)
would.  Standard library only.
"""
import hashlib
import secrets
import socket
import sys


def main():
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
    f = sock.makefile("rw", newline="\n")
    banner = {}
    for line in f:
        line = line.strip()
        if line == "ready":
            break
        if line and not line.startswith("#"):
            k, _, v = line.partition(" ")
            banner[k] = v

    def ask(line):
        f.write(line + "\n")
        f.flush()
        kind, _, value = f.readline().strip().partition(" ")
        if kind == "error":
            sys.exit("target: " + value)
        return value

    p, g, A = int(banner["p"], 16), int(banner["g"]), int(banner["alice"], 16)
    plen = len(banner["p"]) // 2
    m = secrets.randbelow(p - 3) + 2
    M = pow(g, m, p).to_bytes(plen, "big").hex()
    B = int(ask("to_bob " + M), 16)             # Bob thinks g^m came from Alice
    said = bytes.fromhex(ask("to_alice " + M))  # Alice thinks g^m came from Bob

    def keystream(Z):
        return hashlib.sha256(Z.to_bytes(plen, "big") + b"lab 4").digest()

    msg = bytes(a ^ b for a, b in zip(said, keystream(pow(A, m, p))))
    relay = bytes(a ^ b for a, b in zip(msg, keystream(pow(B, m, p))))
    print("bob says: " + ask("to_bob_msg " + relay.hex()), file=sys.stderr)
    print("message " + msg.decode())


if __name__ == "__main__":
    main()
