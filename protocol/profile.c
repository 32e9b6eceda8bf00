/*
 * profile.c — the one table of what differs between glass and TLS 1.2.
 *
 * Glass is TLS 1.2 with TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 (RFC 5246),
 * the extended master secret (RFC 7627) and encrypt-then-MAC (RFC 7366),
 * with the legacy removed and enrollment added.  Everything the two
 * profiles do differently is a field of glass_profile_rules; the engine
 * reads the field where they part ways (grep for `e->prof->`), and
 * glass_profile_rows describes each field in words, so that
 * tests/peer/profile_table.c can print docs/TLS12.md's "glass vs TLS 1.2" table
 * from this very data (tests/sh/tls12_doc.sh checks the document matches).
 *
 * Read glass_profile_table, then the rows.  CT: not applicable (constants).
 */
#include "protocol/engine_internal.h"

#include <stddef.h>

const glass_profile_rules glass_profile_table[2] = {
    [GLASS_PROFILE_GLASS] = {
        .name = "glass",
        .version = GLASS_VERSION,
        .change_cipher_spec = 0,
        .hello_extensions = 0,
        .dh_params_in_ske = 0,
        .sigalg_in_signatures = 0,
        .ems_always = 1,
        .etm_always = 1,
        .one_message_per_record = 1,
        .client_cert_required = 1,
        .enrollment = 1,
        .resumption = 0,
        .named_groups_only = 1,
    },
    [GLASS_PROFILE_TLS12] = {
        .name = "TLS 1.2",
        .version = GLASS_TLS12_VERSION,
        .change_cipher_spec = 1,
        .hello_extensions = 1,
        .dh_params_in_ske = 1,
        .sigalg_in_signatures = 1,
        .ems_always = 0,
        .etm_always = 0,
        .one_message_per_record = 0,
        .client_cert_required = 0,
        .enrollment = 0,
        .resumption = 1,
        .named_groups_only = 0,
    },
};

#define ROW(field, what, g, t, clause) \
    {#field, what, offsetof(glass_profile_rules, field), g, t, clause}

const glass_profile_row glass_profile_rows[] = {
    ROW(change_cipher_spec, "protection turned on by",
        "the Finished message itself (no ChangeCipherSpec)",
        "a ChangeCipherSpec record before Finished", "RFC 5246 §7.1"),
    ROW(hello_extensions, "hello format",
        "version, random, suites, groups: nothing else",
        "session_id, compression methods, extensions", "RFC 5246 §7.4.1.2"),
    ROW(dh_params_in_ske, "ServerKeyExchange carries",
        "a named group id and Ys", "p, g and Ys (ServerDHParams)", "RFC 5246 §7.4.3"),
    ROW(sigalg_in_signatures, "signatures carry their algorithm",
        "no: always rsa_pkcs1_sha256", "yes: SignatureAndHashAlgorithm first",
        "RFC 5246 §4.7"),
    ROW(ems_always, "master secret",
        "always the extended master secret", "extended when both offer it, else RFC 5246 §8.1",
        "RFC 7627 §4"),
    ROW(etm_always, "record protection",
        "always encrypt-then-MAC", "encrypt-then-MAC when negotiated, else MAC-then-encrypt",
        "RFC 7366 §3"),
    ROW(one_message_per_record, "handshake messages and records",
        "exactly one message per record", "fragmented across records or coalesced",
        "RFC 5246 §6.2.1"),
    ROW(client_cert_required, "client certificate",
        "always asked; an empty answer only to enroll, or (cfg.anonymous) for a "
        "server-only session: pages, no chat or key-value",
        "none unless the server asks (request / require)", "RFC 5246 §7.4.6"),
    ROW(enrollment, "enrollment messages", "EnrollRequest, EnrollResponse", "none", "-"),
    ROW(resumption, "session resumption", "none: every handshake is full",
        "session-ID resumption (abbreviated handshake)", "RFC 5246 §7.3"),
    ROW(named_groups_only, "DH groups a client accepts",
        "only a named group it offered", "any safe group of at least 2048 bits",
        "RFC 7919 §3"),
};

const size_t glass_profile_n_rows = sizeof glass_profile_rows / sizeof glass_profile_rows[0];
