#!/usr/bin/env python3
"""Lab 5 reference solution: which certificates did the CA really sign?

Every certificate names the CA as its issuer, but a name is only a claim:
what proves the issuer is the signature over tbsCertificate (RFC 5280
§4.1.1.3), checked with the CA's public key (RFC 8017 §8.2.2):
    EM = s^e mod n  must equal  00 01 FF..FF 00 || DigestInfo || SHA-256(tbs)
The DER is read by hand: tag, length (short or long form), contents
(X.690 §8.1).  Standard library only.
"""
import hashlib
import socket
import sys

DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def tlv(b, i):
    """(tag, start of contents, end of contents) of the element at b[i]."""
    tag, ln = b[i], b[i + 1]
    i += 2
    if ln & 0x80:
        nb = ln & 0x7F
        ln = int.from_bytes(b[i:i + nb], "big")
        i += nb
    return tag, i, i + ln


def children(b, start, end):
    out = []
    while start < end:
        t, s, e = tlv(b, start)
        out.append((t, start, s, e))
        start = e
    return out


def parse_cert(der):
    """tbsCertificate (header included), the signature, the subject's key."""
    _, s, e = tlv(der, 0)
    (_, tbs_at, tbs_s, tbs_e), _alg, (_, _, sig_s, sig_e) = children(der, s, e)
    tbs = der[tbs_at:tbs_e]
    sig = der[sig_s + 1:sig_e]                  # BIT STRING: skip the unused-bits byte
    fields = children(der, tbs_s, tbs_e)
    if fields[0][0] == 0xA0:                    # [0] version
        fields = fields[1:]
    _, spki_at, spki_s, spki_e = fields[5]      # serial, alg, issuer, validity, subject, spki
    _, (_, _, bs_s, bs_e) = children(der, spki_s, spki_e)
    key = der[bs_s + 1:bs_e]                    # RSAPublicKey inside the BIT STRING
    _, ks, ke = tlv(key, 0)
    (_, _, ns, ne), (_, _, es, ee) = children(key, ks, ke)
    return tbs, sig, int.from_bytes(key[ns:ne], "big"), int.from_bytes(key[es:ee], "big")


def signed_by(cert, n, e):
    tbs, sig, _, _ = parse_cert(cert)
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    em = pow(int.from_bytes(sig, "big"), e, n).to_bytes(k, "big")
    t = DIGEST_INFO + hashlib.sha256(tbs).digest()
    return em == b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t


def main():
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
    f = sock.makefile("rw", newline="\n")
    ca, certs = None, []
    for line in f:
        line = line.strip()
        if line == "ready":
            break
        k, _, v = line.partition(" ")
        if k == "ca":
            ca = bytes.fromhex(v)
        elif k == "cert":
            certs.append(bytes.fromhex(v))
    _, _, n, e = parse_cert(ca)
    good = [str(i + 1) for i, c in enumerate(certs) if signed_by(c, n, e)]
    print("genuine " + " ".join(good))


if __name__ == "__main__":
    main()
