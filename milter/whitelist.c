/*
 * whitelist - trusted ARC sealers: a hash set of normalised domains.
 *
 * Open addressing with linear probing over a power-of-two table kept at
 * most half full; the table doubles as entries arrive, up to the
 * capacity.  Names go through domain_normalize(), so "LIST.Example.org."
 * and "list.example.org" are one entry, and lookups normalise the same
 * way.  No parent-domain matching: opendmarc.conf(5) names domains, and
 * OpenDMARC looks each arc.chain entry up exactly.
 *
 * The file reader takes one name per line; '#' to the end of the line is
 * a comment (OpenDMARC's list files use the same convention).  Lines are
 * bounded (WHITELIST_MAX_LINE); a longer one is an error, never cut.
 *
 * STANDARDS: RFC 4343 (case-insensitive names); opendmarc.conf(5).
 * Thread safety: see whitelist.h.
 */
#include "milter/whitelist.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/domain.h"
#include "common/xalloc.h"

/* WL_MIN_SLOTS - initial table size */
#define WL_MIN_SLOTS 64

struct whitelist {
    char **slot;  /* slots: NULL or a normalised name (owned) */
    size_t cap;   /* slots allocated, a power of two */
    size_t count; /* names held */
    size_t max;   /* most names accepted */
};

/* hash - FNV-1a of a NUL-terminated name */
static uint64_t
hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* find - the slot holding name, or the empty slot where it would go */
static size_t
find(char *const *slot, size_t cap, const char *name)
{
    size_t i = (size_t)hash(name) & (cap - 1);

    while (slot[i] != NULL && strcmp(slot[i], name) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

/* grow - double the table, re-inserting every name */
static void
grow(struct whitelist *wl)
{
    size_t cap = wl->cap * 2;
    char **slot = xcalloc(cap, sizeof(*slot));

    for (size_t i = 0; i < wl->cap; i++) {
        if (wl->slot[i] != NULL)
            slot[find(slot, cap, wl->slot[i])] = wl->slot[i];
    }
    free(wl->slot);
    wl->slot = slot;
    wl->cap = cap;
}

struct whitelist *
whitelist_new(size_t max)
{
    struct whitelist *wl = xcalloc(1, sizeof(*wl));

    wl->max =
        max == 0 || max > WHITELIST_MAX_ENTRIES ? WHITELIST_MAX_ENTRIES : max;
    wl->cap = WL_MIN_SLOTS;
    wl->slot = xcalloc(wl->cap, sizeof(*wl->slot));
    return wl;
}

void
whitelist_free(struct whitelist *wl)
{
    if (wl == NULL)
        return;
    for (size_t i = 0; i < wl->cap; i++)
        free(wl->slot[i]);
    free(wl->slot);
    free(wl);
}

enum whitelist_status
whitelist_add(struct whitelist *wl, struct str name, const char **why)
{
    char norm[DOMAIN_BUF_SIZE];
    const char *dummy = NULL;
    size_t i;

    if (why == NULL)
        why = &dummy;
    if (domain_normalize(str_trim(name), 0, norm, why) != DOMAIN_OK)
        return WHITELIST_INVALID;
    i = find(wl->slot, wl->cap, norm);
    if (wl->slot[i] != NULL)
        return WHITELIST_OK;
    if (wl->count >= wl->max) {
        *why = "more entries than DomainWhitelistSize allows";
        return WHITELIST_FULL;
    }
    wl->slot[i] = xstrdup(norm);
    wl->count++;
    if (wl->count * 2 > wl->cap)
        grow(wl);
    return WHITELIST_OK;
}

bool
whitelist_contains(const struct whitelist *wl, struct str name)
{
    char norm[DOMAIN_BUF_SIZE];
    const char *why = NULL;

    if (wl == NULL || wl->count == 0 ||
        domain_normalize(name, 0, norm, &why) != DOMAIN_OK)
        return false;
    return wl->slot[find(wl->slot, wl->cap, norm)] != NULL;
}

size_t
whitelist_count(const struct whitelist *wl)
{
    return wl != NULL ? wl->count : 0;
}

/* add_logged - whitelist_add with one log line on failure (where names
 * the source: "DomainWhitelist" or "path:line") */
static int
add_logged(struct whitelist *wl, struct str name, const char *where)
{
    char esc[DOMAIN_BUF_SIZE * 2];
    const char *why = NULL;

    if (whitelist_add(wl, name, &why) == WHITELIST_OK)
        return 0;
    log_err("%s: '%s': %s", where, log_esc(esc, sizeof(esc), name.p, name.len),
            why);
    return -1;
}

/* file_line - one line of the file (without its newline): the name
 * before any '#', if there is one */
static int
file_line(struct whitelist *wl, struct str line, const char *path,
          unsigned long lineno)
{
    char where[512];
    struct str name = line;

    name.len = str_chr(line, '#');
    name = str_trim(name);
    if (name.len == 0)
        return 0;
    (void)snprintf(where, sizeof(where), "%s:%lu", path, lineno);
    return add_logged(wl, name, where);
}

/* load_file - every line of path into wl: 0, or -1 (logged) */
static int
load_file(struct whitelist *wl, const char *path)
{
    char line[WHITELIST_MAX_LINE + 2];
    unsigned long lineno = 0;
    int rc = 0;
    FILE *fp = fopen(path, "re");

    if (fp == NULL) {
        log_err_errno("DomainWhitelistFile %s", path);
        return -1;
    }
    while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
        size_t len = strlen(line);

        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            len--;
        else if (!feof(fp)) {
            log_err("%s:%lu: line longer than %d bytes", path, lineno,
                    WHITELIST_MAX_LINE);
            rc = -1;
            break;
        }
        rc = file_line(wl, str_make(line, len), path, lineno);
    }
    if (rc == 0 && ferror(fp)) {
        log_err_errno("DomainWhitelistFile %s: read", path);
        rc = -1;
    }
    (void)fclose(fp); /* read-only: nothing to lose on close */
    return rc;
}

struct whitelist *
whitelist_load(const char *const *list, size_t n, const char *path, size_t max)
{
    struct whitelist *wl = whitelist_new(max);

    for (size_t i = 0; i < n; i++) {
        if (list[i] != NULL &&
            add_logged(wl, str_cstr(list[i]), "DomainWhitelist") < 0)
            goto fail;
    }
    if (path != NULL && load_file(wl, path) < 0)
        goto fail;
    return wl;
fail:
    whitelist_free(wl);
    return NULL;
}
