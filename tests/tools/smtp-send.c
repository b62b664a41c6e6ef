/*
 * smtp-send - send a file through deliver_smtp_send, for the integration
 * tests.
 *
 * Usage: smtp-send URL none|try|require USER PASSWORD SENDER RCPT FILE
 * (USER "-" for no AUTH).  Prints the delivery status ("sent",
 * "tempfail", "permfail", "badaddr") and exits 0; EX_USAGE or EX_NOINPUT
 * on bad arguments.
 *
 * STANDARDS: RFC 5321.
 * Thread safety: a single-threaded program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <curl/curl.h>

#include "common/buf.h"
#include "reporter/deliver_smtp.h"

/* slurp - the file at path into b */
static int
slurp(const char *path, struct buf *b)
{
    FILE *f = fopen(path, "rb");
    char chunk[4096];
    size_t n;

    if (f == NULL)
        return -1;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf_append(b, chunk, n) < 0) {
            (void)fclose(f); /* read-only */
            return -1;
        }
    }
    (void)fclose(f); /* read-only */
    return 0;
}

int
main(int argc, char **argv)
{
    static const char *const tls[] = { "try", "require", "none" };
    struct deliver_smtp o = {
        NULL, DELIVER_SMTP_TLS_TRY, NULL, NULL, true, 20
    };
    struct deliver_envelope env;
    const char *rcpt[1];
    const char *why = NULL;
    enum deliver_status st;
    struct buf b;
    bool is_tls_ok = false;

    if (argc != 8) {
        fprintf(stderr, "usage: smtp-send URL TLS USER PASS FROM TO FILE\n");
        return EX_USAGE;
    }
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(argv[2], tls[i]) == 0) {
            o.tls = (enum deliver_smtp_tls)i;
            is_tls_ok = true;
        }
    }
    buf_init(&b, (size_t)64 << 20);
    if (!is_tls_ok || slurp(argv[7], &b) < 0) {
        fprintf(stderr, "smtp-send: bad TLS mode or unreadable file\n");
        return EX_NOINPUT;
    }
    o.url = argv[1];
    o.user = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
    o.password = argv[4];
    rcpt[0] = argv[6];
    env = (struct deliver_envelope){ argv[5], rcpt, 1 };
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return EX_SOFTWARE;
    st = deliver_smtp_send(&o, &env, b.data ? b.data : "", b.len, &why);
    printf("%s\n", deliver_status_str(st));
    buf_free(&b);
    curl_global_cleanup();
    return EX_OK;
}
