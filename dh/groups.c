/*
 * groups.c — the named finite-field groups: RFC 7919 ffdhe2048/3072/4096 and
 * RFC 3526 MODP groups 14 and 15.
 *
 * Read this after dh.h.  Every group here is a safe prime p = 2q + 1 with
 * generator g = 2; g generates the subgroup of order q (the quadratic
 * residues: p ≡ 7 mod 8, so 2 is a square).  The primes below are copied
 * from the RFCs' hexadecimal listings, in the RFCs' own layout (GMP's
 * mpz_set_str ignores the spaces), so a student can lay this file beside
 * RFC 7919 Appendix A and RFC 3526 §3–§4 and compare line by line.  Each
 * prime is also derived by a formula the RFC prints beside it, e.g.
 *
 *     ffdhe2048: p = 2^2048 - 2^1984 + {[2^1918 * e] + 560316} * 2^64 - 1
 *     modp14:    p = 2^2048 - 2^1984 - 1 + 2^64 * {[2^1918 pi] + 124476}
 *
 * which is why both families start and end with 64 one bits.  The unit tests
 * (tests/test_dh.c) check the bit length, p ≡ 3 mod 4, that p and q are
 * probable primes, and that g^q ≡ 1; tests/sh/dh_groups.sh checks each p
 * against the one `openssl` prints.
 *
 * Private-key size x_bits (SP 800-56A Rev. 3 §5.6.1.1.4 takes N as an
 * input, N >= 2s for security strength s):
 *
 *   group       |p|   s (SP 800-56A Rev. 3   2s    RFC 7919 App. A   x_bits
 *                      App. D / SP 800-57)          "at least"
 *   ffdhe2048   2048   112                   224   225               225
 *   ffdhe3072   3072   128                   256   275               275
 *   ffdhe4096   4096   152                   304   325               325
 *   modp14      2048   112                   224   (RFC 3526 §8:     225
 *   modp15      3072   128                   256    220-/260-)       275
 *
 * We take the larger of SP 800-56A's 2s and RFC 7919's short-exponent
 * minimum.  A private exponent of 2s bits is enough because the best attack
 * on a short exponent (Pollard's lambda / van Oorschot–Wiener) costs about
 * 2^(N/2) group operations, which then matches the s-bit strength of the
 * modulus itself; a longer x only slows every exponentiation down.  OpenSSL
 * uses the same sizes for the ffdhe groups (RFC 7919's minimums), so
 * `glass speed ffdh2048` and `openssl speed ffdh2048` compare like with like.
 *
 * The groups are built once, on first use, under pthread_once, and live
 * until the process exits.
 *
 * CT: not applicable — public constants only.
 */
#include "dh/dh.h"

#include <pthread.h>
#include <string.h>

/* RFC 7919 Appendix A.1: ffdhe2048, registry value 256 (0x0100). */
static const char FFDHE2048_P[] =
    "FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1"
    "D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9"
    "7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561"
    "2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935"
    "984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735"
    "30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB"
    "B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19"
    "0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61"
    "9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73"
    "3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA"
    "886B4238 61285C97 FFFFFFFF FFFFFFFF";

/* RFC 7919 Appendix A.2: ffdhe3072, registry value 257 (0x0101). */
static const char FFDHE3072_P[] =
    "FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1"
    "D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9"
    "7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561"
    "2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935"
    "984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735"
    "30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB"
    "B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19"
    "0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61"
    "9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73"
    "3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA"
    "886B4238 611FCFDC DE355B3B 6519035B BC34F4DE F99C0238"
    "61B46FC9 D6E6C907 7AD91D26 91F7F7EE 598CB0FA C186D91C"
    "AEFE1309 85139270 B4130C93 BC437944 F4FD4452 E2D74DD3"
    "64F2E21E 71F54BFF 5CAE82AB 9C9DF69E E86D2BC5 22363A0D"
    "ABC52197 9B0DEADA 1DBF9A42 D5C4484E 0ABCD06B FA53DDEF"
    "3C1B20EE 3FD59D7C 25E41D2B 66C62E37 FFFFFFFF FFFFFFFF";

