/*
 * ignore - the IgnoreHosts list: client hosts whose mail is not evaluated.
 *
 * Parses entries once (inet_pton, a prefix length through common/num) into
 * a flat array of address blocks and host names, and matches a connection
 * against it with a linear scan: lists are short in practice, and a scan
 * per connection (not per message) costs nothing next to the DNS work.
 * It does not resolve host names: a name matches the name the MTA
 * reported for the client, as in OpenDMARC.
 *
 * STANDARDS: RFC 4632 (CIDR), RFC 4291 section 2.5.5.2 (IPv4-mapped
 * addresses).
 *
 * Ownership and threads: the list owns its entries; read-only once built.
 */
#include "milter/ignore.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/num.h"
#include "common/str.h"
#include "common/xalloc.h"

/* one entry of the list */
struct ignore_entry {
    int family;             /* AF_INET, AF_INET6, or AF_UNSPEC: a name */
    unsigned char addr[16]; /* network order, masked to prefix bits */
    unsigned prefix;        /* prefix length in bits */
    char *name;             /* host name (lower case), AF_UNSPEC only */
    bool is_suffix;         /* name was written ".example.com" */
};

struct ignore {
    struct ignore_entry *e; /* entries, in file order */
    size_t n;               /* entries used */
    size_t cap;             /* entries allocated */
};

struct ignore *
ignore_new(void)
{
    return xcalloc(1, sizeof(struct ignore));
}

struct ignore *
ignore_new_default(void)
{
    struct ignore *ig = ignore_new();
    const char *why = NULL;

    if (ignore_add(ig, "127.0.0.1", &why) != 0 ||
        ignore_add(ig, "::1", &why) != 0)
        log_panic("ignore: default list: %s", why);
    return ig;
}

void
ignore_free(struct ignore *ig)
{
    if (ig == NULL)
        return;
    for (size_t i = 0; i < ig->n; i++)
        free(ig->e[i].name);
    free(ig->e);
    free(ig);
}

size_t
ignore_count(const struct ignore *ig)
{
    return ig->n;
}

/* mask_bits - clear every bit of addr (len bytes) past prefix */
static void
mask_bits(unsigned char *addr, size_t len, unsigned prefix)
{
    for (size_t i = 0; i < len; i++) {
        size_t bit = i * 8;
        if (bit >= prefix)
            addr[i] = 0;
        else if (prefix - bit < 8)
            addr[i] &= (unsigned char)(0xffu << (8 - (prefix - bit)));
    }
}

