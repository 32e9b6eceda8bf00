# glass_gdb.py — gdb pretty-printers and helper commands for glasstls.
#
# Load it in gdb with
#     (gdb) source tools/glass_gdb.py
# (tools/handshake.gdb does this for you).  docs/gdb.md is the guided tour.
#
# What it changes in `print`:
#     mpz_t, mpz_ptr, mpz_srcptr   the number in hex, with its size in bits:
#                                  "0x1f3c... (2048 bits)", as `glass` prints them
#     uint8_t[N] (byte buffers)    hex, no spaces, like the walkthrough's output;
#                                  long buffers are cut after 256 bytes
#     uint8_t[4][4] (AES state)    the four rows s[r,0..3] and the column-major
#                                  string FIPS 197 Appendix C prints
#     sha256_ctx                   H0..H7 as eight words (FIPS 180-4 §6.2.2) and
#                                  the bytes waiting for a full block
#     aes256_ctx                   the key schedule as round keys, one per line,
#                                  "round[ 1].k_sch ..." (FIPS 197 Appendix C.3)
#     hmac_sha256_ctx              its inner and outer hash states
#     struct glass_engine          role and state by name, then the randoms, the
#                                  peer's DH value, master secret, keys, sequence
#                                  numbers and transcript, in handshake order
# Enums (the engine state, glass_err) print by name without help: gdb knows
# their names from the debug information.
#
# Commands it adds:
#     glass-hex ADDR LEN     bytes at ADDR as hex, 16 per line with offsets
#     glass-hex-flat ADDR LEN   the same bytes as one hex string
#     glass-mpz EXPR         an mpz_t in hex (also works on pointers)
#     glass-sha256 EXPR      a sha256_ctx laid out as FIPS 180-4 prints H(i)
#     glass-aes-keys EXPR    an aes256_ctx's round keys as FIPS 197 Appendix C.3
#     glass-engine [EXPR]    a summary of a glass_engine (default: e): role,
#                            profile, state, suite, group, sequence numbers
#
# Disable all of them with `disable pretty-printer global glasstls`.

import struct

import gdb
import gdb.printing

BYTES_SHOWN = 256       # a byte buffer longer than this is cut, with its length


# ---- helpers -----------------------------------------------------------------

def _read(addr, length):
    """The inferior's memory at addr as Python bytes."""
    if length <= 0:
        return b""
    mem = gdb.selected_inferior().read_memory(int(addr), int(length))
    return bytes(mem)


def _hex(data):
    return data.hex()


def _tag(t):
    """The struct tag or typedef name of a type, '' if none."""
    return t.tag or t.name or ""


def _is_byte(t):
    """True for uint8_t / unsigned char (not plain char: that stays a string)."""
    s = t.strip_typedefs().unqualified()
    return s.code == gdb.TYPE_CODE_INT and s.sizeof == 1 and s.name == "unsigned char"


def _is_mpz_struct(t):
    """__mpz_struct is an anonymous struct behind a typedef: know it by its fields."""
    s = t.strip_typedefs()
    if s.code != gdb.TYPE_CODE_STRUCT:
        return False
    names = [f.name for f in s.fields()]
    return names == ["_mp_alloc", "_mp_size", "_mp_d"]


def mpz_hex(val):
    """An __mpz_struct (or pointer to one, or mpz_t) as '0x...'/'-0x...'."""
    t = val.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_ARRAY:
        val = val[0]
    elif t.code == gdb.TYPE_CODE_PTR:
        if int(val) == 0:
            return "NULL"
        val = val.dereference()
    size = int(val["_mp_size"])
    nlimbs = abs(size)
    if nlimbs == 0:
        return "0x0"
    limb_bytes = val["_mp_d"].dereference().type.sizeof
    raw = _read(val["_mp_d"], nlimbs * limb_bytes)
    fmt = "<" if struct.pack("=H", 1) == b"\x01\x00" else ">"
    fmt += {4: "I", 8: "Q"}[limb_bytes] * nlimbs
    limbs = struct.unpack(fmt, raw)
    n = 0
    for limb in reversed(limbs):
        n = (n << (8 * limb_bytes)) | limb
    return ("-" if size < 0 else "") + hex(n)


