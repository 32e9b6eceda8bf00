/*
 * opt.h — the option tables every command declares live in io/opt.h, shared
 * with the rooms whose tools parse their own arguments (the labs of
 * classroom/).  Commands include "opt.h" as before.
 */
#ifndef GLASS_APPS_OPT_H
#define GLASS_APPS_OPT_H

#include "io/opt.h"

#endif
