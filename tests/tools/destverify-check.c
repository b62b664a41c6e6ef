/*
 * destverify-check - run the RFC 7489 section 7.1 check against a real
 * name server, for the integration tests.
 *
 * Usage: destverify-check NAMESERVER POLICY-DOMAIN DESTINATION-HOST
 * Prints "STATUS external=yes|no record=RECORD" (record "-" when none)
 * and exits 0; 69 (EX_UNAVAILABLE) when the resolver or the public suffix
 * list cannot be set up.
 *
 * STANDARDS: RFC 7489 section 7.1.
 * Thread safety: a single-threaded program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "common/destverify.h"
#include "common/destverify_dns.h"
#include "common/log.h"

int
main(int argc, char **argv)
{
    struct dns_options o = { NULL, 5, 0 };
    struct dns_resolver *r;
    struct orgdomain *od;
    struct destverify_dns d;
    struct destverify_ops ops;
    enum destverify_status st;
    bool is_external = false;
    char *record = NULL;
    const char *why = NULL;

    if (argc != 4) {
        fprintf(stderr, "usage: destverify-check NS POLICY HOST\n");
        return EX_USAGE;
    }
    log_set_level(LOG_LEVEL_WARN);
    o.nameservers = argv[1];
    r = dns_new(&o, &why);
    od = orgdomain_new(NULL);
    if (r == NULL || od == NULL) {
        fprintf(stderr, "destverify-check: setup failed\n");
        dns_free(r);
        orgdomain_free(od);
        return EX_UNAVAILABLE;
    }
    destverify_dns_init(&d, r, od);
    ops = destverify_dns_ops(&d);
    st = destverify_check(&ops, argv[2], argv[3], &is_external, &record, &why);
    printf("%s external=%s record=%s\n", destverify_status_str(st),
           is_external ? "yes" : "no", record != NULL ? record : "-");
    free(record);
    destverify_dns_release(&d);
    orgdomain_free(od);
    dns_free(r);
    return EX_OK;
}
