--[[
glass.lua — a Wireshark dissector for the glass protocol (docs/PROTOCOL.md).

Load it for one run:      tshark -X lua_script:tools/wireshark/glass.lua -r cap.pcap -O glass
or install it for good:   make install  (PREFIX/share/glasstls/wireshark/glass.lua), then
                          copy or link it into ~/.local/lib/wireshark/plugins/
Guide: docs/wireshark.md.

Field names are those of the engine's own dissector (protocol/dissect.c), with
"glass." in front: glass.record.type, glass.ClientHello.random,
glass.ServerKeyExchange.dh_Ys, glass.Alert.description, ... so a filter written
against `glass walkthrough` or `glass client --trace` output works here too.

What is in the clear on the wire (docs/PROTOCOL.md §3.3): every record header;
every handshake message up to and including the client's CertificateVerify and
the server's ServerHelloDone; alerts sent before the keys are on.  Everything
from each side's Finished on — Finished itself, enrollment messages, every
application message, later alerts — is protected: the dissector shows the
record's IV, ciphertext and MAC (RFC 7366 encrypt-then-MAC) and nothing more,
because it has no keys.

How a record is judged plaintext or protected, without keys and without
tracking state (so it works from any packet on): an alert record of exactly 2
bytes is plaintext (a protected one is at least 64); a handshake record is
plaintext when its fragment is one whole message of a type that is never
protected (1, 2, 11..16) with a 3-byte length that matches the record's; every
other record — all application_data, Finished, enrollment — is protected.  A
protected record passes the plaintext test only if its random IV happens to
start with such a header: about one chance in 2^29.

Wireshark 3.x and 4.x, Lua 5.2 or later; no other module needed.
--]]

local glass = Proto("glass", "glass protocol (TLS 1.2 with RFC 7366 records, version 47 01)")

local HEADER_LEN = 5
local MAX_PROTECTED = 16448   -- 16 + 16384 + 16 padding + 32 (docs/PROTOCOL.md §3.1)
local IV_LEN, MAC_LEN, BLOCK = 16, 32, 16