def mpz_bits(val):
    h = mpz_hex(val)
    if h in ("NULL", "0x0"):
        return 0
    return int(h.lstrip("-"), 16).bit_length()


def sha256_layout(ctx):
    """FIPS 180-4 §6.2.2: the intermediate hash value H(i) as eight words."""
    H = " ".join("%08x" % (int(ctx["H"][i]) & 0xffffffff) for i in range(8))
    block_len = int(ctx["block_len"])
    total = int(ctx["total_len"])
    pending = _read(ctx["block"].address, min(block_len, 64))
    lines = ["H(i) = " + H,
             "       H0       H1       H2       H3       H4       H5       H6       H7",
             "message so far: %d bytes (%d bits); %d byte(s) waiting for a full block%s"
             % (total, 8 * total, block_len, (": " + _hex(pending)) if block_len else "")]
    return "\n".join(lines)


def aes_round_keys(ctx):
    """FIPS 197 Appendix C.3: round[ r].k_sch = w[4r] .. w[4r+3], big-endian."""
    w = ctx["w"]
    nwords = w.type.strip_typedefs().range()[1] + 1
    rounds = nwords // 4 - 1
    out = []
    for r in range(rounds + 1):
        words = "".join("%08x" % (int(w[4 * r + c]) & 0xffffffff) for c in range(4))
        out.append("round[%2d].k_sch %s" % (r, words))
    return "\n".join(out)


# ---- printers ----------------------------------------------------------------

class MpzPrinter:
    """mpz_t, mpz_ptr, __mpz_struct: the value in hex and its size."""

    def __init__(self, val):
        self.val = val

    def to_string(self):
        try:
            h = mpz_hex(self.val)
        except gdb.MemoryError:
            return "<mpz: unreadable limbs (not initialised?)>"
        if h == "NULL":
            return "NULL"
        return "%s (%d bits)" % (h, mpz_bits(self.val))


class BytesPrinter:
    """uint8_t[N]: hex, as the walkthrough prints bytes."""

    def __init__(self, val):
        self.val = val

    def to_string(self):
        n = self.val.type.sizeof
        try:
            data = _read(self.val.address, min(n, BYTES_SHOWN)) if self.val.address is not None \
                else bytes(int(self.val[i]) & 0xff for i in range(min(n, BYTES_SHOWN)))
        except gdb.MemoryError:
            return "<unreadable>"
        s = _hex(data)
        if n > BYTES_SHOWN:
            s += "... (%d bytes)" % n
        return s


class AesStatePrinter:
    """uint8_t[4][4], the AES state s[r,c] (FIPS 197 §3.4)."""

    def __init__(self, val):
        self.val = val

    def to_string(self):
        rows = []
        for r in range(4):
            rows.append("s[%d,0..3] = %s" % (r, " ".join("%02x" % (int(self.val[r][c]) & 0xff)
                                                       for c in range(4))))
        col = "".join("%02x" % (int(self.val[r][c]) & 0xff) for c in range(4) for r in range(4))
        return "\n".join(rows) + "\nas in FIPS 197 Appendix C (column by column): " + col


class Sha256CtxPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return "sha256_ctx (FIPS 180-4 §6.2.2)\n" + sha256_layout(self.val)


class Aes256CtxPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        tr = self.val["trace"]
        return ("aes256_ctx key schedule (FIPS 197 §5.2, shown as Appendix C.3)%s\n"
                % (", tracing on" if int(tr) != 0 else "")) + aes_round_keys(self.val)


