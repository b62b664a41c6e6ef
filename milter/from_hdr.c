/*
 * from_hdr - RFC 5322 From field parser: the author domains.
 *
 * A lexer turns the value into words (atoms, quoted strings, RFC 2047
 * encoded words), domain literals and specials, skipping CFWS; a loop
 * without recursion reads the address-list: mailboxes (addr-spec or
 * name-addr, obsolete routes included) and groups.  Comments and display
 * names never yield a domain, so "(bob@example.net)" and
 * "\"Bob <bob@example.net>\" <alice@example.com>" give example.com, and
 * '"x@junk.example"@example.com' gives example.com.
 *
 * It does not decode encoded words (they are display text), does not
 * evaluate domain literals ("[192.0.2.1]" has no DMARC domain: syntax),
 * and does not decide what to do with several mailboxes (the caller does,
 * RFC 7489 §6.6.1).
 *
 * STANDARDS: RFC 5322 §3.4 (address-list, group, mailbox), §4.4 (obs-route,
 * obs-local-part, obs-domain, obs-phrase), RFC 6532 (UTF-8 in atext),
 * RFC 2047 §2 and §5 (encoded words), RFC 5890 (A-labels), RFC 7489 §6.6.1.
 * Thread safety: pure; all state lives on the caller's stack.
 */
#include "milter/from_hdr.h"

#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/buf.h"
#include "common/domain.h"
#include "common/scan.h"
#include "milter/cfws.h"

/* FROM_MAX_DOMAIN_IN - raw domain bytes before IDN conversion: a U-label
 * name may take up to four UTF-8 bytes per character of its A-label. */
#define FROM_MAX_DOMAIN_IN 1024

/* kinds of lexical token */
enum tok_kind {
    TOK_EOF,     /* end of the value */
    TOK_WORD,    /* atom, quoted string or encoded word */
    TOK_LITERAL, /* domain literal [...] */
    TOK_SPECIAL  /* one of < > @ , ; : . */
};

/* one lexical token */
struct tok {
    enum tok_kind kind; /* what it is */
    char c;             /* the special, for TOK_SPECIAL */
    struct str s;       /* the text, for TOK_WORD (quotes excluded) */
    bool is_atom;       /* TOK_WORD that is a plain atom */
};

/* parser state */
struct fp {
    struct scan sc;          /* the cursor */
    struct from_result *out; /* the result being filled */
    bool in_group;           /* inside "name: ... ;" */
    bool is_limit;           /* the failure was FROM_MAX_ADDRS */
    const char *why;         /* reason for the last failure */
};

