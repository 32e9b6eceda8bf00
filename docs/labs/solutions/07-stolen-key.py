#!/usr/bin/env python3
"""Lab 7 reference solution: a recorded RSA key-transport session, opened
with the server's key stolen later.

1. premaster = RSA decryption of encrypted_premaster with d, PKCS#1 v1.5
   type 2 padding removed (RFC 8017 §7.2.2): 00 02 PS 00 || 48 bytes.
2. master_secret = PRF(premaster, "master secret", client_random +
   server_random)[0..47]                                  (RFC 5246 §8.1)
3. key_block = PRF(master_secret, "key expansion", server_random +
   client_random): client MAC key, server MAC key, client key, server key,
   32 bytes each                                          (RFC 5246 §6.3)
4. the record: header || IV || C || MAC; check the MAC (RFC 7366 §3), then
   decrypt C with AES-256-CBC.  Python's standard library has no AES, so
   the decryption is `glass enc` (the GLASS variable names it).
The PRF is P_SHA256 of RFC 5246 §5: A(0) = label + seed, A(i) =
HMAC(secret, A(i-1)), output HMAC(secret, A(1) + label + seed) || ...
"""
import hashlib
import hmac
import os
import socket
import subprocess
import sys


def prf(secret, label, seed, n):
    out, a = b"", label + seed
    while len(out) < n:
        a = hmac.new(secret, a, hashlib.sha256).digest()
        out += hmac.new(secret, a + label + seed, hashlib.sha256).digest()
    return out[:n]


def main():
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
    f = sock.makefile("rw", newline="\n")
    b = {}
    for line in f:
        line = line.strip()
        if line == "ready":
            break
        if line and not line.startswith("#"):
            k, _, v = line.partition(" ")
            b[k] = v
    n, d = int(b["n"], 16), int(b["d"], 16)
    k = len(b["n"]) // 2
    em = pow(int(b["encrypted_premaster"], 16), d, n).to_bytes(k, "big")
    assert em[:2] == b"\x00\x02", "not PKCS#1 v1.5 type 2"
    pms = em[em.index(b"\x00", 2) + 1:]
    cr, sr = bytes.fromhex(b["client_random"]), bytes.fromhex(b["server_random"])
    ms = prf(pms, b"master secret", cr + sr, 48)
    kb = prf(ms, b"key expansion", sr + cr, 128)
    mac_key, key = kb[0:32], kb[64:96]
    rec = bytes.fromhex(b["record"])
    body = rec[5:]
    iv_c, tag = body[:-32], body[-32:]
    mac_in = bytes(8) + rec[:3] + len(iv_c).to_bytes(2, "big") + iv_c
    if not hmac.compare_digest(hmac.new(mac_key, mac_in, hashlib.sha256).digest(), tag):
        sys.exit("the record's MAC does not check: wrong keys")
    glass = os.environ.get("GLASS", "glass")
    pt = subprocess.run([glass, "enc", "-d", "-aes-256-cbc", "-nopad", "-K", key.hex(),
                         "-iv", iv_c[:16].hex()], input=iv_c[16:], stdout=subprocess.PIPE,
                        check=True).stdout
    pt = pt[:len(pt) - pt[-1] - 1]              # TLS padding: p bytes of p, then p
    print("plaintext " + pt.decode())


if __name__ == "__main__":
    main()
