/* prng: the target's seeded pseudo-random generator (xoshiro256**, seeded by splitmix64), for
 * UUIDs, tokens, latency jitter, error rates and job outcomes. Header-only; one generator per
 * server, used only on that server's loop thread. */
#ifndef HORNET_TARGET_PRNG_H
#define HORNET_TARGET_PRNG_H

#include <math.h>
#include <stdint.h>
#include <string.h>

struct prng {
    uint64_t s[4];
};

static inline uint64_t prng_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Seed the generator. The same seed gives the same sequence. */
static inline void prng_seed(struct prng *p, uint64_t seed)
{
    uint64_t x = seed ^ 0x7461726765742d31ULL;    /* "target-1": not hornet's own stream */

    for (int i = 0; i < 4; i++)
        p->s[i] = prng_splitmix(&x);
}

static inline uint64_t prng_rotl(uint64_t v, int k)
{
    return (v << k) | (v >> (64 - k));
}

/* The next 64 random bits. */
static inline uint64_t prng_next(struct prng *p)
{
    uint64_t *s = p->s;
    uint64_t result = prng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = prng_rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1). */
static inline double prng_unit(struct prng *p)
{
    return (double)(prng_next(p) >> 11) * 0x1.0p-53;
}

/* Exponential with the given mean (0 when mean <= 0). */
static inline double prng_exponential(struct prng *p, double mean)
{
    if (!(mean > 0))
        return 0;
    return -mean * log1p(-prng_unit(p));
}

/* A random version-4 UUID (RFC 4122 variant) as 16 bytes. */
static inline void prng_uuid(struct prng *p, uint8_t out[16])
{
    uint64_t hi = prng_next(p), lo = prng_next(p);

    memcpy(out, &hi, 8);
    memcpy(out + 8, &lo, 8);
    out[6] = (uint8_t)((out[6] & 0x0f) | 0x40);
    out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}

#endif
