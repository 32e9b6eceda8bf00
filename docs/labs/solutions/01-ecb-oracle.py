#!/usr/bin/env python3
"""Lab 1 reference solution: recover the secret an AES-256-ECB oracle appends.

Run: python3 01-ecb-oracle.py 127.0.0.1 PORT  (against `glass lab serve 1`),
or let `glass lab check 1 01-ecb-oracle.py` run it.  Standard library only.
"""
import socket
import sys


class Target:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        self.f = self.sock.makefile("rw", newline="\n")
        self.banner = {}
        for line in self.f:
            line = line.strip()
            if line == "ready":
                break
            if line and not line.startswith("#"):
                k, _, v = line.partition(" ")
                self.banner[k] = v

    def ask(self, line):
        self.f.write(line + "\n")
        self.f.flush()
        return self.f.readline().strip()


def main():
    t = Target(sys.argv[1], sys.argv[2])

    def enc(data):
        kind, _, hexct = t.ask("enc " + data.hex()).partition(" ")
        if kind != "ct":
            sys.exit("oracle said: " + kind + " " + hexct)
        return bytes.fromhex(hexct)

    # 1. The secret's length: the ciphertext grows by a block when the input
    #    pushes the padding over a block boundary.
    base = len(enc(b""))
    pad = 1
    while len(enc(b"A" * pad)) == base:
        pad += 1
    secret_len = base - pad          # with `pad` bytes, the padding is a full block
    # 2. One byte at a time: line up the unknown byte as the last byte of a
    #    block, then try all 256 values in the same position.
    known = b""
    for i in range(secret_len):
        fill = b"A" * (15 - i % 16)
        blk = (len(fill) + i) // 16
        target = enc(fill)[16 * blk:16 * blk + 16]
        prefix = (fill + known)[-15:]
        for g in range(256):
            if enc(prefix + bytes([g]))[:16] == target:
                known += bytes([g])
                break
        else:
            sys.exit("no byte matched at position %d" % i)
    print("secret " + known.decode())


if __name__ == "__main__":
    main()