/* is_name_char - a byte allowed in a host name entry */
static bool
is_name_char(char c)
{
    return ascii_is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* parse_name - fill e from a host name entry; 0 or -1 */
static int
parse_name(struct ignore_entry *e, const char *s, const char **why)
{
    size_t len = strlen(s);

    if (len == 0 || len > 254) {
        *why = "host name length";
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (!is_name_char(s[i])) {
            *why = "not an address, CIDR block or host name";
            return -1;
        }
    }
    e->family = AF_UNSPEC;
    e->is_suffix = s[0] == '.';
    e->name = xstrdup(s);
    ascii_lower_mem(e->name, len);
    if (len > 1 && e->name[len - 1] == '.')
        e->name[len - 1] = '\0';
    return 0;
}

/* parse_addr - fill e from "addr" or "addr/prefix"; 0, -1 (bad), or 1
 * (not an address at all: try a host name) */
static int
parse_addr(struct ignore_entry *e, const char *s, const char **why)
{
    char host[INET6_ADDRSTRLEN + 2];
    const char *slash = strchr(s, '/');
    size_t hlen = slash != NULL ? (size_t)(slash - s) : strlen(s);
    uint64_t prefix;

    if (hlen >= sizeof(host))
        return 1;
    memcpy(host, s, hlen);
    host[hlen] = '\0';
    if (inet_pton(AF_INET, host, e->addr) == 1) {
        e->family = AF_INET;
        prefix = 32;
    } else if (inet_pton(AF_INET6, host, e->addr) == 1) {
        e->family = AF_INET6;
        prefix = 128;
    } else {
        return slash != NULL ? (*why = "bad address in CIDR block", -1) : 1;
    }
    if (slash != NULL &&
        num_parse_u64(str_cstr(slash + 1), 0, prefix, &prefix, why) != 0)
        return -1;
    e->prefix = (unsigned)prefix;
    mask_bits(e->addr, e->family == AF_INET ? 4 : 16, e->prefix);
    return 0;
}

int
ignore_add(struct ignore *ig, const char *entry, const char **why)
{
    struct ignore_entry e;
    int rc;

    memset(&e, 0, sizeof(e));
    if (ig->n >= IGNORE_MAX_ENTRIES) {
        *why = "too many entries";
        return -1;
    }
    rc = parse_addr(&e, entry, why);
    if (rc == 1)
        rc = parse_name(&e, entry, why);
    if (rc != 0)
        return -1;
    if (ig->n == ig->cap) {
        ig->cap = ig->cap == 0 ? 8 : ig->cap * 2;
        ig->e = xreallocarray(ig->e, ig->cap, sizeof(*ig->e));
    }
    ig->e[ig->n++] = e;
    return 0;
}

/* load_line - add the entry on one line (comments and blanks skipped) */
static int
load_line(struct ignore *ig, char *line, const char **why)
{
    struct str s = str_make(line, strcspn(line, "#"));
    char *entry;
    int rc;

    s = str_trim(s);
    if (s.len == 0)
        return 0;
    entry = str_dup(s);
    rc = ignore_add(ig, entry, why);
    free(entry);
    return rc;
}

struct ignore *
ignore_load(const char *path)
{
    struct ignore *ig;
    char line[IGNORE_MAX_LINE];
    unsigned long lineno = 0;
    const char *why = NULL;
    FILE *fp = fopen(path, "re");

    if (fp == NULL) {
        log_err_errno("IgnoreHosts: %s", path);
        return NULL;
    }
    ig = ignore_new();
    while (fgets(line, sizeof(line), fp) != NULL) {
        lineno++;
        if (strchr(line, '\n') == NULL && !feof(fp))
            why = "line too long";
        else if (load_line(ig, line, &why) == 0)
            continue;
        log_err("%s:%lu: %s", path, lineno, why);
        ignore_free(ig);
        ig = NULL;
        break;
    }
    if (ig != NULL && ferror(fp)) {
        log_err_errno("IgnoreHosts: %s", path);
        ignore_free(ig);
        ig = NULL;
    }
    (void)fclose(fp); /* read-only stream: nothing to lose */
    return ig;
}

/* client_addr - the client's address as (family, 16 bytes); IPv4-mapped
 * IPv6 becomes IPv4.  Returns the family, or AF_UNSPEC. */
static int
client_addr(const struct sockaddr *sa, unsigned char *out)
{
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0,    0,
                                              0, 0, 0, 0, 0xff, 0xff };

    if (sa == NULL)
        return AF_UNSPEC;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        memcpy(out, &in->sin_addr, 4);
        return AF_INET;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        if (memcmp(&in6->sin6_addr, mapped, sizeof(mapped)) == 0) {
            memcpy(out, (const unsigned char *)&in6->sin6_addr + 12, 4);
            return AF_INET;
        }
        memcpy(out, &in6->sin6_addr, 16);
        return AF_INET6;
    }
    return AF_UNSPEC;
}

/* name_match - does host match the name entry e */
static bool
name_match(const struct ignore_entry *e, const char *host, size_t hlen)
{
    size_t nlen = strlen(e->name);

    if (hlen > 0 && host[hlen - 1] == '.')
        hlen--;
    if (!e->is_suffix)
        return hlen == nlen && ascii_ncaseeq(host, e->name, nlen);
    return hlen > nlen && ascii_ncaseeq(host + hlen - nlen, e->name, nlen);
}

bool
ignore_match(const struct ignore *ig, const struct sockaddr *sa,
             const char *host)
{
    unsigned char a[16];
    int family = client_addr(sa, a);
    size_t hlen = host != NULL ? strlen(host) : 0;

    for (size_t i = 0; i < ig->n; i++) {
        const struct ignore_entry *e = &ig->e[i];
        if (e->family == AF_UNSPEC) {
            if (hlen > 0 && name_match(e, host, hlen))
                return true;
        } else if (e->family == family) {
            unsigned char m[16];
            size_t len = family == AF_INET ? 4 : 16;
            memcpy(m, a, len);
            mask_bits(m, len, e->prefix);
            if (memcmp(m, e->addr, len) == 0)
                return true;
        }
    }
    return false;
}
