/*
 * dns_threads - many threads resolving the same few names through one
 * common/dns resolver: checks every answer and that nothing crashes.
 *
 * Usage: dns_threads [--ns LIST] [--threads N] [--iter N] [--cache N]
 *                    TYPE:NAME=EXPECT ...
 * EXPECT is a status word other than "ok" (nxdomain, nodata, tempfail),
 * or the record texts sorted and joined by '|' (MX as "PREF HOST").
 * Every thread runs through all specs --iter times, starting at a
 * different spec.  Prints "lookups=N mismatches=M sent=S" and the first
 * few mismatches.
 *
 * STANDARDS: none.
 * Thread safety: the point of the program; shared state is the resolver
 * and an atomic mismatch counter.
 * EXIT STATUS: 0 when every answer matched, 1 otherwise, EX_USAGE,
 * EX_CONFIG.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common/dns.h"
#include "common/num.h"
#include "common/str.h"
#include "common/xalloc.h"

/* DNS_THREADS_MAX - threads at most */
#define DNS_THREADS_MAX 64
/* DNS_THREADS_MAX_TEXT - longest joined answer compared */
#define DNS_THREADS_MAX_TEXT 4096

/* one name to resolve and what it must give */
struct spec {
    enum dns_type type; /* record type */
    char *name;         /* query name (owned) */
    const char *expect; /* status word or joined texts (borrowed argv) */
};

/* what every thread shares */
struct shared {
    struct dns_resolver *r;    /* the resolver under test */
    struct spec *specs;        /* nspecs specs */
    size_t nspecs;             /* number of specs */
    size_t iter;               /* rounds per thread */
    _Atomic size_t lookups;    /* lookups done */
    _Atomic size_t mismatches; /* answers that differed */
};

/* one thread's arguments */
struct worker {
    struct shared *sh; /* shared state */
    size_t start;      /* first spec index */
};

/* cmp_str - qsort comparison of C strings */
static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* join - the record texts sorted and joined by '|' into dst */
static void
join(const struct dns_answer *a, enum dns_type type, char *dst, size_t size)
{
    char **t = xcalloc(a->count, sizeof(t[0]));
    size_t off = 0;

    for (size_t i = 0; i < a->count; i++) {
        size_t n = a->rr[i].text_len + 8;

        t[i] = xmalloc(n);
        if (type == DNS_T_MX)
            (void)snprintf(t[i], n, "%u %s", (unsigned)a->rr[i].pref,
                           a->rr[i].text); /* sized to fit */
        else
            (void)snprintf(t[i], n, "%s", a->rr[i].text); /* fits */
    }
    qsort(t, a->count, sizeof(t[0]), cmp_str);
    dst[0] = '\0';
    for (size_t i = 0; i < a->count; i++) {
        int w = snprintf(dst + off, size - off, "%s%s", i ? "|" : "", t[i]);

        if (w > 0 && (size_t)w < size - off)
            off += (size_t)w;
        free(t[i]);
    }
    free(t);
}

/* check_one - resolve one spec; true when it gave what was expected */
static bool
check_one(struct dns_resolver *r, const struct spec *s)
{
    char got[DNS_THREADS_MAX_TEXT];
    struct dns_answer *a;
    enum dns_status st = dns_query(r, s->name, s->type, &a);

    if (st == DNS_OK) {
        join(a, s->type, got, sizeof(got));
        dns_answer_free(a);
    } else {
        (void)snprintf(got, sizeof(got), "%s", dns_status_str(st)); /* fits */
    }
    if (strcmp(got, s->expect) == 0)
        return true;
    fprintf(stderr, "mismatch: %s: got \"%s\", expected \"%s\"\n", s->name, got,
            s->expect);
    return false;
}

/* work - one thread: every spec, iter times */
static void *
work(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->sh;

    for (size_t i = 0; i < sh->iter; i++) {
        for (size_t k = 0; k < sh->nspecs; k++) {
            const struct spec *s = &sh->specs[(w->start + k) % sh->nspecs];

            if (!check_one(sh->r, s))
                atomic_fetch_add(&sh->mismatches, 1);
            atomic_fetch_add(&sh->lookups, 1);
        }
    }
    return NULL;
}