/* is_atext - RFC 5322 atext, plus bytes >= 0x80 (RFC 6532) */
static bool
is_atext(char c)
{
    if ((unsigned char)c >= 0x80 || ascii_is_alnum(c))
        return true;
    return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* is_etoken - RFC 2047 token: printable, no space, no especials */
static bool
is_etoken(char c)
{
    return ascii_is_print(c) && c != ' ' &&
           strchr("()<>@,;:\"/[]?.=", c) == NULL;
}

/* is_etext - RFC 2047 encoded-text: printable, no space, no '?' */
static bool
is_etext(char c)
{
    return ascii_is_print(c) && c != ' ' && c != '?';
}

/* lex_eword - consume "=?charset?enc?text?=" as one word, or -1 */
static int
lex_eword(struct scan *sc, struct tok *t)
{
    struct scan w = *sc;
    struct str part;

    if (scan_lit_case(&w, "=?") != 0 || scan_span1(&w, is_etoken, &part) != 0 ||
        scan_char(&w, '?') != 0 || scan_span1(&w, is_etoken, &part) != 0 ||
        scan_char(&w, '?') != 0)
        return -1;
    (void)scan_span(&w, is_etext, &part); /* empty text is allowed */
    if (scan_lit_case(&w, "?=") != 0 || (size_t)(w.p - sc->p) > FROM_MAX_EWORD)
        return -1;
    t->kind = TOK_WORD;
    t->s = str_make(sc->p, (size_t)(w.p - sc->p));
    t->is_atom = false;
    sc->p = w.p;
    return 0;
}

/* lex_literal - consume a domain literal "[...]" */
static int
lex_literal(struct fp *st, struct tok *t)
{
    struct str body;

    st->sc.p++; /* the '[' the caller saw */
    (void)scan_until(&st->sc, ']', &body);
    if (scan_char(&st->sc, ']') != 0) {
        st->why = "unterminated domain literal";
        return -1;
    }
    t->kind = TOK_LITERAL;
    t->s = body;
    return 0;
}

/* lex - the next token after CFWS; -1 with st->why on a lexical error */
static int
lex(struct fp *st, struct tok *t)
{
    char c;

    memset(t, 0, sizeof(*t));
    if (cfws_skip(&st->sc, &st->why) != 0)
        return -1;
    if (scan_eof(&st->sc)) {
        t->kind = TOK_EOF;
        return 0;
    }
    c = scan_peek(&st->sc);
    if (c == '"') {
        t->kind = TOK_WORD;
        return cfws_quoted(&st->sc, &t->s, &st->why);
    }
    if (c == '[')
        return lex_literal(st, t);
    if (c != '\0' && strchr("<>@,;:.", c) != NULL) {
        st->sc.p++;
        t->kind = TOK_SPECIAL;
        t->c = c;
        return 0;
    }
    if (c == '=' && lex_eword(&st->sc, t) == 0)
        return 0;
    if (scan_span1(&st->sc, is_atext, &t->s) == 0) {
        t->kind = TOK_WORD;
        t->is_atom = true;
        return 0;
    }
    st->why = c == '\0' ? "NUL byte" : "invalid character";
    return -1;
}

/* is_special - t is the special c */
static bool
is_special(const struct tok *t, char c)
{
    return t->kind == TOK_SPECIAL && t->c == c;
}

/* peek_special - consume the special c if it is the next token */
static bool
peek_special(struct fp *st, char c)
{
    struct scan save = st->sc;
    struct tok t;

    if (lex(st, &t) == 0 && is_special(&t, c))
        return true;
    st->sc = save;
    return false;
}

/* normalise - raw (no trailing dot) to its normal form in dst
 * (FROM_MAX_DOMAIN + 1 bytes): the one domain grammar of the suite,
 * common/domain.c (lower case, A-labels, host-name labels) */
static int
normalise(const char *raw, size_t len, char *dst, const char **why)
{
    return domain_normalize(str_make(raw, len), 0, dst, why) == DOMAIN_OK ? 0
                                                                          : -1;
}

/* next_is_atom - the next token is a plain atom (cursor unchanged) */
static bool
next_is_atom(struct fp *st)
{
    struct scan save = st->sc;
    struct tok t;
    bool yes = lex(st, &t) == 0 && t.kind == TOK_WORD && t.is_atom;

    st->sc = save;
    return yes;
}

/* parse_domain - the domain after '@' (dot-atom or obs-domain; one
 * trailing dot tolerated) normalised into dst */
static int
parse_domain(struct fp *st, char *dst)
{
    char raw[FROM_MAX_DOMAIN_IN + 1];
    size_t len = 0;
    struct tok t;

    for (;;) {
        if (lex(st, &t) != 0)
            return -1;
        if (t.kind == TOK_LITERAL) {
            st->why = "domain literal has no domain name";
            return -1;
        }
        if (t.kind != TOK_WORD || !t.is_atom) {
            st->why = len == 0 ? "missing domain" : "invalid domain";
            return -1;
        }
        if (len + t.s.len + 1 > FROM_MAX_DOMAIN_IN) {
            st->why = "domain too long";
            return -1;
        }
        memcpy(raw + len, t.s.p, t.s.len);
        len += t.s.len;
        /* leniency: a trailing dot (fully qualified name) is dropped */
        if (!peek_special(st, '.') || !next_is_atom(st))
            break;
        raw[len++] = '.';
    }
    raw[len] = '\0';
    return normalise(raw, len, dst, &st->why);
}

/* words and dots read before the special that says what they were */
struct phrase {
    size_t n_words;   /* words read */
    bool is_adjacent; /* two words met with no dot between them */
    bool is_dot_last; /* the last item was a dot */
};

/* read_phrase - from the token in *t, read words and dots; *t becomes the
 * first token that is neither */
static int
read_phrase(struct fp *st, struct tok *t, struct phrase *ph)
{
    memset(ph, 0, sizeof(*ph));
    for (;;) {
        if (t->kind == TOK_WORD) {
            if (ph->n_words > 0 && !ph->is_dot_last)
                ph->is_adjacent = true;
            ph->n_words++;
            ph->is_dot_last = false;
        } else if (is_special(t, '.')) {
            ph->is_dot_last = true;
        } else {
            return 0;
        }
        if (lex(st, t) != 0)
            return -1;
    }
}

/* add_mailbox - count a mailbox and record its domain once */
static int
add_mailbox(struct fp *st, const char *domain)
{
    struct from_result *r = st->out;

    if (r->n_mailboxes >= FROM_MAX_ADDRS) {
        st->why = "too many addresses";
        st->is_limit = true;
        return -1;
    }
    r->n_mailboxes++;
    for (size_t i = 0; i < r->n_domains; i++) {
        if (strcmp(r->domains[i], domain) == 0)
            return 0;
    }
    memcpy(r->domains[r->n_domains++], domain, strlen(domain) + 1);
    return 0;
}

/* finish_addr_spec - the phrase ph was ended by *t: when that is '@',
 * ph is the local part and a domain follows; the mailbox is added */
static int
finish_addr_spec(struct fp *st, const struct tok *t, const struct phrase *ph)
{
    char domain[FROM_MAX_DOMAIN + 1];

    if (!is_special(t, '@')) {
        st->why =
            ph->n_words > 0 ? "address without a domain" : "address expected";
        return -1;
    }
    /* leniency: obsolete dots (a..b, .a, a.) in the local part are kept;
     * only words with nothing between them are ambiguous */
    if (ph->n_words == 0 || ph->is_adjacent) {
        st->why = "invalid local part";
        return -1;
    }
    if (parse_domain(st, domain) != 0)
        return -1;
    return add_mailbox(st, domain);
}

/* skip_route - an obs-route "@a,@b:" inside angle brackets ('@' read) */
static int
skip_route(struct fp *st)
{
    struct tok t;

    for (;;) {
        if (lex(st, &t) != 0)
            return -1;
        if (is_special(&t, ':'))
            return 0;
        if (t.kind != TOK_WORD && !is_special(&t, '.') &&
            !is_special(&t, '@') && !is_special(&t, ',')) {
            st->why = "invalid route";
            return -1;
        }
    }
}

/* angle_addr - "<" [obs-route] addr-spec ">" with '<' already read */
static int
angle_addr(struct fp *st)
{
    struct phrase ph;
    struct tok t;

    if (lex(st, &t) != 0)
        return -1;
    if (is_special(&t, '>')) {
        st->why = "empty address";
        return -1;
    }
    if (is_special(&t, '@') && (skip_route(st) != 0 || lex(st, &t) != 0))
        return -1;
    if (read_phrase(st, &t, &ph) != 0 || finish_addr_spec(st, &t, &ph) != 0)
        return -1;
    if (lex(st, &t) != 0)
        return -1;
    if (!is_special(&t, '>')) {
        st->why = "unterminated angle address";
        return -1;
    }
    return 0;
}

/* address - a mailbox, or the start of a group, from the token in *t;
 * *is_mailbox says which */
static int
address(struct fp *st, struct tok *t, bool *is_mailbox)
{
    struct phrase ph;

    *is_mailbox = true;
    if (read_phrase(st, t, &ph) != 0)
        return -1;
    if (is_special(t, '<'))
        return angle_addr(st);
    if (is_special(t, ':')) {
        if (st->in_group) {
            st->why = "group inside a group";
            return -1;
        }
        if (ph.n_words == 0) {
            st->why = "group without a name";
            return -1;
        }
        st->in_group = true;
        st->out->n_groups++;
        *is_mailbox = false;
        return 0;
    }
    return finish_addr_spec(st, t, &ph);
}

/* separator - after a mailbox or a group end: ',' ends the address, ';'
 * ends the group; *is_done at the end of the value */
static int
separator(struct fp *st, bool *need_sep, bool *is_done)
{
    struct tok t;

    if (lex(st, &t) != 0)
        return -1;
    if (t.kind == TOK_EOF) {
        *is_done = true;
        return 0;
    }
    if (is_special(&t, ',')) {
        *need_sep = false;
        return 0;
    }
    if (is_special(&t, ';') && st->in_group) {
        st->in_group = false;
        return 0;
    }
    st->why = "unexpected text after an address";
    return -1;
}

/* address_list - the whole value: addresses separated by ',' */
static int
address_list(struct fp *st)
{
    bool need_sep = false;
    bool is_done = false;
    bool is_mailbox;
    struct tok t;

    while (!is_done) {
        if (need_sep) {
            if (separator(st, &need_sep, &is_done) != 0)
                return -1;
            continue;
        }
        if (lex(st, &t) != 0)
            return -1;
        if (t.kind == TOK_EOF)
            break;
        if (is_special(&t, ','))
            continue; /* RFC 5322 §4.4: obs-addr-list allows empty items */
        if (is_special(&t, ';') && st->in_group) {
            st->in_group = false;
            need_sep = true;
            continue;
        }
        if (address(st, &t, &is_mailbox) != 0)
            return -1;
        need_sep = is_mailbox;
    }
    if (st->in_group) {
        st->why = "unterminated group";
        return -1;
    }
    return 0;
}

enum from_status
from_parse(struct str value, struct from_result *out, const char **why)
{
    struct fp st;
    const char *dummy;

    if (why == NULL)
        why = &dummy;
    memset(out, 0, sizeof(*out));
    if (value.len > FROM_MAX_LEN) {
        *why = "header too long";
        return FROM_LIMIT;
    }
    memset(&st, 0, sizeof(st));
    st.sc = scan_init(value);
    st.out = out;
    if (address_list(&st) != 0) {
        memset(out, 0, sizeof(*out));
        *why = st.why;
        return st.is_limit ? FROM_LIMIT : FROM_SYNTAX;
    }
    if (out->n_mailboxes == 0) {
        *why = out->n_groups > 0 ? "empty group" : "no address";
        return FROM_NONE;
    }
    out->is_same_domain = out->n_domains == 1;
    *why = NULL;
    return FROM_OK;
}

const char *
from_status_name(enum from_status st)
{
    switch (st) {
    case FROM_OK:
        return "ok";
    case FROM_NONE:
        return "none";
    case FROM_SYNTAX:
        return "syntax";
    case FROM_LIMIT:
        return "limit";
    }
    return "?";
}