class HmacCtxPrinter:
    def __init__(self, val):
        self.val = val

    def to_string(self):
        return ("hmac_sha256_ctx (FIPS 198-1 §4)\ninner = H((K0 ^ ipad) || ...):\n"
                + sha256_layout(self.val["inner"])
                + "\nouter = H((K0 ^ opad) || ...):\n" + sha256_layout(self.val["outer"]))


class EngineLikePrinter:
    """The protocol engine (struct glass_engine): its role and state by name,
    then the fields a student follows through a handshake, in handshake
    order.  The buffers and the trust store are left out (print e->in,
    e->anchors[0], ... to see them)."""

    SHOWN = ("state", "err", "client_random", "server_random", "group_id", "peer_y",
             "master_secret", "keys", "rd", "wr", "transcript", "peer_name",
             "have_peer_cert", "close_sent")

    def __init__(self, val):
        self.val = val

    def _names(self):
        return [f.name for f in self.val.type.strip_typedefs().fields() if f.name]

    def to_string(self):
        names = self._names()
        parts = []
        if "cfg" in names:
            try:
                parts.append("role=%s" % self.val["cfg"]["role"])
            except gdb.error:
                pass
        for name in ("state", "err"):
            if name in names:
                parts.append("%s=%s" % (name, self.val[name]))
        return "%s {%s}" % (_tag(self.val.type) or "engine", ", ".join(parts))

    def children(self):
        names = self._names()
        for name in self.SHOWN:
            if name in names:
                yield name, self.val[name]


def _lookup(val):
    t = val.type
    s = t.strip_typedefs()
    tag = _tag(s)
    if s.code == gdb.TYPE_CODE_STRUCT:
        if _is_mpz_struct(s):
            return MpzPrinter(val)
        if tag == "sha256_ctx":
            return Sha256CtxPrinter(val)
        if tag == "aes256_ctx":
            return Aes256CtxPrinter(val)
        if tag == "hmac_sha256_ctx":
            return HmacCtxPrinter(val)
        if tag == "glass_engine":
            return EngineLikePrinter(val)
        return None
    if s.code == gdb.TYPE_CODE_PTR:
        target = s.target().strip_typedefs()
        if _is_mpz_struct(target):
            return MpzPrinter(val)
        return None
    if s.code == gdb.TYPE_CODE_ARRAY:
        target = s.target().strip_typedefs()
        if _is_mpz_struct(target) and s.sizeof == target.sizeof:
            return MpzPrinter(val)
        if _is_byte(target):
            return BytesPrinter(val)
        if (target.code == gdb.TYPE_CODE_ARRAY and _is_byte(target.target())
                and s.sizeof == 16 and target.sizeof == 4):
            return AesStatePrinter(val)
    return None


class _Collection(gdb.printing.PrettyPrinter):
    """One named collection, so `info pretty-printer` lists it as glasstls."""

    def __init__(self):
        super().__init__("glasstls", [])

    def __call__(self, val):
        return _lookup(val)


# ---- commands ----------------------------------------------------------------

