#!/usr/bin/env python3
"""Lab 2 reference solution: extend SHA-256(key || message) without the key.

The tag is the hash state H0..H7 after the last block of key || message ||
padding (FIPS 180-4 §6.2.2).  Start a SHA-256 from that state, hash the
suffix as if that many bytes came before it, and the result is the tag of
message || padding || suffix.  hashlib cannot start from a given state, so
SHA-256's compression function is written out here (FIPS 180-4 §6.2).
Standard library only.
"""
import socket
import struct
import sys

K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]
M32 = 0xffffffff


def rotr(x, n):
    return ((x >> n) | (x << (32 - n))) & M32


def compress(H, block):
    """FIPS 180-4 §6.2.2: one 64-byte block into the state H."""
    W = list(struct.unpack(">16I", block))
    for t in range(16, 64):
        s0 = rotr(W[t - 15], 7) ^ rotr(W[t - 15], 18) ^ (W[t - 15] >> 3)
        s1 = rotr(W[t - 2], 17) ^ rotr(W[t - 2], 19) ^ (W[t - 2] >> 10)
        W.append((W[t - 16] + s0 + W[t - 7] + s1) & M32)
    a, b, c, d, e, f, g, h = H
    for t in range(64):
        T1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + W[t]) & M32
        T2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) & M32
        a, b, c, d, e, f, g, h = (T1 + T2) & M32, a, b, c, (d + T1) & M32, e, f, g
    return [(x + y) & M32 for x, y in zip(H, [a, b, c, d, e, f, g, h])]


def padding(n):
    """FIPS 180-4 §5.1.1: 80, zeros, the bit length in 64 bits."""
    return b"\x80" + b"\x00" * ((55 - n) % 64) + struct.pack(">Q", 8 * n)


def extend(tag, prefix_len, suffix):
    """SHA-256 of (prefix_len bytes, padded) || suffix, from the prefix's tag."""
    H = list(struct.unpack(">8I", tag))
    done = prefix_len + len(padding(prefix_len))
    data = suffix + padding(done + len(suffix))
    for i in range(0, len(data), 64):
        H = compress(H, data[i:i + 64])
    return struct.pack(">8I", *H)


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
    msg, tag, suffix = (bytes.fromhex(banner[k]) for k in ("message", "tag", "suffix"))
    # The key length is unknown: try each, and ask the target.
    for key_len in range(0, 65):
        forged = msg + padding(key_len + len(msg)) + suffix
        new_tag = extend(tag, key_len + len(msg), suffix)
        f.write("verify %s %s\n" % (forged.hex(), new_tag.hex()))
        f.flush()
        if f.readline().strip() == "ok":
            print("message " + forged.hex())
            print("tag " + new_tag.hex())
            return
    sys.exit("no key length from 0 to 64 worked")


if __name__ == "__main__":
    main()
