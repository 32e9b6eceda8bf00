/*
 * enroll.h — one-time enrollment codes, kept in the CA's directory.
 *
 * SYNOPSIS
 *     char code[ENROLL_CODE_STR_MAX];
 *     enroll_code_create(dir, "alice", now, 0, code);      prints nothing
 *     enroll_code_redeem(dir, "alice", code, now, &why);   once only
 *
 * DESCRIPTION
 *     A client that has no certificate yet proves it was invited with a
 *     one-time code that the CA operator handed out (`glass ca enroll-code`).
 *     The server, which holds the CA, redeems the code when the client sends
 *     its certificate request.
 *
 *     A code is 100 random bits from glass_random(), written as 20 characters
 *     of Crockford's Base32 in groups of four: "7K2M-QX4D-9HJB-TR3W-P6NC".
 *     On redeeming, case is ignored, dashes and spaces are dropped, and the
 *     look-alikes O, I and L are read as 0, 1 and 1.
 *
 *     The codes live in DIR/enroll.txt, one line each, tab-separated:
 *
 *         status  expires  used_at  sha256(code) in hex  name
 *         U       1795000000  0     3f9a...           alice
 *
 *     status is U (unused) or X (used); expires and used_at are seconds
 *     since 1970.  Only the SHA-256 of the code is stored, never the code:
 *     whoever reads the file cannot enroll with it.  Every change takes the
 *     lock DIR/enroll.lock (an fcntl(2) write lock, waited for at most
 *     ENROLL_LOCK_WAIT_MS) and rewrites the file with
 *     glass_write_file_atomic(), so two redeemers of one code cannot both
 *     win and a crash never leaves half a file.
 *
 *     Default lifetime: ENROLL_CODE_DEFAULT_SECONDS (one hour), enough for a
 *     class exercise and short enough that a code left on a whiteboard
 *     expires soon after.
 *
 * SECURITY CONSIDERATIONS
 *     The lookup compares every stored hash in constant time (the hash of a
 *     guess says nothing anyway, but the habit costs nothing).  A code is
 *     bound to one name: it cannot enroll anybody else.  A wrong, used,
 *     expired or other-name code all return the same GLASS_ERR_ENROLL_CODE
 *     to the peer; *why tells only the local log which it was.
 */
#ifndef GLASS_CA_ENROLL_H
#define GLASS_CA_ENROLL_H

#include "common/common.h"

#include <stdint.h>

#define ENROLL_CODE_CHARS           20      /* Base32 characters, 5 bits each */
#define ENROLL_CODE_STR_MAX         32      /* with dashes and the NUL */
#define ENROLL_CODE_DEFAULT_SECONDS 3600u   /* one hour */
#define ENROLL_CODE_MAX_SECONDS     (30u * 86400u)
#define ENROLL_NAME_MAX             64      /* longest name, without the NUL */
#define ENROLL_LOCK_WAIT_MS         10000u
#define ENROLL_FILE                 "enroll.txt"
#define ENROLL_LOCK_FILE            "enroll.lock"

/* 1 if name is acceptable as a client name (and so as a certificate CN):
 * 1 to ENROLL_NAME_MAX characters from A-Z a-z 0-9 . _ - , not starting
 * with '.' or '-'.  Else 0. */
int enroll_name_valid(const char *name);

/* Makes a fresh code for name, valid for `seconds` from now (0: the
 * default; at most ENROLL_CODE_MAX_SECONDS, else GLASS_ERR_ARG), records
 * its hash in dir/enroll.txt and writes the code, dashed and NUL-terminated,
 * to code.  GLASS_ERR_ARG for a bad name, GLASS_ERR_CA_DIR if dir holds no
 * ca.pem, GLASS_ERR_CA_LOCK if the lock stays taken. */
glass_err enroll_code_create(const char *dir, const char *name, int64_t now,
                             uint32_t seconds, char code[ENROLL_CODE_STR_MAX]);

/* Redeems code for name at time now: it must be recorded, for this name,
 * unused and unexpired; it is then marked used (atomically, under the lock)
 * and cannot be redeemed again.  GLASS_ERR_ENROLL_CODE otherwise, with *why
 * (if not NULL) set to a static phrase for the log ("unknown code", "code
 * already used", "code expired", "code issued for another name").
 * GLASS_ERR_CA_LOCK if the lock stays taken. */
glass_err enroll_code_redeem(const char *dir, const char *name, const char *code,
                             int64_t now, const char **why);

/* For `glass ca check`: every used code, with its name and when it was
 * used, read under the lock.  *uses is malloc'd (free it); a missing
 * enroll.txt gives none.  GLASS_ERR_CA_DB if the file does not parse. */
typedef struct enroll_use {
    char name[ENROLL_NAME_MAX + 1];
    int64_t used_at;
} enroll_use;
glass_err enroll_codes_used(const char *dir, enroll_use **uses, size_t *n);

#endif
