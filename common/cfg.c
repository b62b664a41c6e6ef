/*
 * cfg - the configuration file: OpenDMARC's syntax, one declared table.
 *
 * Reads "Name value" lines as opendmarc.conf(5) defines them: the name and
 * the value are separated by white space, names are case-insensitive, '#'
 * starts a comment anywhere on a line (as in OpenDMARC; no value needs a
 * '#'), blank lines and trailing white space are ignored, and a value may
 * contain spaces.  Each value is checked against its row of cfg_table
 * (cfg_table.c).  Every problem of a file is reported in one run as
 * "file:line: key: reason"; a line longer than CFG_MAX_LINE or holding a
 * control character is an error, never cut or skipped silently.
 *
 * It does not expand "HOSTNAME" in AuthservID or TrustedAuthservIDs, open
 * the files that path keys name, or split ReportCommand into words: the
 * tools that use a key do that.  It has no include directive and no
 * reload: a tool builds one struct cfg at startup.
 *
 * Deliberate leniencies: a CR before the newline is dropped (files edited
 * on Windows); a quoted value is kept quotes and all, as OpenDMARC does,
 * but draws a warning.
 *
 * STANDARDS: none (opendmarc.conf(5) of OpenDMARC 1.4.2 is the target).
 * Ownership: a struct cfg owns every value it holds; accessors lend them.
 * Thread safety: build and load before threads start; afterwards the
 * accessors only read and are thread-safe.
 */
#include "common/cfg.h"

#include <assert.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ascii.h"
#include "common/cfg_table.h"
#include "common/num.h"
#include "common/str.h"
#include "common/xalloc.h"

/* CFG_MAX_SUGGEST - names longer than this get no "did you mean": every
 * key name is shorter, and the bound keeps the edit distance cheap. */
#define CFG_MAX_SUGGEST 40

/* the value of one key */
struct cfg_val {
    char *text;     /* value as text (owned), NULL when none */
    uint64_t num;   /* bool (0 or 1), uint, duration in seconds, octal */
    char **items;   /* list items (owned), n_items of them */
    size_t n_items; /* number of list items */
    bool is_set;    /* given by a file or cfg_set, not the default */
};

struct cfg {
    struct cfg_val val[CFG_KEY_COUNT]; /* every key, by enum cfg_key */
};

/* where a load is, for messages */
struct cfg_pos {
    const char *file;           /* file name as given */
    size_t line;                /* line number, from 1 */
    size_t seen[CFG_KEY_COUNT]; /* line that set each key, 0: not yet */
};

/* cfg_val_clear - free what v owns and make it empty */
static void
cfg_val_clear(struct cfg_val *v)
{
    free(v->text);
    for (size_t i = 0; i < v->n_items; i++)
        free(v->items[i]);
    free(v->items);
    *v = (struct cfg_val){ 0 };
}

/* cfg_parse_bool - the words opendmarc.conf(5) users write, any case */
static const char *
cfg_parse_bool(struct str s, uint64_t *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };

    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (str_caseeq_cstr(s, yes[i])) {
            *out = 1;
            return NULL;
        }
        if (str_caseeq_cstr(s, no[i])) {
            *out = 0;
            return NULL;
        }
    }
    return "not a boolean";
}

/* cfg_parse_octal - UMask: octal digits, value in [min, max] */
static const char *
cfg_parse_octal(const struct cfg_param *p, struct str s, uint64_t *out)
{
    uint64_t v = 0;

    if (s.len == 0)
        return "empty";
    for (size_t i = 0; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '7')
            return "not an octal number";
        v = v * 8 + (uint64_t)(s.p[i] - '0');
        if (v > p->max)
            return "out of range";
    }
    if (v < p->min)
        return "out of range";
    *out = v;
    return NULL;
}

/* cfg_parse_duration - seconds, or a number with s, m, h or d (any case) */
static const char *
cfg_parse_duration(const struct cfg_param *p, struct str s, uint64_t *out)
{
    uint64_t mult = 1;
    uint64_t v;
    const char *why = "not a duration";

    if (s.len > 0 && !ascii_is_digit(s.p[s.len - 1])) {
        switch (ascii_lower(s.p[s.len - 1])) {
        case 's':
            mult = 1;
            break;
        case 'm':
            mult = 60;
            break;
        case 'h':
            mult = 3600;
            break;
        case 'd':
            mult = 86400;
            break;
        default:
            return "not a duration";
        }
        s.len--;
    }
    if (num_parse_u64(s, 0, p->max / mult, &v, &why) < 0)
        return strcmp(why, "out of range") == 0 ? why : "not a duration";
    if (v * mult < p->min)
        return "out of range";
    *out = v * mult;
    return NULL;
}

