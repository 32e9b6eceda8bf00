#!/usr/bin/env python3
"""Lab 3 reference solution: Bleichenbacher's e = 3 forgery (2006).

The lax verifier reads s^3 mod n from the left: 00 01 FF 00, DigestInfo, H,
and stops; whatever follows is not looked at.  So choose
    EM' = 00 01 FF 00 || DigestInfo || H || garbage
as a number and take an integer cube root, rounded up: the cube of the
root begins with the same bytes (the root's error only reaches the low
bytes, the garbage).  No reduction mod n happens (s^3 < n), no key needed.
Standard library only.
"""
import hashlib
import socket
import sys

DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")   # RFC 8017 §9.2 note 1


def icbrt(x):
    """The integer cube root, rounded down (Newton's method)."""
    r = 1 << ((x.bit_length() + 2) // 3)
    while True:
        s = (2 * r + x // (r * r)) // 3
        if s >= r:
            break
        r = s
    while r * r * r > x:
        r -= 1
    while (r + 1) ** 3 <= x:
        r += 1
    return r


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
    n = int(banner["n"], 16)
    k = len(banner["n"]) // 2
    H = hashlib.sha256(bytes.fromhex(banner["message"])).digest()
    prefix = b"\x00\x01\xff\x00" + DIGEST_INFO + H
    low = int.from_bytes(prefix + b"\x00" * (k - len(prefix)), "big")
    high = int.from_bytes(prefix + b"\xff" * (k - len(prefix)), "big")
    s = icbrt(low) + 1                      # rounded up: s^3 >= low
    assert s ** 3 <= high and s ** 3 < n, "the key is too small for this forgery"
    sig = s.to_bytes(k, "big")
    f.write("verify " + sig.hex() + "\n")
    f.flush()
    print("the target says: " + f.readline().strip(), file=sys.stderr)
    print("signature " + sig.hex())


if __name__ == "__main__":
    main()
