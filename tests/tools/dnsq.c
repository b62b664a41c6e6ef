/*
 * dnsq - resolve names through common/dns and print what came back: a
 * small dig for the test suite (there is no dig on the test machines).
 *
 * Usage: dnsq [--ns LIST] [--timeout SEC] [--cache N] [--stats] ITEM...
 * where ITEM is TYPE:NAME (TYPE one of a, aaaa, mx, ptr, txt) or
 * sleep:MS.  The items run in order in one process with one resolver, so
 * a test can show a cache hit or an expiry.  For each lookup it prints
 *   NAME TYPE STATUS count=N ttl=T ms=ELAPSED
 * then one line per record, indented by two spaces: the text (TXT with
 * bytes outside 0x20-0x7e escaped as \xHH), "PREF HOST" for MX.  --stats
 * ends with "sent N" (dns_queries_sent).
 *
 * Not a general DNS client: it only knows what common/dns returns.
 *
 * STANDARDS: none.
 * Thread safety: single-threaded program.
 * EXIT STATUS: 0 when every item ran, EX_USAGE, EX_CONFIG for a bad --ns.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "common/ascii.h"
#include "common/dns.h"
#include "common/num.h"
#include "common/str.h"

/* a type name and its code */
struct type_name {
    const char *name;   /* as written on the command line */
    enum dns_type type; /* record type */
};

static const struct type_name types[] = {
    { "a", DNS_T_A },     { "aaaa", DNS_T_AAAA }, { "mx", DNS_T_MX },
    { "ptr", DNS_T_PTR }, { "txt", DNS_T_TXT },
};

/* usage - print the synopsis and return EX_USAGE */
static int
usage(void)
{
    fprintf(stderr, "usage: dnsq [--ns LIST] [--timeout SEC] [--cache N] "
                    "[--stats] TYPE:NAME|sleep:MS ...\n");
    return EX_USAGE;
}

/* mono_ms - milliseconds on the monotonic clock */
static uint64_t
mono_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail */
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* sleep_ms - pause ms milliseconds */
static void
sleep_ms(uint64_t ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        /* interrupted: sleep the rest */
    }
}

/* print_answer - the status line and the records */
static void
print_answer(const char *name, const char *tname, enum dns_status st,
             const struct dns_answer *a, uint64_t ms)
{
    char esc[4 * 1024];

    printf("%s %s %s count=%zu ttl=%u ms=%llu\n", name, tname,
           dns_status_str(st), a ? a->count : 0, a ? (unsigned)a->ttl : 0,
           (unsigned long long)ms);
    for (size_t i = 0; a != NULL && i < a->count; i++) {
        const struct dns_rr *rr = &a->rr[i];

        if (strcmp(tname, "mx") == 0)
            printf("  %u %s\n", (unsigned)rr->pref, rr->text);
        else
            printf("  %s\n", log_esc(esc, sizeof(esc), rr->text, rr->text_len));
    }
}

/* run_item - one TYPE:NAME or sleep:MS; -1 when it does not parse */
static int
run_item(struct dns_resolver *r, const char *item)
{
    struct str s = str_cstr(item);
    size_t colon = str_chr(s, ':');
    struct str t = str_make(item, colon);
    const char *name = item + colon + 1;
    const char *why;
    uint64_t ms;

    if (colon == s.len)
        return -1;
    if (str_caseeq_cstr(t, "sleep")) {
        if (num_parse_u64(str_cstr(name), 0, 600000, &ms, &why) != 0)
            return -1;
        sleep_ms(ms);
        return 0;
    }
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        struct dns_answer *a;
        enum dns_status st;
        uint64_t t0;

        if (!str_caseeq_cstr(t, types[i].name))
            continue;
        t0 = mono_ms();
        st = dns_query(r, name, types[i].type, &a);
        print_answer(name, types[i].name, st, a, mono_ms() - t0);
        dns_answer_free(a);
        (void)fflush(stdout); /* best effort; a later error shows */
        return 0;
    }
    return -1;
}

/* parse_opts - the options before the items; index of the first item or
 * -1 */
static int
parse_opts(int argc, char **argv, struct dns_options *o, bool *is_stats)
{
    int i;
    const char *why;
    uint64_t v;

    for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--stats") == 0) {
            *is_stats = true;
            continue;
        }
        if (i + 1 >= argc)
            return -1;
        if (strcmp(argv[i], "--ns") == 0) {
            o->nameservers = argv[++i];
        } else if (strcmp(argv[i], "--timeout") == 0) {
            if (num_parse_u64(str_cstr(argv[++i]), 1, 3600, &v, &why) != 0)
                return -1;
            o->timeout = (unsigned)v;
        } else if (strcmp(argv[i], "--cache") == 0) {
            if (num_parse_u64(str_cstr(argv[++i]), 0, 1000000, &v, &why) != 0)
                return -1;
            o->cache_max = (size_t)v;
        } else {
            return -1;
        }
    }
    return i;
}

int
main(int argc, char **argv)
{
    struct dns_options o = { NULL, 0, 0 };
    struct dns_resolver *r;
    bool is_stats = false;
    const char *why;
    struct str bad;
    int first = parse_opts(argc, argv, &o, &is_stats);

    if (first < 0 || first >= argc)
        return usage();
    if (log_open("dnsq", NULL, true) != 0)
        return EX_SOFTWARE;
    r = dns_new(&o, &why);
    if (r == NULL) {
        if (dns_nameservers_check(o.nameservers, &why, &bad) != 0)
            fprintf(stderr, "dnsq: --ns: %s: \"%.*s\"\n", why, (int)bad.len,
                    bad.p);
        return EX_CONFIG;
    }
    for (int i = first; i < argc; i++) {
        if (run_item(r, argv[i]) != 0) {
            dns_free(r);
            fprintf(stderr, "dnsq: bad item \"%s\"\n", argv[i]);
            return usage();
        }
    }
    if (is_stats)
        printf("sent %llu\n", (unsigned long long)dns_queries_sent(r));
    dns_free(r);
    return 0;
}