/* cfg_parse_list - comma-separated items, trimmed, empty ones dropped */
static const char *
cfg_parse_list(struct str s, struct cfg_val *v)
{
    size_t i = 0;

    while (i <= s.len) {
        struct str rest = str_make(s.p + i, s.len - i);
        size_t n = str_chr(rest, ',');
        struct str item = str_trim(str_make(rest.p, n));

        if (item.len > 0) {
            /* capacity doubles whenever n_items reaches a power of two */
            if ((v->n_items & (v->n_items - 1)) == 0)
                v->items = xreallocarray(v->items,
                                         v->n_items == 0 ? 1 : 2 * v->n_items,
                                         sizeof(v->items[0]));
            v->items[v->n_items++] = xmemdup0(item.p, item.len);
        }
        i += n + 1;
    }
    return v->n_items > 0 ? NULL : "empty list";
}

/* cfg_parse_enum - one of the row's words, any case; keeps the table's */
static const char *
cfg_parse_enum(const struct cfg_param *p, struct str s, struct cfg_val *v)
{
    for (size_t i = 0; p->words[i] != NULL; i++) {
        if (str_caseeq_cstr(s, p->words[i])) {
            v->text = xstrdup(p->words[i]);
            return NULL;
        }
    }
    return "not an allowed word";
}

/* cfg_parse_typed - check s against p's type into v (text already set) */
static const char *
cfg_parse_typed(const struct cfg_param *p, struct str s, struct cfg_val *v)
{
    const char *why = NULL;

    switch (p->type) {
    case CFG_T_STRING:
    case CFG_T_PATH:
        break;
    case CFG_T_BOOL:
        return cfg_parse_bool(s, &v->num);
    case CFG_T_UINT:
        if ((p->flags & CFG_F_OCTAL) != 0)
            return cfg_parse_octal(p, s, &v->num);
        if (num_parse_u64(s, p->min, p->max, &v->num, &why) < 0)
            return why;
        break;
    case CFG_T_DURATION:
        return cfg_parse_duration(p, s, &v->num);
    case CFG_T_ENUM:
        return cfg_parse_enum(p, s, v);
    case CFG_T_LIST:
        return cfg_parse_list(s, v);
    }
    return NULL;
}

/* cfg_parse - the value s of key k into *out (cleared on failure) */
static const char *
cfg_parse(enum cfg_key k, struct str s, struct cfg_val *out)
{
    const struct cfg_param *p = &cfg_table[k];
    const char *why;

    *out = (struct cfg_val){ 0 };
    s = str_trim(s);
    if (s.len == 0)
        return "missing value";
    for (size_t i = 0; i < s.len; i++) {
        if (ascii_is_ctl(s.p[i]) && s.p[i] != '\t')
            return "control character in value";
    }
    why = cfg_parse_typed(p, s, out);
    if (why == NULL && p->check != NULL)
        why = p->check(s);
    if (why != NULL) {
        cfg_val_clear(out);
        return why;
    }
    if (out->text == NULL)
        out->text = xmemdup0(s.p, s.len);
    return NULL;
}

/* cfg_assign - replace key k's value by *nv, taking ownership */
static void
cfg_assign(struct cfg *c, enum cfg_key k, const struct cfg_val *nv, bool is_set)
{
    cfg_val_clear(&c->val[k]);
    c->val[k] = *nv;
    c->val[k].is_set = is_set;
}

struct cfg *
cfg_new(void)
{
    struct cfg *c = xcalloc(1, sizeof(*c));

    for (size_t k = 0; k < CFG_KEY_COUNT; k++) {
        const struct cfg_param *p = &cfg_table[k];
        struct cfg_val nv;
        const char *why;

        assert(p->name != NULL);
        if (p->def == NULL)
            continue;
        why = cfg_parse((enum cfg_key)k, str_cstr(p->def), &nv);
        if (why != NULL)
            log_panic("cfg: default of %s: %s", p->name, why);
        cfg_assign(c, (enum cfg_key)k, &nv, false);
    }
    return c;
}

void
cfg_free(struct cfg *c)
{
    if (c == NULL)
        return;
    for (size_t k = 0; k < CFG_KEY_COUNT; k++)
        cfg_val_clear(&c->val[k]);
    free(c);
}

