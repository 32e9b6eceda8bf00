/*
 * fuzz_key.c — key files (ca/keyfile.c): RSA private keys in every form
 * (PKCS#1, PKCS#8, encrypted PKCS#8, PEM or DER), with and without a
 * password, and public keys (SubjectPublicKeyInfo, RSAPublicKey).
 *
 * An encrypted key names its own PBKDF2 iteration count; keyfile.c caps it
 * at KEY_MAX_ITERATIONS (ca/ca.h), so an input at the cap costs about a
 * third of a second; a slower one would show as a libFuzzer timeout
 * (-timeout in scripts/fuzz.sh).
 */
#include "fuzz.h"
#include "ca/ca.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rsa_private_key key;
    (void)ca_key_is_encrypted(data, size);
    /* 1. No password: an encrypted key must fail cleanly. */
    rsa_private_init(&key);
    (void)ca_key_load_private(data, size, NULL, &key);
    rsa_private_clear(&key);
    /* 2. The password the seed keys were encrypted with. */
    rsa_private_init(&key);
    (void)ca_key_load_private(data, size, "fuzz", &key);
    rsa_private_clear(&key);
    /* 3. Public keys. */
    rsa_public_key pub;
    rsa_public_init(&pub);
    (void)ca_key_load_public(data, size, &pub);
    rsa_public_clear(&pub);
    return 0;
}