/* RFC 7919 Appendix A.3: ffdhe4096, registry value 258 (0x0102). */
static const char FFDHE4096_P[] =
    "FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1"
    "D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9"
    "7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561"
    "2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935"
    "984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735"
    "30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB"
    "B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19"
    "0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61"
    "9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73"
    "3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA"
    "886B4238 611FCFDC DE355B3B 6519035B BC34F4DE F99C0238"
    "61B46FC9 D6E6C907 7AD91D26 91F7F7EE 598CB0FA C186D91C"
    "AEFE1309 85139270 B4130C93 BC437944 F4FD4452 E2D74DD3"
    "64F2E21E 71F54BFF 5CAE82AB 9C9DF69E E86D2BC5 22363A0D"
    "ABC52197 9B0DEADA 1DBF9A42 D5C4484E 0ABCD06B FA53DDEF"
    "3C1B20EE 3FD59D7C 25E41D2B 669E1EF1 6E6F52C3 164DF4FB"
    "7930E9E4 E58857B6 AC7D5F42 D69F6D18 7763CF1D 55034004"
    "87F55BA5 7E31CC7A 7135C886 EFB4318A ED6A1E01 2D9E6832"
    "A907600A 918130C4 6DC778F9 71AD0038 092999A3 33CB8B7A"
    "1A1DB93D 7140003C 2A4ECEA9 F98D0ACC 0A8291CD CEC97DCF"
    "8EC9B55A 7F88A46B 4DB5A851 F44182E1 C68A007E 5E655F6A"
    "FFFFFFFF FFFFFFFF";

/* RFC 3526 §3: 2048-bit MODP group, IKE group id 14. */
static const char MODP14_P[] =
    "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
    "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
    "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
    "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
    "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
    "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
    "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
    "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
    "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
    "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
    "15728E5A 8AACAA68 FFFFFFFF FFFFFFFF";

/* RFC 3526 §4: 3072-bit MODP group, IKE group id 15. */
static const char MODP15_P[] =
    "FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
    "29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
    "EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
    "E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
    "EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
    "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
    "83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
    "670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
    "E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
    "DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
    "15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
    "ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
    "ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
    "F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
    "BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
    "43DB5BFC E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF";

struct named_group_def {
    const char *name;
    uint16_t tls_id;
    const char *p_hex;
    unsigned x_bits;        /* see the table at the top of this file */
};

static const struct named_group_def DEFS[] = {
    {"ffdhe2048", 0x0100, FFDHE2048_P, 225},
    {"ffdhe3072", 0x0101, FFDHE3072_P, 275},
    {"ffdhe4096", 0x0102, FFDHE4096_P, 325},
    {"modp14", 0, MODP14_P, 225},
    {"modp15", 0, MODP15_P, 275},
};
#define NGROUPS (sizeof DEFS / sizeof DEFS[0])

static dh_group groups[NGROUPS];
static int groups_ok = 0;
static pthread_once_t groups_once = PTHREAD_ONCE_INIT;

/* Builds every named group from its RFC hex: q = (p - 1) / 2, g = 2. */
static void build_groups(void)
{
    int ok = 1;
    for (size_t i = 0; i < NGROUPS; i++) {
        dh_group *G = &groups[i];
        memset(G, 0, sizeof *G);
        G->name = DEFS[i].name;
        G->tls_id = DEFS[i].tls_id;
        mpz_init(G->p);
        mpz_init(G->q);
        mpz_init_set_ui(G->g, 2);
        if (mpz_set_str(G->p, DEFS[i].p_hex, 16) != 0)
            ok = 0;
        mpz_sub_ui(G->q, G->p, 1);
        mpz_tdiv_q_2exp(G->q, G->q, 1);
        G->p_len = (mpz_sizeinbase(G->p, 2) + 7) / 8;
        G->x_bits = DEFS[i].x_bits;
        G->safe_prime = 1;
    }
    groups_ok = ok;
}

/* See dh.h. */
const dh_group *dh_group_by_name(const char *name)
{
    if (name == NULL)
        return NULL;
    pthread_once(&groups_once, build_groups);
    if (!groups_ok)
        return NULL;
    for (size_t i = 0; i < NGROUPS; i++)
        if (strcmp(groups[i].name, name) == 0)
            return &groups[i];
    return NULL;
}

/* See dh.h.  RFC 7919 §2 / the TLS Supported Groups registry. */
const dh_group *dh_group_by_tls_id(uint16_t id)
{
    if (id == 0)
        return NULL;
    pthread_once(&groups_once, build_groups);
    if (!groups_ok)
        return NULL;
    for (size_t i = 0; i < NGROUPS; i++)
        if (groups[i].tls_id == id)
            return &groups[i];
    return NULL;
}