int
cfg_set(struct cfg *c, enum cfg_key k, const char *value, const char **why)
{
    struct cfg_val nv;
    const char *reason;

    assert(k < CFG_KEY_COUNT);
    reason = cfg_parse(k, str_cstr(value), &nv);
    if (reason != NULL) {
        if (why != NULL)
            *why = reason;
        return -1;
    }
    cfg_assign(c, k, &nv, true);
    return 0;
}

/* cfg_distance - Levenshtein distance of a[0..a_len) and b ignoring ASCII
 * case; both at most CFG_MAX_SUGGEST bytes */
static size_t
cfg_distance(const char *a, size_t a_len, const char *b)
{
    size_t b_len = strlen(b);
    size_t prev[CFG_MAX_SUGGEST + 1];
    size_t cur[CFG_MAX_SUGGEST + 1];

    assert(a_len <= CFG_MAX_SUGGEST && b_len <= CFG_MAX_SUGGEST);
    for (size_t j = 0; j <= b_len; j++)
        prev[j] = j;
    for (size_t i = 1; i <= a_len; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= b_len; j++) {
            size_t sub =
                prev[j - 1] + (ascii_lower(a[i - 1]) != ascii_lower(b[j - 1]));
            size_t del = prev[j] + 1;
            size_t ins = cur[j - 1] + 1;

            cur[j] = sub < del ? sub : del;
            if (ins < cur[j])
                cur[j] = ins;
        }
        memcpy(prev, cur, (b_len + 1) * sizeof(prev[0]));
    }
    return prev[b_len];
}

/* cfg_suggest - the key nearest to name (edit distance at most 2), or
 * NULL */
static const char *
cfg_suggest(struct str name)
{
    const char *best = NULL;
    size_t best_d = 3;

    if (name.len > CFG_MAX_SUGGEST)
        return NULL;
    for (size_t k = 0; k < CFG_KEY_COUNT; k++) {
        size_t k_len = strlen(cfg_table[k].name);
        size_t d;

        /* the distance is at least the length difference */
        if (k_len > name.len + 2 || name.len > k_len + 2)
            continue;
        d = cfg_distance(name.p, name.len, cfg_table[k].name);

        if (d < best_d) {
            best_d = d;
            best = cfg_table[k].name;
        }
    }
    return best;
}

/* cfg_unknown - report an unknown key name, with a suggestion */
static void
cfg_unknown(const struct cfg_pos *pos, struct str name)
{
    char esc[128];
    const char *near = cfg_suggest(name);

    (void)log_esc(esc, sizeof(esc), name.p, name.len);
    if (near != NULL)
        log_err("%s:%zu: %s: unknown key (did you mean %s?)", pos->file,
                pos->line, esc, near);
    else
        log_err("%s:%zu: %s: unknown key", pos->file, pos->line, esc);
}

/* cfg_bad_value - report a value key k rejected for why */
static void
cfg_bad_value(const struct cfg_pos *pos, enum cfg_key k, const char *why)
{
    const struct cfg_param *p = &cfg_table[k];

    if (p->type == CFG_T_ENUM && strcmp(why, "not an allowed word") == 0) {
        char words[CFG_MAX_DESC];

        log_err("%s:%zu: %s: %s (one of: %s)", pos->file, pos->line, p->name,
                why, cfg_words_text(p->words, words, sizeof(words)));
    } else {
        log_err("%s:%zu: %s: %s", pos->file, pos->line, p->name, why);
    }
}

/* cfg_setting - apply "name value" (comment and outer space gone);
 * returns the number of errors (0 or 1) */
static int
cfg_setting(struct cfg *c, struct cfg_pos *pos, struct str line)
{
    size_t n = 0;
    enum cfg_key k;
    struct str value;
    struct cfg_val nv;
    const char *why;

    while (n < line.len && !ascii_is_wsp(line.p[n]))
        n++;
    if (cfg_lookup(line.p, n, &k) < 0) {
        cfg_unknown(pos, str_make(line.p, n));
        return 1;
    }
    value = str_trim(str_make(line.p + n, line.len - n));
    if (pos->seen[k] != 0) {
        log_err("%s:%zu: %s: duplicate key (first set on line %zu)", pos->file,
                pos->line, cfg_table[k].name, pos->seen[k]);
        return 1;
    }
    why = cfg_parse(k, value, &nv);
    if (why != NULL) {
        cfg_bad_value(pos, k, why);
        return 1;
    }
    pos->seen[k] = pos->line;
    cfg_assign(c, k, &nv, true);
    if (value.len >= 2 && (value.p[0] == '"' || value.p[0] == '\'') &&
        value.p[value.len - 1] == value.p[0])
        log_warn("%s:%zu: %s: value is quoted; the quotes are kept as part "
                 "of it (as OpenDMARC does)",
                 pos->file, pos->line, cfg_table[k].name);
    if ((cfg_table[k].flags & CFG_F_IGNORED) != 0)
        log_warn("%s:%zu: %s: not implemented by dmarcsuite; ignored",
                 pos->file, pos->line, cfg_table[k].name);
    return 0;
}

