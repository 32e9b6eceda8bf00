#!/usr/bin/env python3
"""citations.py — every section of a standard the sources cite, and where.

    python3 scripts/citations.py            write docs/CITATIONS.md
    python3 scripts/citations.py --check    fail (exit 1) on a citation of a
                                            section the standard does not have,
                                            or when docs/CITATIONS.md is stale
    python3 scripts/citations.py --stdout   print the document instead

What counts as a citation, in the source files (.c .h .def .gdb .py .sh):

    RFC 5246 §7.4.3      FIPS 180-4 §6.2.2      SP 800-38D §7.1
    RFC 8017 A.1.2       FIPS 197 Appendix C.3  X.690 §8.1.2.2
    §5.2.1 alone         the standard is the one last named above it in the
                         same file (a file's essay names its standard once)

A standard in TABLE below is checked against the sections of the edition
the project follows, written from that edition's table of contents (the
subsections the sources cite are there too).  A standard missing from the
table is listed as "not checked", never failed, so that code citing a new
standard does not break the build; add its sections here to check it.
References to the project's own documents (docs/PROTOCOL.md §4) are listed
apart and checked against that document's numbered headings.  Python 3 standard library only.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join("docs", "CITATIONS.md")
EXTENSIONS = (".c", ".h", ".def", ".gdb", ".py", ".sh")
SKIP_DIRS = {".git", "build", "vectors", "docs", "corpus", "crashers", "data"}
# The checker and its test cite bad sections on purpose.
SELF = {os.path.join("scripts", "citations.py"), os.path.join("tests", "sh", "citations.sh")}
NONE = "(a bare §, no standard named above it in the file)"


def sections(text):
    """'1-3 4.1 4.2' -> {'1','2','3','4.1','4.2'}; 'A-C' -> {'A','B','C'}."""
    out = set()
    for tok in text.split():
        m = re.fullmatch(r"(\d+)-(\d+)", tok)
        if m:
            out.update(str(i) for i in range(int(m.group(1)), int(m.group(2)) + 1))
            continue
        m = re.fullmatch(r"([A-Z])-([A-Z])", tok)
        if m:
            out.update(chr(c) for c in range(ord(m.group(1)), ord(m.group(2)) + 1))
            continue
        m = re.fullmatch(r"(\S+)\.(\d+)-(\d+)", tok)      # 4.2.1.1-15
        if m:
            out.update("%s.%d" % (m.group(1), i) for i in range(int(m.group(2)), int(m.group(3)) + 1))
            continue
        out.add(tok)
    return out


# Each standard: (edition the sources follow, its sections).  Written from
# the edition's table of contents; "Appendix A" is section "A".
TABLE = {
    "FIPS 180-4": ("Secure Hash Standard, August 2015", sections("""
        1-7 2.1 2.2 2.2.1 2.2.2 3.1 3.2 4.1 4.1.1-3 4.2 4.2.1-3
        5.1 5.1.1 5.1.2 5.2 5.2.1 5.2.2 5.3 5.3.1-6 5.3.6.1 5.3.6.2
        6.1 6.1.1-3 6.2 6.2.1 6.2.2 6.3 6.4 6.4.1 6.4.2 6.5 6.6 6.7
        A-C A.1-3""")),
    "FIPS 180-2": ("Secure Hash Standard, August 2002", sections("""
        1-6 A-E A.1-3 B.1-3 C.1-3 D.1-3""")),
    "FIPS 186-5": ("Digital Signature Standard, February 2023", sections("""
        1-7 2.1-3 3.1-3 5.1-5 6.1-4 7.1-8
        A A.1 A.1.1-6 A.2 A.2.1 A.2.2 A.3 A.3.1-3
        B B.1 B.2 B.2.1 B.2.2 B.3 B.3.1-3 C D E""")),
    "FIPS 197": ("Advanced Encryption Standard, November 2001", sections("""
        1-6 2.1 2.2 3.1-5 4.1 4.2 4.2.1 4.3
        5.1 5.1.1-4 5.2 5.3 5.3.1-5 6.1-4
        A A.1-3 B C C.1-3 D""")),
    "FIPS 198-1": ("The Keyed-Hash Message Authentication Code, July 2008", sections("""
        1-5 2.1-3 A B""")),
    "RFC 2986": ("PKCS #10 v1.7, November 2000", sections("""
        1-6 2.1 2.2 4.1 4.2 A-D""")),
    "RFC 3279": ("algorithms for the X.509 PKI profile, April 2002", sections("""
        1-5 2.1 2.1.1-3 2.2 2.2.1-3 2.3 2.3.1-5""")),
    "RFC 3526": ("MODP Diffie-Hellman groups for IKE, May 2003", sections("1-11")),
    "RFC 3986": ("URI generic syntax, January 2005", sections("""
        1-9 1.1 1.1.1-3 1.2 1.2.1-3 1.3 2.1-4 2.4 3.1-5 3.2.1-3
        4.1-5 5.1 5.1.1-4 5.2 5.2.1-4 5.3 5.4 5.4.1 5.4.2
        6.1 6.2 6.2.1-3 6.2.2.1-3 6.2.3 7.1-7 A-D""")),
    "RFC 4055": ("RSA algorithms for the X.509 PKI profile, June 2005", sections("""
        1-9 1.1 1.2 2.1 2.2 3.1-3 4.1-3""")),
    "RFC 4231": ("HMAC-SHA test vectors, December 2005", sections("""
        1-7 4.1-9 7.1 7.2""")),
    "RFC 4514": ("LDAP string representation of DNs, June 2006", sections("""
        1-7 2.1-4 7.1 7.2 A B""")),
    "RFC 4648": ("Base16, Base32 and Base64, October 2006", sections("""
        1-16 3.1-5 16.1 16.2""")),
    "RFC 5208": ("PKCS #8 v1.2, May 2008", sections("1-8 A")),
    "RFC 5246": ("TLS 1.2, August 2008", sections("""
        1-12 1.1 1.2 4.1-8 4.6.1 6.1 6.2 6.2.1-3 6.2.3.1-3 6.3
        7.1 7.2 7.2.1 7.2.2 7.3 7.4 7.4.1 7.4.1.1-4 7.4.1.4.1 7.4.2-9
        7.4.7.1 7.4.7.2 8.1 8.1.1 8.1.2
        A A.1-7 A.4.1-4 B C D D.1-4 E E.1-3 F F.1 F.1.1 F.1.1.1-3
        F.1.2-4 F.2-6""")),
    "RFC 5280": ("X.509 certificate and CRL profile, May 2008", sections("""
        1-11 2.1-4 3.1-5 4.1 4.1.1 4.1.1.1-3 4.1.2 4.1.2.1-9
        4.1.2.5.1 4.1.2.5.2 4.2 4.2.1 4.2.1.1-15 4.2.2 4.2.2.1 4.2.2.2
        5.1 5.1.1 5.1.1.1-3 5.1.2 5.1.2.1-7 5.2 5.2.1-7 5.3 5.3.1-3
        6.1 6.1.1-6 6.2 6.3 6.3.1-3 7.1-5 11.1 11.2
        A A.1 A.2 B C C.1-4""")),
    "RFC 5652": ("Cryptographic Message Syntax, September 2009", sections("""
        1-14 1.1 1.1.1 1.1.2 1.2 1.3 5.1-6 6.1 6.2 6.2.1-5 6.3 6.4
        7 8 9.1-3 10.1 10.1.1-5 10.2 10.2.1-7 11.1-4 12.1 12.2 A B""")),
    "RFC 5869": ("HKDF, May 2010", sections("""
        1-7 2.1-3 3.1-4 7.1 7.2 A A.1-7""")),
    "RFC 5958": ("Asymmetric Key Packages, August 2010", sections("""
        1-7 1.1 1.2 7.1 7.2 A""")),
    "RFC 6125": ("service identity in PKIX certificates, March 2011", sections("""
        1-9 1.1-8 2.1-3 3.1 3.2 4.1-6 5.1-3 6.1-6 6.2.1 6.2.2 6.4.1-4
        6.5.1 6.5.2 6.6 7.1-4""")),
    "RFC 7093": ("additional key identifier methods, December 2013", sections("1-4")),
    "RFC 7366": ("Encrypt-then-MAC for TLS and DTLS, September 2014", sections("""
        1-7 1.1 2.1 3.1 7.1 7.2""")),
    "RFC 7468": ("textual encodings of PKIX structures, April 2015", sections("""
        1-17 5.1-3 17.1 17.2 A B""")),
    "RFC 7627": ("TLS session hash and extended master secret, September 2015",
                 sections("1-8 5.1-4 6.1-4 8.1 8.2")),
    "RFC 7914": ("scrypt, August 2016", sections("1-15")),
    "RFC 7919": ("negotiated FFDHE for TLS, August 2016", sections("""
        1-10 1.1 1.2 3.1 5.1-3 6.1 8.1-9 9.1 10.1 10.2 A A.1-5""")),
    "RFC 8017": ("PKCS #1 v2.2, November 2016", sections("""
        1-11 3.1 3.2 4.1 4.2 5.1 5.1.1 5.1.2 5.2 5.2.1 5.2.2
        7.1 7.1.1 7.1.2 7.2 7.2.1 7.2.2 8.1 8.1.1 8.1.2 8.2 8.2.1 8.2.2
        9.1 9.1.1 9.1.2 9.2 11.1 11.2
        A A.1 A.1.1 A.1.2 A.2 A.2.1-4 B B.1 B.2 B.2.1 C D E""")),
    "RFC 8018": ("PKCS #5 v2.1, January 2017", sections("""
        1-9 4.1 4.2 5.1 5.2 6.1 6.1.1 6.1.2 6.2 6.2.1 6.2.2 7.1 7.1.1 7.1.2
        A A.1-5 B B.1 B.1.1 B.1.2 B.2 B.2.1-5 B.3 B.3.1 B.3.2 C D E F""")),
    "RFC 8446": ("TLS 1.3, August 2018", sections("""
        1-12 1.1-3 2.1-3 3.1-8 4.1 4.1.1-4 4.2 4.2.1-11 4.2.8.1 4.2.8.2
        4.2.11.1-3 4.3 4.3.1 4.3.2 4.4 4.4.1-4 4.4.2.1-4 4.5
        4.6 4.6.1-3 5.1-5 6.1 6.2 7.1-5 7.4.1 7.4.2 8.1-3 9.1-3 12.1 12.2
        A A.1 A.2 B B.1-4 B.3.1-5 C C.1-5 D D.1-5 E E.1-8 E.1.1-6 E.2.1 E.5.1""")),
    "RFC 9110": ("HTTP Semantics, June 2022", sections("""
        1-19 1.1-3 2.1-5 3.1-9 4.1 4.2 4.2.1-5 4.3 4.3.1-7
        5.1-6 5.5 5.6 5.6.1-7 6.1-6 7.1-8 8.1-8 8.8.1-3
        9.1 9.2 9.2.1 9.2.2 9.3 9.3.1-8 10.1 10.2 11.1-7 12.1-5
        13.1 13.1.1-5 13.2 14.1-4 15.1 15.2 15.2.1 15.2.2 15.3 15.3.1-7
        15.4 15.4.1-9 15.5 15.5.1-22 15.6 15.6.1-6 16.1-6 17.1-16""")),
    "RFC 9112": ("HTTP/1.1, June 2022", sections("""
        1-13 1.1 1.2 2.1-3 3.1 3.2 3.2.1-4 3.3 4 5.1 5.2 6.1-3
        7.1 7.1.1-3 7.2 7.3 7.4 9.1-8 9.3.1 9.3.2 11.1-4 12.1-6
        A B C C.1-4""")),
    "SP 800-38A": ("modes of operation, December 2001", sections("""
        1-6 4.1 4.2 5.1-4 6.1-5 A-G B.1 B.2 F.1 F.1.1-4 F.2 F.2.1-6
        F.3 F.3.1-18 F.4 F.4.1-6 F.5 F.5.1-6""")),
    "SP 800-38D": ("GCM and GMAC, November 2007", sections("""
        1-9 4.1 4.2 4.2.1 4.2.2 5.1-3 5.2.1 5.2.1.1 5.2.1.2 5.2.2
        6.1-5 7.1 7.2 8.1-3 8.2.1 8.2.2 9.1-2 A-D""")),
    "SP 800-56A": ("Rev. 3, April 2018", sections("""
        1-10 5.1-9 5.5.1 5.5.1.1 5.5.1.2 5.5.2 5.5.3
        5.6.1 5.6.1.1 5.6.1.1.1-4 5.6.1.2 5.6.1.2.1 5.6.1.2.2
        5.6.2 5.6.2.1 5.6.2.1.1-5 5.6.2.2 5.6.2.2.1-3
        5.6.2.3 5.6.2.3.1-4 5.6.3 5.7.1 5.7.1.1 5.7.1.2 5.7.2
        6.1-4 6.1.1 6.1.2 6.1.2.1 6.1.2.2 A-F""")),
    "X.690": ("ITU-T X.690 (02/2021), BER, CER and DER", sections("""
        1-12 8.1 8.1.1 8.1.2 8.1.2.1-7 8.1.3 8.1.3.1-6 8.1.4 8.1.5
        8.2 8.2.1 8.2.2 8.3 8.3.1-3 8.4 8.5 8.6 8.6.1-4 8.7 8.8 8.8.1 8.8.2
        8.9-23 8.19.1-5 9.1-3 10.1-3 11.1-8 11.2.1 11.2.2 11.7.1-5
        11.8.1-5""")),
}

# A standard named in prose: "RFC 5246", "FIPS PUB 180-4", "NIST SP 800-56A
# Rev. 3", "X.690".  Group 'std' is normalised by normalise().
STD = (r"(?P<std>RFC\s?\d{3,5}|FIPS(?:\s+PUB)?\s+\d{2,3}(?:-\d+)?"
       r"|(?:NIST\s+)?SP\s?800-\d+[A-Z]?(?:\s+[Rr]ev\.\s?\d+)?|X\.(?!509)\d{3})")
SEC = r"(?P<sec>[A-Z](?:\.\d+)*|\d+(?:\.\d+)*)"
EXPLICIT = re.compile(STD + r",?\s?(?:§\s?|[Aa]ppendix\s+|(?=[A-H]\.\d))" + SEC)
MENTION = re.compile(STD)
DOC_MENTION = re.compile(r"[\w./-]+\.md\b")
# Another document named right before a § ("docs/PROTOCOL.md §4", "SHAVS §6.4").
# CAVP validation-system documents (SHAVS, AESAVS) are named the same way.
OTHER = re.compile(r"(?P<doc>[\w./-]*\.md|\b[A-Z][A-Z0-9]*VS)\s?§\s?" + SEC)
BARE = re.compile(r"§\s?" + SEC)


def normalise(std):
    s = re.sub(r"\s+", " ", std)
    s = re.sub(r"^FIPS PUB ", "FIPS ", s)
    s = re.sub(r"^NIST ", "", s)
    s = re.sub(r" [Rr]ev\. ?\d+$", "", s)
    s = re.sub(r"^RFC(\d)", r"RFC \1", s)
    s = re.sub(r"^SP(\d)", r"SP \1", s)
    return s


def doc_sections(name):
    """The numbered headings of one of the project's own documents
    ("## 4. Handshake messages", "### 4.1 ClientHello"), or None when the
    document is not found."""
    try:
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    return set(re.findall(r"^#+\s+(\d+(?:\.\d+)*)\.?\s", text, re.M))


def doc_name(raw):
    """docs/PROTOCOL.md and PROTOCOL.md name the same document."""
    return raw if "/" in raw else "docs/" + raw


def source_files():
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in SKIP_DIRS and not d.startswith("."))
        for f in sorted(filenames):
            path = os.path.relpath(os.path.join(dirpath, f), ROOT)
            if f.endswith(EXTENSIONS) and path not in SELF:
                yield path


def scan(path):
    """Yields (line, standard, section, how) for each citation in one file;
    how is 'explicit', 'inferred' or 'doc'."""
    with open(os.path.join(ROOT, path), encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    subject = None              # the standard (or document) last named
    for no, line in enumerate(lines, 1):
        taken = []              # spans of line already accounted for
        events = []
        for m in EXPLICIT.finditer(line):
            std = normalise(m.group("std"))
            events.append((m.start(), m.end(), std, m.group("sec"), "explicit"))
        for m in OTHER.finditer(line):
            doc = m.group("doc")
            doc = doc_name(doc) if doc.endswith(".md") else doc
            events.append((m.start(), m.end(), doc, m.group("sec"), "doc"))
        for m in MENTION.finditer(line):
            events.append((m.start(), m.end(), normalise(m.group("std")), None, "mention"))
        for m in DOC_MENTION.finditer(line):
            events.append((m.start(), m.end(), doc_name(m.group(0)), None, "docmention"))
        for m in BARE.finditer(line):
            events.append((m.start(), m.end(), None, m.group("sec"), "bare"))
        events.sort(key=lambda e: (e[0], -e[1]))
        for start, end, std, sec, how in events:
            if any(s <= start < e for s, e in taken):
                continue
            if how in ("mention", "docmention"):
                subject = (std, "explicit" if how == "mention" else "doc")
                continue
            taken.append((start, end))
            if how == "bare":
                if subject is None:
                    yield no, NONE, sec, "inferred"
                else:
                    yield no, subject[0], sec, "doc" if subject[1] == "doc" else "inferred"
                continue
            subject = (std, how)
            yield no, std, sec, how


def collect():
    cites = []
    for path in source_files():
        for no, std, sec, how in scan(path):
            cites.append((std, sec.rstrip("."), path, no, how))
    return cites


def natural(key):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key)]


def valid_sections(std, cache={}):
    """The sections a citation of std may name, or None if not checked."""
    if std in TABLE:
        return TABLE[std][1]
    if std.endswith(".md"):
        if std not in cache:
            cache[std] = doc_sections(std)
        return cache[std]
    return None


def render(cites):
    by_std = {}
    for std, sec, path, no, how in cites:
        by_std.setdefault(std, {}).setdefault(sec, []).append((path, no, how))
    checked = sorted((s for s in by_std if s in TABLE), key=natural)
    unchecked = sorted((s for s in by_std if s not in TABLE and not s.endswith(".md")),
                       key=natural)
    docs = sorted(s for s in by_std if s.endswith(".md"))
    out = ["# Citations",
           "",
           "Every section of a standard that the sources cite, and where.  Generated by",
           "`scripts/citations.py` from the sources; do not edit by hand (run",
           "`python3 scripts/citations.py` after changing a citation).  `make test`",
           "(tests/sh/citations.sh) fails when a source cites a section that the",
           "standard's edition below does not have, or when this file is out of date.",
           "",
           "A place marked `*` cites a bare `§N`: the standard is the one the file last",
           "named above it.  Standards not in the script's table are listed but not",
           "checked.",
           "",
           "| standard | edition checked against | citations | sections | bad |",
           "|---|---|---|---|---|"]
    for s in checked + unchecked + docs:
        n = sum(len(v) for v in by_std[s].values())
        valid = valid_sections(s)
        if valid is not None:
            bad = sum(len(v) for k, v in by_std[s].items() if k not in valid)
            edition = TABLE[s][0] if s in TABLE else "its own numbered headings"
            out.append("| %s | %s | %d | %d | %d |" % (s, edition, n, len(by_std[s]), bad))
        else:
            out.append("| %s | not checked | %d | %d | — |" % (s, n, len(by_std[s])))
    for s in checked + unchecked + docs:
        valid = valid_sections(s)
        out.append("")
        if s in docs:
            title = s + (" (the project's own document, checked against its headings)"
                         if valid is not None else " (not found, not checked)")
        else:
            title = s if valid is not None else s + " (not checked)"
        out.append("## " + title)
        out.append("")
        out.append("| § | where |")
        out.append("|---|---|")
        for sec in sorted(by_std[s], key=natural):
            mark = "" if valid is None or sec in valid else " **not in the standard**"
            where = ", ".join("%s:%d%s" % (p, n, "*" if h == "inferred" else "")
                              for p, n, h in by_std[s][sec])
            out.append("| %s%s | %s |" % (sec, mark, where))
    return "\n".join(out) + "\n"


def main(argv):
    cites = collect()
    text = render(cites)
    if "--stdout" in argv:
        sys.stdout.write(text)
        return 0
    target = os.path.join(ROOT, OUT)
    if "--check" not in argv:
        tmp = target + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
        print("citations: wrote %s (%d citations)" % (OUT, len(cites)))
        return 0
    status = 0
    bad = [(p, n, std, sec, how) for std, sec, p, n, how in cites
           if valid_sections(std) is not None and sec not in valid_sections(std)]
    for p, n, std, sec, how in bad:
        note = " (a bare §, read as %s: name the standard)" % std if how == "inferred" else ""
        print("%s:%d: %s §%s: %s has no section %s%s" % (p, n, std, sec, std, sec, note))
    if bad:
        print("(a section that does exist is missing from TABLE in scripts/citations.py: add it there)")
    if bad:
        status = 1
    try:
        with open(target, encoding="utf-8") as f:
            current = f.read()
    except OSError:
        current = None
    if current != text:
        print("%s is out of date: run python3 scripts/citations.py and commit it" % OUT)
        status = 1
    n_checked = sum(1 for c in cites if valid_sections(c[0]) is not None)
    print("citations: %d found, %d checked against %d standards, %d bad, %d not checked"
          % (len(cites), n_checked, len(TABLE), len(bad),
             sum(1 for c in cites if valid_sections(c[0]) is None)))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