local content_types = { [21] = "alert", [22] = "handshake", [23] = "application_data" }
local hs_names = {
    [1] = "ClientHello", [2] = "ServerHello", [11] = "Certificate", [12] = "ServerKeyExchange",
    [13] = "CertificateRequest", [14] = "ServerHelloDone", [15] = "CertificateVerify",
    [16] = "ClientKeyExchange", [20] = "Finished", [64] = "EnrollRequest", [65] = "EnrollResponse",
}
-- Messages that are always sent in the clear (before the sender's keys are on).
local plaintext_hs = { [1] = true, [2] = true, [11] = true, [12] = true, [13] = true,
                       [14] = true, [15] = true, [16] = true }
local alert_names = {
    [0] = "close_notify", [10] = "unexpected_message", [20] = "bad_record_mac",
    [22] = "record_overflow", [40] = "handshake_failure", [42] = "bad_certificate",
    [43] = "unsupported_certificate", [44] = "certificate_revoked", [45] = "certificate_expired",
    [46] = "certificate_unknown", [47] = "illegal_parameter", [48] = "unknown_ca",
    [49] = "access_denied", [50] = "decode_error", [51] = "decrypt_error",
    [70] = "protocol_version", [80] = "internal_error",
}
local suites = { [0x006b] = "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" }
local groups = { [0x0100] = "ffdhe2048", [0x0101] = "ffdhe3072", [0x0102] = "ffdhe4096" }
local sigalgs = { [0x0401] = "rsa_pkcs1_sha256" }

-- The fields, named as protocol/dissect.c names them.
local F = {}
local function uint(name, bits, desc, values, base)
    local mk = bits == 8 and ProtoField.uint8 or bits == 16 and ProtoField.uint16
               or ProtoField.uint24
    F[name] = mk("glass." .. name, desc, base or base_DEC, values)
end
local function bytes(name, desc)
    F[name] = ProtoField.bytes("glass." .. name, desc)
end

uint("record.type", 8, "Content type", content_types)
uint("record.version", 16, "Version (47 01 = glass 1)", nil, base.HEX)
uint("record.length", 16, "Length of the fragment")
bytes("record.IV", "IV (random, per record)")
bytes("record.ciphertext", "AES-256-CBC ciphertext")
bytes("record.MAC", "HMAC-SHA256 over sequence number, header, IV and ciphertext (RFC 7366)")
bytes("record.fragment", "Fragment (unknown content type)")
uint("Alert.level", 8, "Level", { [1] = "warning", [2] = "fatal" })
uint("Alert.description", 8, "Description", alert_names)

for _, m in pairs(hs_names) do
    uint(m .. ".msg_type", 8, "Handshake type", hs_names)
    uint(m .. ".length", 24, "Length of the body")
end
uint("ClientHello.version", 16, "Version", nil, base.HEX)
bytes("ClientHello.random", "Client random")
uint("ClientHello.cipher_suites.length", 16, "Cipher suites length")
uint("ClientHello.cipher_suite", 16, "Cipher suite", suites, base.HEX)
uint("ClientHello.groups.length", 16, "Groups length")
uint("ClientHello.group", 16, "Group (RFC 7919)", groups, base.HEX)
uint("ServerHello.version", 16, "Version", nil, base.HEX)
bytes("ServerHello.random", "Server random")
uint("ServerHello.cipher_suite", 16, "Chosen cipher suite", suites, base.HEX)
uint("ServerHello.group", 16, "Chosen group", groups, base.HEX)
uint("Certificate.certificate_list.length", 24, "Certificates length")
uint("Certificate.certificate.length", 24, "Certificate length")
bytes("Certificate.certificate", "Certificate (X.509 DER)")
uint("ServerKeyExchange.group", 16, "Group", groups, base.HEX)
uint("ServerKeyExchange.dh_Ys.length", 16, "dh_Ys length")
bytes("ServerKeyExchange.dh_Ys", "dh_Ys = g^y mod p")
uint("ServerKeyExchange.signature.length", 16, "Signature length")
bytes("ServerKeyExchange.signature", "RSASSA-PKCS1-v1_5-SHA256 signature")
uint("CertificateRequest.signature_algorithms.length", 16, "Signature algorithms length")
uint("CertificateRequest.signature_algorithm", 16, "Signature algorithm", sigalgs, base.HEX)
uint("ClientKeyExchange.dh_Yc.length", 16, "dh_Yc length")
bytes("ClientKeyExchange.dh_Yc", "dh_Yc = g^x mod p")
uint("CertificateVerify.signature.length", 16, "Signature length")
bytes("CertificateVerify.signature", "RSASSA-PKCS1-v1_5-SHA256 over the session hash")
bytes("trailing", "Bytes after the last field (a decode_error)")

local field_list = {}
for _, f in pairs(F) do field_list[#field_list + 1] = f end
glass.fields = field_list

local ef_malformed = ProtoExpert.new("glass.malformed", "Malformed glass message",
                                     expert.group.MALFORMED, expert.severity.ERROR)
glass.experts = { ef_malformed }

glass.prefs.port = Pref.uint("TCP port", 0, "Also decode this TCP port as glass (0: none; "
                                         .. "glass sessions are found by their first record)")

-- A cursor over one message: adds fields in order, flags a short message.
local function cursor(tvb, tree, prefix, at, stop)
    local c = { bad = false }
    function c.add(name, n, be_uint)
        if c.bad or at + n > stop then
            if not c.bad then tree:add_proto_expert_info(ef_malformed, prefix .. "." .. name
                                                         .. ": message too short") end
            c.bad = true
            return nil
        end
        local r = tvb(at, n)
        tree:add(F[prefix .. "." .. name], r)
        at = at + n
        if be_uint then return r:uint() end
        return r
    end
    function c.at() return at end
    function c.left() return stop - at end
    return c
end

-- A list of uint16 values (cipher suites, groups, signature algorithms).
local function u16_list(c, len_name, item_name)
    local n = c.add(len_name, 2, true)
    if n == nil then return end
    for _ = 1, math.floor(n / 2) do
        if c.add(item_name, 2) == nil then return end
    end
end

local bodies = {}
bodies[1] = function(c)
    c.add("version", 2); c.add("random", 32)
    u16_list(c, "cipher_suites.length", "cipher_suite")
    u16_list(c, "groups.length", "group")
end
bodies[2] = function(c)
    c.add("version", 2); c.add("random", 32); c.add("cipher_suite", 2); c.add("group", 2)
end
bodies[11] = function(c)
    local total = c.add("certificate_list.length", 3, true)
    if total == nil then return end
    local stop = c.at() + total
    while not c.bad and c.at() < stop do
        local n = c.add("certificate.length", 3, true)
        if n == nil then return end
        c.add("certificate", n)
    end
end
bodies[12] = function(c)
    c.add("group", 2)
    local n = c.add("dh_Ys.length", 2, true); if n then c.add("dh_Ys", n) end
    n = c.add("signature.length", 2, true); if n then c.add("signature", n) end
end
bodies[13] = function(c) u16_list(c, "signature_algorithms.length", "signature_algorithm") end
bodies[14] = function(_) end
bodies[15] = function(c)
    local n = c.add("signature.length", 2, true); if n then c.add("signature", n) end
end
bodies[16] = function(c)
    local n = c.add("dh_Yc.length", 2, true); if n then c.add("dh_Yc", n) end
end

-- Is this record in the clear?  (See the top of the file.)
local function is_plaintext(tvb, at, ctype, len)
    if ctype == 21 then return len == 2 end
    if ctype ~= 22 or len < 4 then return false end
    local t = tvb(at, 1):uint()
    return plaintext_hs[t] == true and tvb(at + 1, 3):uint() == len - 4
end

-- One whole record at tvb(0): header, then what the fragment holds.
local function dissect_record(tvb, pinfo, tree)
    local ctype, len = tvb(0, 1):uint(), tvb(3, 2):uint()
    local plain = is_plaintext(tvb, HEADER_LEN, ctype, len)
    local what
    if plain and ctype == 22 then
        what = hs_names[tvb(HEADER_LEN, 1):uint()]
    elseif plain then
        what = "Alert (" .. (alert_names[tvb(HEADER_LEN + 1, 1):uint()] or "unknown") .. ")"
    else
        what = "Protected " .. (content_types[ctype] or "record")
    end
    local rt = tree:add(glass, tvb(0, HEADER_LEN + len), "glass record: " .. what)
    rt:add(F["record.type"], tvb(0, 1))
    rt:add(F["record.version"], tvb(1, 2))
    rt:add(F["record.length"], tvb(3, 2))
    if not plain then
        if content_types[ctype] == nil then
            rt:add(F["record.fragment"], tvb(HEADER_LEN, len))
        elseif len >= IV_LEN + BLOCK + MAC_LEN and (len - IV_LEN - MAC_LEN) % BLOCK == 0 then
            rt:add(F["record.IV"], tvb(HEADER_LEN, IV_LEN))
            rt:add(F["record.ciphertext"], tvb(HEADER_LEN + IV_LEN, len - IV_LEN - MAC_LEN))
            rt:add(F["record.MAC"], tvb(HEADER_LEN + len - MAC_LEN, MAC_LEN))
        else
            rt:add_proto_expert_info(ef_malformed, "protected record of a length that is not "
                                     .. "16 + 16k + 32 (bad_record_mac)")
        end
        return what
    end
    if ctype == 21 then
        local at = rt:add(tvb(HEADER_LEN, 2), "Alert")
        at:add(F["Alert.level"], tvb(HEADER_LEN, 1))
        at:add(F["Alert.description"], tvb(HEADER_LEN + 1, 1))
        return what
    end
    local t = tvb(HEADER_LEN, 1):uint()
    local mt = rt:add(tvb(HEADER_LEN, len), what)
    local c = cursor(tvb, mt, what, HEADER_LEN, HEADER_LEN + len)
    c.add("msg_type", 1); c.add("length", 3)
    bodies[t](c)
    if not c.bad and c.left() > 0 then
        mt:add(F["trailing"], tvb(c.at(), c.left()))
        mt:add_proto_expert_info(ef_malformed, "bytes after the last field (decode_error)")
    end
    return what
end

local function record_len(tvb, pinfo, offset)
    return HEADER_LEN + tvb(offset + 3, 2):uint()
end

local function dissect_pdu(tvb, pinfo, tree)
    pinfo.cols.protocol = "glass"
    local what = dissect_record(tvb, pinfo, tree)
    local info = tostring(pinfo.cols.info)
    if info:sub(1, 6) ~= "glass:" then
        pinfo.cols.info = "glass: " .. what
    else
        pinfo.cols.info = info .. ", " .. what
    end
    return tvb:len()
end

function glass.dissector(tvb, pinfo, tree)
    pinfo.cols.info = ""
    dissect_tcp_pdus(tvb, tree, HEADER_LEN, record_len, dissect_pdu, true)
    return tvb:len()
end

-- A TCP payload that starts with a glass record header: type 21..23,
-- version 47 01, a length the protocol allows.
local function heuristic(tvb, pinfo, tree)
    if tvb:len() < HEADER_LEN then return false end
    local ctype = tvb(0, 1):uint()
    if ctype < 21 or ctype > 23 or tvb(1, 2):uint() ~= 0x4701 then return false end
    local len = tvb(3, 2):uint()
    if len == 0 or len > MAX_PROTECTED then return false end
    pinfo.conversation = glass
    glass.dissector(tvb, pinfo, tree)
    return true
end
glass:register_heuristic("tcp", heuristic)

local registered_port = 0
function glass.prefs_changed()
    local tcp = DissectorTable.get("tcp.port")
    if registered_port ~= 0 then tcp:remove(registered_port, glass) end
    registered_port = glass.prefs.port
    if registered_port ~= 0 then tcp:add(registered_port, glass) end
end