class GlassHex(gdb.Command):
    """glass-hex ADDR LEN: LEN bytes at ADDR as hex, 16 per line with offsets."""

    def __init__(self):
        super().__init__("glass-hex", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if len(argv) != 2:
            raise gdb.GdbError("usage: glass-hex ADDR LEN")
        addr = gdb.parse_and_eval(argv[0])
        length = int(gdb.parse_and_eval(argv[1]))
        if addr.type.strip_typedefs().code == gdb.TYPE_CODE_ARRAY:
            addr = addr.address
        data = _read(int(addr), length)
        for i in range(0, len(data), 16):
            gdb.write("    %04x  %s\n" % (i, " ".join("%02x" % b for b in data[i:i + 16])))


class GlassHexFlat(gdb.Command):
    """glass-hex-flat ADDR LEN: LEN bytes at ADDR as one hex string."""

    def __init__(self):
        super().__init__("glass-hex-flat", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if len(argv) != 2:
            raise gdb.GdbError("usage: glass-hex-flat ADDR LEN")
        addr = gdb.parse_and_eval(argv[0])
        length = int(gdb.parse_and_eval(argv[1]))
        if addr.type.strip_typedefs().code == gdb.TYPE_CODE_ARRAY:
            addr = addr.address
        gdb.write(_hex(_read(int(addr), length)) + "\n")


class GlassMpz(gdb.Command):
    """glass-mpz EXPR: an mpz_t (or pointer to one) in hex."""

    def __init__(self):
        super().__init__("glass-mpz", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        gdb.write(mpz_hex(gdb.parse_and_eval(arg)) + "\n")


class GlassSha256(gdb.Command):
    """glass-sha256 EXPR: a sha256_ctx (or pointer to one) in FIPS 180-4's layout."""

    def __init__(self):
        super().__init__("glass-sha256", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        v = gdb.parse_and_eval(arg)
        if v.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
            v = v.dereference()
        gdb.write(sha256_layout(v) + "\n")


class GlassAesKeys(gdb.Command):
    """glass-aes-keys EXPR: an aes256_ctx's round keys as FIPS 197 Appendix C.3."""

    def __init__(self):
        super().__init__("glass-aes-keys", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        v = gdb.parse_and_eval(arg)
        if v.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
            v = v.dereference()
        gdb.write(aes_round_keys(v) + "\n")


class GlassEngine(gdb.Command):
    """glass-engine EXPR: a summary of a glass_engine (or pointer to one): role,
    profile, state, error, suite and group, the peer, each direction's
    protection and sequence number, the bytes and events waiting, and both
    randoms.  It reads memory only (no call into the program), so it works
    where gdb cannot call functions."""

    def __init__(self):
        super().__init__("glass-engine", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        v = gdb.parse_and_eval(arg or "e")
        if v.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
            if int(v) == 0:
                gdb.write("glass_engine: NULL\n")
                return
            v = v.dereference()
        cfg = v["cfg"]
        names = [f.name for f in v.type.strip_typedefs().fields() if f.name]
        profile = str(cfg["profile"]) if "profile" in [
            f.name for f in cfg.type.strip_typedefs().fields()] else "GLASS_PROFILE_GLASS"
        gdb.write("glass_engine %s: %s, %s, state %s, error %s\n" % (
            v.address, cfg["role"], profile, v["state"], v["err"]))
        group = "-"
        try:
            if int(v["group"]) != 0:
                group = v["group"].dereference()["name"].string()
        except gdb.error:
            pass
        gdb.write("  suite 0x%04x, group %s (0x%04x), peer \"%s\"%s\n" % (
            int(v["suite"]), group, int(v["group_id"]), v["peer_name"].string(),
            " (certificate)" if int(v["have_peer_cert"]) else ""))
        for d in ("rd", "wr"):
            dv = v[d]
            gdb.write("  %-5s  %s, seq %d\n" % (
                "read" if d == "rd" else "write",
                "protected" if int(dv["active"]) else "plaintext", int(dv["seq"])))
        if "resumed" in names:
            gdb.write("  ems %d, etm %d, resumed %d\n" % (
                int(v["ems"]), int(v["etm"]), int(v["resumed"])))
        gdb.write("  input buffered %d bytes, output waiting %d bytes, events %d\n" % (
            int(v["in"]["len"]), int(v["out"]["len"]), int(v["n_events"])))
        gdb.write("  client_random %s\n" % _hex(_read(v["client_random"].address, 32)))
        gdb.write("  server_random %s\n" % _hex(_read(v["server_random"].address, 32)))


def register(objfile=None):
    gdb.printing.register_pretty_printer(objfile, _Collection(), replace=True)


register()
GlassHex()
GlassHexFlat()
GlassMpz()
GlassSha256()
GlassAesKeys()
GlassEngine()
