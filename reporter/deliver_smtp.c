/*
 * deliver_smtp - hand a finished message to an SMTP server with libcurl.
 *
 * One curl easy handle per message: MAIL FROM, one RCPT TO per
 * recipient, DATA from memory (curl dot-stuffs it), QUIT.  Only the smtp
 * and smtps protocols are allowed, so a configured URL cannot make the
 * reporter speak anything else.  It does not queue or retry: the caller
 * records the outcome and tries again on a later run.
 *
 * STANDARDS: RFC 5321 (SMTP, reply codes 4xx/5xx), RFC 3207 (STARTTLS),
 * RFC 4954 (AUTH), RFC 8314 (implicit TLS, smtps); RFC 7489 section 7.2.1
 * (secure transport).
 *
 * Ownership: the handle and recipient list are freed before returning.
 * Thread safety: thread-safe after curl_global_init().
 */
#include "reporter/deliver_smtp.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

/* DELIVER_SMTP_ADDR_SIZE - "<" address ">" NUL */
#define DELIVER_SMTP_ADDR_SIZE (DELIVER_MAX_ADDR + 3)

/* the message being uploaded */
struct upload {
    const char *p; /* next byte */
    size_t left;   /* bytes left */
};

/* read_cb - CURLOPT_READFUNCTION: the next piece of the message */
static size_t
read_cb(char *out, size_t size, size_t nmemb, void *arg)
{
    struct upload *u = arg;
    size_t n = size * nmemb;

    if (n > u->left)
        n = u->left;
    memcpy(out, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

/* rcpt_list - "<addr>" for every recipient, or NULL when one is refused */
static struct curl_slist *
rcpt_list(const struct deliver_envelope *env)
{
    struct curl_slist *l = NULL;
    char a[DELIVER_SMTP_ADDR_SIZE];

    for (size_t i = 0; i < env->rcpt_count; i++) {
        struct curl_slist *n;

        if (!deliver_addr_ok(env->rcpt[i]))
            goto fail;
        (void)snprintf(a, sizeof(a), "<%s>", env->rcpt[i]); /* fits */
        n = curl_slist_append(l, a);
        if (n == NULL)
            goto fail;
        l = n;
    }
    return l;
fail:
    curl_slist_free_all(l);
    return NULL;
}

/* set_opts - every option of the transfer; 0, or -1 when curl refuses */
static int
set_opts(CURL *c, const struct deliver_smtp *o, const char *from,
         struct curl_slist *rcpt, struct upload *u)
{
    static const curl_usessl use[] = { CURLUSESSL_TRY, CURLUSESSL_ALL,
                                       CURLUSESSL_NONE };
    long timeout = (long)(o->timeout_s ? o->timeout_s : 120);
    bool has_auth = o->user != NULL && o->user[0] != '\0';
    curl_usessl tls = use[o->tls];

    if (has_auth && o->tls == DELIVER_SMTP_TLS_TRY)
        tls = CURLUSESSL_ALL; /* never credentials over a stripped link */

    if (curl_easy_setopt(c, CURLOPT_URL, o->url) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps") != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_USE_SSL, tls) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_MAIL_FROM, from) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_READDATA, u) != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->left) !=
            CURLE_OK)
        return -1;
    if (o->is_insecure &&
        (curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L) != CURLE_OK ||
         curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L) != CURLE_OK))
        return -1;
    if (has_auth &&
        (curl_easy_setopt(c, CURLOPT_USERNAME, o->user) != CURLE_OK ||
         curl_easy_setopt(c, CURLOPT_PASSWORD,
                          o->password ? o->password : "") != CURLE_OK))
        return -1;
    return 0;
}

/* classify - the status for curl's result and the last reply code */
static enum deliver_status
classify(CURLcode rc, long code, const char **why)
{
    if (rc == CURLE_OK) {
        *why = "sent";
        return DELIVER_SENT;
    }
    if (code >= 500 && code < 600) {
        *why = "SMTP server refused (5xx)";
        return DELIVER_PERMFAIL;
    }
    if (code >= 400 && code < 500) {
        *why = "SMTP server: temporary failure (4xx)";
        return DELIVER_TEMPFAIL;
    }
    if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT ||
        rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED) {
        *why = "SMTP configuration refused (URL, TLS or AUTH)";
        return DELIVER_PERMFAIL;
    }
    *why = "SMTP connection failed";
    return DELIVER_TEMPFAIL;
}

enum deliver_status
deliver_smtp_send(const struct deliver_smtp *o,
                  const struct deliver_envelope *env, const char *msg,
                  size_t msg_len, const char **why)
{
    char from[DELIVER_SMTP_ADDR_SIZE];
    struct upload u = { msg, msg_len };
    struct curl_slist *rcpt = NULL;
    enum deliver_status st = DELIVER_BADADDR;
    long code = 0;
    CURLcode rc;
    CURL *c = NULL;

    *why = "envelope address refused";
    if (env->rcpt_count == 0 || env->rcpt_count > DELIVER_MAX_RCPTS ||
        !deliver_addr_ok(env->sender))
        goto out;
    rcpt = rcpt_list(env);
    if (rcpt == NULL)
        goto out;
    (void)snprintf(from, sizeof(from), "<%s>", env->sender); /* fits */
    c = curl_easy_init();
    st = DELIVER_TEMPFAIL;
    *why = "cannot set up libcurl";
    if (c == NULL || set_opts(c, o, from, rcpt, &u) < 0)
        goto out;
    rc = curl_easy_perform(c);
    (void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code); /* 0 */
    st = classify(rc, code, why);
    if (st != DELIVER_SENT)
        log_warn("deliver: smtp url=%s code=%ld error=\"%s\"", o->url, code,
                 curl_easy_strerror(rc));
out:
    curl_easy_cleanup(c);
    curl_slist_free_all(rcpt);
    return st;
}