/* parse_spec - TYPE:NAME=EXPECT into *s */
static int
parse_spec(char *arg, struct spec *s)
{
    static const struct {
        const char *name;   /* type name */
        enum dns_type type; /* its code */
    } types[] = { { "a", DNS_T_A },
                  { "aaaa", DNS_T_AAAA },
                  { "mx", DNS_T_MX },
                  { "ptr", DNS_T_PTR },
                  { "txt", DNS_T_TXT } };
    struct str a = str_cstr(arg);
    size_t colon = str_chr(a, ':');
    size_t eq = str_chr(a, '=');

    if (colon == a.len || eq == a.len || eq < colon)
        return -1;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (str_caseeq_cstr(str_make(arg, colon), types[i].name)) {
            s->type = types[i].type;
            s->name = xstrndup(arg + colon + 1, eq - colon - 1);
            s->expect = arg + eq + 1;
            return 0;
        }
    }
    return -1;
}

/* parse_opts - options into o and sh; index of the first spec or -1 */
static int
parse_opts(int argc, char **argv, struct dns_options *o, size_t *nthreads,
           struct shared *sh)
{
    int i;
    uint64_t v;
    const char *why;

    for (i = 1; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--ns") == 0) {
            o->nameservers = argv[i + 1];
            continue;
        }
        if (num_parse_u64(str_cstr(argv[i + 1]), 0, 1000000, &v, &why) != 0)
            return -1;
        if (strcmp(argv[i], "--threads") == 0 && v >= 1 && v <= DNS_THREADS_MAX)
            *nthreads = (size_t)v;
        else if (strcmp(argv[i], "--iter") == 0)
            sh->iter = (size_t)v;
        else if (strcmp(argv[i], "--cache") == 0)
            o->cache_max = (size_t)v;
        else
            return -1;
    }
    return i < argc ? i : -1;
}

int
main(int argc, char **argv)
{
    struct dns_options o = { NULL, 2, 0 };
    struct shared sh = { NULL, NULL, 0, 100, 0, 0 };
    struct worker w[DNS_THREADS_MAX];
    pthread_t tid[DNS_THREADS_MAX];
    size_t nthreads = 8;
    const char *why;
    int first = parse_opts(argc, argv, &o, &nthreads, &sh);

    if (first < 0 || log_open("dns_threads", NULL, true) != 0) {
        fprintf(stderr, "usage: dns_threads [--ns LIST] [--threads N] "
                        "[--iter N] [--cache N] TYPE:NAME=EXPECT ...\n");
        return EX_USAGE;
    }
    sh.nspecs = (size_t)(argc - first);
    sh.specs = xcalloc(sh.nspecs, sizeof(sh.specs[0]));
    for (size_t i = 0; i < sh.nspecs; i++) {
        if (parse_spec(argv[first + (int)i], &sh.specs[i]) != 0) {
            fprintf(stderr, "dns_threads: bad spec %s\n", argv[first + (int)i]);
            return EX_USAGE;
        }
    }
    sh.r = dns_new(&o, &why);
    if (sh.r == NULL) {
        fprintf(stderr, "dns_threads: --ns: %s\n", why);
        return EX_CONFIG;
    }
    for (size_t i = 0; i < nthreads; i++) {
        w[i].sh = &sh;
        w[i].start = i;
        if (pthread_create(&tid[i], NULL, work, &w[i]) != 0)
            return EX_OSERR;
    }
    for (size_t i = 0; i < nthreads; i++)
        (void)pthread_join(tid[i], NULL); /* joinable threads of ours */
    printf("lookups=%zu mismatches=%zu sent=%llu\n", atomic_load(&sh.lookups),
           atomic_load(&sh.mismatches),
           (unsigned long long)dns_queries_sent(sh.r));
    dns_free(sh.r);
    for (size_t i = 0; i < sh.nspecs; i++)
        free(sh.specs[i].name);
    free(sh.specs);
    return atomic_load(&sh.mismatches) == 0 ? 0 : 1;
}