/* cfg_line - one line without its newline; returns the number of errors */
static int
cfg_line(struct cfg *c, struct cfg_pos *pos, struct str line)
{
    if (line.len > 0 && line.p[line.len - 1] == '\r')
        line.len--; /* leniency: CRLF line ends */
    if (line.len > CFG_MAX_LINE) {
        log_err("%s:%zu: line longer than %d bytes", pos->file, pos->line,
                CFG_MAX_LINE);
        return 1;
    }
    for (size_t i = 0; i < line.len; i++) {
        if (ascii_is_ctl(line.p[i]) && line.p[i] != '\t') {
            log_err("%s:%zu: control character (byte 0x%02x) in line",
                    pos->file, pos->line, (unsigned char)line.p[i]);
            return 1;
        }
    }
    line.len = str_chr(line, '#');
    line = str_trim(line);
    if (line.len == 0)
        return 0;
    return cfg_setting(c, pos, line);
}

int
cfg_load_mem(struct cfg *c, const char *name, const char *buf, size_t len)
{
    struct cfg_pos *pos = xcalloc(1, sizeof(*pos));
    size_t errors = 0;
    size_t i = 0;

    pos->file = name;
    while (i < len) {
        struct str rest = str_make(buf + i, len - i);
        size_t n = str_chr(rest, '\n');

        pos->line++;
        errors += (size_t)cfg_line(c, pos, str_make(rest.p, n));
        i += n + 1;
    }
    free(pos);
    return errors > INT_MAX ? INT_MAX : (int)errors;
}

/* cfg_read - the whole file at path into a new buffer (caller frees);
 * NULL after logging why */
static char *
cfg_read(const char *path, size_t *len)
{
    size_t cap = 4096;
    char *buf = NULL;
    ssize_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *len = 0;
    if (fd < 0) {
        log_err_errno("%s: cannot open", path);
        return NULL;
    }
    buf = xmalloc(cap);
    while ((n = read(fd, buf + *len, cap - *len)) > 0) {
        *len += (size_t)n;
        if (*len > CFG_MAX_FILE)
            break;
        if (*len == cap) {
            cap *= 2;
            buf = xreallocarray(buf, cap, 1);
        }
    }
    if (n < 0)
        log_err_errno("%s: cannot read", path);
    else if (*len > CFG_MAX_FILE)
        log_err("%s: larger than %zu bytes", path, CFG_MAX_FILE);
    (void)close(fd); /* read-only: nothing to lose */
    if (n < 0 || *len > CFG_MAX_FILE) {
        free(buf);
        return NULL;
    }
    return buf;
}

int
cfg_load(struct cfg *c, const char *path)
{
    size_t len;
    char *buf = cfg_read(path, &len);
    int errors;

    if (buf == NULL)
        return -1;
    errors = cfg_load_mem(c, path, buf, len);
    free(buf);
    return errors;
}

bool
cfg_is_set(const struct cfg *c, enum cfg_key k)
{
    assert(k < CFG_KEY_COUNT);
    return c->val[k].is_set;
}

const char *
cfg_str(const struct cfg *c, enum cfg_key k)
{
    assert(k < CFG_KEY_COUNT);
    return c->val[k].text;
}

bool
cfg_bool(const struct cfg *c, enum cfg_key k)
{
    assert(k < CFG_KEY_COUNT && cfg_table[k].type == CFG_T_BOOL);
    return c->val[k].num != 0;
}

uint64_t
cfg_uint(const struct cfg *c, enum cfg_key k)
{
    assert(k < CFG_KEY_COUNT && (cfg_table[k].type == CFG_T_UINT ||
                                 cfg_table[k].type == CFG_T_DURATION));
    return c->val[k].num;
}

const char *const *
cfg_list(const struct cfg *c, enum cfg_key k, size_t *n)
{
    assert(k < CFG_KEY_COUNT && cfg_table[k].type == CFG_T_LIST);
    *n = c->val[k].n_items;
    return (const char *const *)c->val[k].items;
}
