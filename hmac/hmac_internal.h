/*
 * hmac_internal.h — what only the tests and the vector runner need: the
 * reference PBKDF2, written the way RFC 8018 §5.2 reads, beside the fast
 * one of hmac.h, so both run on the same vectors.
 */
#ifndef GLASS_HMAC_INTERNAL_H
#define GLASS_HMAC_INTERNAL_H

#include "hmac/hmac.h"

/* pbkdf2_ref.c: the same arguments, errors and output as
 * pbkdf2_hmac_sha256, one whole HMAC per U_j.  CT: yes. */
glass_err pbkdf2_hmac_sha256_ref(const uint8_t *password, size_t password_len,
                                 const uint8_t *salt, size_t salt_len, uint32_t iterations,
                                 uint8_t *dk, size_t dk_len);

#endif
