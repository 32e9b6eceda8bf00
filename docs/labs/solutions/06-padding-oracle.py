#!/usr/bin/env python3
"""Lab 6 reference solution: Vaudenay's CBC padding oracle (2002).

CBC decryption gives P_i = D(C_i) XOR C_(i-1).  Send the target a record
X || C_i: it computes D(C_i) XOR X and checks the padding first.  When the
last byte comes out 00 (TLS padding of length 0, RFC 5246 §6.2.3.2) the
padding is good and the target complains about the MAC instead: then
D(C_i)[15] = X[15], and P_i[15] = X[15] XOR C_(i-1)[15].  Then aim for
01 01, 02 02 02, ... one byte at a time: at most 256 questions a byte, and
no key.  The same program works against both modes of the target: the
receiver written the TLS 1.0 way (classic) and glass's own TLS 1.2 record
layer with the lab build's leak (tls12).  Standard library only.
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
    rec = bytes.fromhex(banner["record"])
    hdr, body = rec[:3], rec[5:]
    blocks = [body[i:i + 16] for i in range(0, len(body), 16)]   # IV, C_1, ...

    def padding_ok(x, c):
        # Two blocks of anything first: the real TLS 1.2 record layer (mode
        # tls12) opens only records with room for the 32-byte MAC and a
        # block.  CBC decrypts the last block as D(c) XOR x all the same.
        frag = bytes(32) + x + c
        line = "record " + (hdr + len(frag).to_bytes(2, "big") + frag).hex()
        f.write(line + "\n")
        f.flush()
        return f.readline().strip() != "alert decryption_failed"

    plain = b""
    for i in range(1, len(blocks)):
        D = bytearray(16)                       # D(C_i), learned from the right
        for pos in range(15, -1, -1):
            p = 15 - pos                        # the padding value we aim for
            x = bytearray(16)
            for j in range(pos + 1, 16):
                x[j] = D[j] ^ p
            for g in range(256):
                x[pos] = g
                if not padding_ok(bytes(x), blocks[i]):
                    continue
                if pos == 15:                   # make sure it is 00, not 01 01 by luck
                    x[14] ^= 0xFF
                    ok = padding_ok(bytes(x), blocks[i])
                    x[14] ^= 0xFF
                    if not ok:
                        continue
                D[pos] = g ^ p
                break
            else:
                sys.exit("no guess worked in block %d byte %d" % (i, pos))
        plain += bytes(d ^ c for d, c in zip(D, blocks[i - 1]))
    pad = plain[-1]
    content = plain[:len(plain) - pad - 1 - 32]   # then the 32-byte MAC
    print("plaintext " + content.decode())


if __name__ == "__main__":
    main()
