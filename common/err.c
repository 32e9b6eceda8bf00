/*
 * err.c — the message table for glass_err (see common.h).
 * The values and messages both come from errors.def.
 */
#include "common.h"

static const char *const messages[] = {
#define GLASS_ERR(name, msg) msg,
#include "errors.def"
#undef GLASS_ERR
};

static const char *const names[] = {
#define GLASS_ERR(name, msg) #name,
#include "errors.def"
#undef GLASS_ERR
};

/* See common.h. */
const char *glass_strerror(glass_err e)
{
    if ((unsigned)e >= (unsigned)GLASS_ERR_COUNT_)
        return "unknown error";
    return messages[e];
}

/* See common.h. */
const char *glass_err_name(glass_err e)
{
    if ((unsigned)e >= (unsigned)GLASS_ERR_COUNT_)
        return "GLASS_ERR_UNKNOWN";
    return names[e];
}
