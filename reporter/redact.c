/*
 * redact - keyed tokens for local parts (RFC 6590) and the SHA-256 and
 * HMAC they are made with.
 *
 * SHA-256 is written here from FIPS 180-4 (section 6.2) because the
 * suite links no crypto library and needs only this digest; HMAC follows
 * RFC 2104.  Neither is used for anything but redaction tokens.
 *
 * STANDARDS: RFC 6590 (redaction), RFC 9991 section 7 and Appendix A;
 * FIPS 180-4 (SHA-256); RFC 2104 (HMAC); RFC 5322 section 3.2.3 (atext),
 * 3.4.1 (addr-spec).
 *
 * Thread safety: pure functions.
 */
#include "reporter/redact.h"

#include <string.h>

#include "common/ascii.h"

/* the SHA-256 state */
struct sha {
    uint32_t h[8];         /* chaining value */
    unsigned char blk[64]; /* pending input */
    size_t n;              /* bytes in blk */
    uint64_t total;        /* bytes hashed */
};

/* K - the round constants (FIPS 180-4 section 4.2.2) */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

/* ror - rotate right */
static uint32_t
ror(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

/* sha_init - the initial hash value (section 5.3.3) */
static void
sha_init(struct sha *s)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                    0xa54ff53a, 0x510e527f, 0x9b05688c,
                                    0x1f83d9ab, 0x5be0cd19 };

    memcpy(s->h, iv, sizeof(iv));
    s->n = 0;
    s->total = 0;
}

/* sha_block - process one 64-byte block (section 6.2.2) */
static void
sha_block(struct sha *s, const unsigned char *b)
{
    uint32_t w[64];
    uint32_t v[8];

    for (size_t t = 0; t < 16; t++)
        w[t] = (uint32_t)b[4 * t] << 24 | (uint32_t)b[4 * t + 1] << 16 |
               (uint32_t)b[4 * t + 2] << 8 | (uint32_t)b[4 * t + 3];
    for (size_t t = 16; t < 64; t++) {
        uint32_t s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ (w[t - 2] >> 10);

        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    memcpy(v, s->h, sizeof(v));
    for (size_t t = 0; t < 64; t++) {
        uint32_t e1 = ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25);
        uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
        uint32_t t1 = v[7] + e1 + ch + K[t] + w[t];
        uint32_t e0 = ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22);
        uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);

        memmove(v + 1, v, 7 * sizeof(v[0]));
        v[4] += t1;
        v[0] = t1 + e0 + maj;
    }
    for (size_t i = 0; i < 8; i++)
        s->h[i] += v[i];
}

/* sha_update - hash len more bytes */
static void
sha_update(struct sha *s, const void *p, size_t len)
{
    const unsigned char *b = p;

    s->total += len;
    while (len > 0) {
        size_t take = 64 - s->n < len ? 64 - s->n : len;

        memcpy(s->blk + s->n, b, take);
        s->n += take;
        b += take;
        len -= take;
        if (s->n == 64) {
            sha_block(s, s->blk);
            s->n = 0;
        }
    }
}

/* sha_final - padding (section 5.1.1) and the digest */
static void
sha_final(struct sha *s, unsigned char out[32])
{
    uint64_t bits = s->total * 8;
    unsigned char len[8];
    static const unsigned char pad[64] = { 0x80 };

    for (size_t i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_update(s, pad, s->n < 56 ? 56 - s->n : 120 - s->n);
    sha_update(s, len, 8);
    for (size_t i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(s->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)s->h[i];
    }
}

void
redact_sha256(const void *p, size_t len, unsigned char out[32])
{
    struct sha s;

    sha_init(&s);
    sha_update(&s, p, len);
    sha_final(&s, out);
}

void
redact_hmac(const struct redact_key *k, const void *msg, size_t len,
            unsigned char out[32])
{
    unsigned char key[64] = { 0 };
    unsigned char pad[64];
    unsigned char inner[32];
    struct sha s;

    if (k->len > sizeof(key))
        redact_sha256(k->secret, k->len, key);
    else
        memcpy(key, k->secret, k->len);
    for (size_t i = 0; i < 64; i++)
        pad[i] = (unsigned char)(key[i] ^ 0x36);
    sha_init(&s);
    sha_update(&s, pad, 64);
    sha_update(&s, msg, len);
    sha_final(&s, inner);
    for (size_t i = 0; i < 64; i++)
        pad[i] = (unsigned char)(key[i] ^ 0x5c);
    sha_init(&s);
    sha_update(&s, pad, 64);
    sha_update(&s, inner, sizeof(inner));
    sha_final(&s, out);
}

void
redact_token(const struct redact_key *k, const char *p, size_t len,
             char out[REDACT_TOKEN + 1])
{
    unsigned char mac[32];

    redact_hmac(k, p, len, mac);
    for (size_t i = 0; i < REDACT_TOKEN / 2; i++) {
        out[2 * i] = "0123456789abcdef"[mac[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[mac[i] & 15];
    }
    out[REDACT_TOKEN] = '\0';
}

/* is_local_char - atext (RFC 5322 section 3.2.3) or '.' */
static bool
is_local_char(char c)
{
    return ascii_is_alnum(c) ||
           (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL);
}

/* local_start - where the local part ending before s[at] begins */
static size_t
local_start(const char *s, size_t at)
{
    size_t i = at;

    if (i > 0 && s[i - 1] == '"') {
        for (i--; i > 0; i--) {
            if (s[i - 1] == '"' && (i < 2 || s[i - 2] != '\\'))
                return i - 1;
        }
        return at;
    }
    while (i > 0 && is_local_char(s[i - 1]))
        i--;
    return i;
}

int
redact_text(const struct redact_key *k, const char *s, struct buf *out)
{
    size_t done = 0;

    for (size_t i = 0; s[i] != '\0'; i++) {
        char tok[REDACT_TOKEN + 1];
        size_t start;

        if (s[i] != '@' || !(ascii_is_alnum(s[i + 1]) || s[i + 1] == '['))
            continue;
        start = local_start(s, i);
        if (start < done || start == i)
            continue;
        redact_token(k, s + start, i - start, tok);
        if (buf_append(out, s + done, start - done) < 0 ||
            buf_append_str(out, tok) < 0)
            return -1;
        done = i;
    }
    return buf_append_str(out, s + done);
}

bool
redact_is_address_field(const char *name)
{
    static const char *const names[] = {
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "sender",
        "return-path",
        "delivered-to",
        "x-original-to",
        "received",
        "disposition-notification-to",
    };

    if (strlen(name) > 7 && ascii_ncaseeq(name, "resent-", 7))
        return true;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (ascii_caseeq_n(name, strlen(name), names[i]))
            return true;
    }
    return false;
}
