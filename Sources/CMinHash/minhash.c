// The inner loop of MinHash, in C so that it can be compiled for AVX2 and chosen
// at run time: Swift cannot enable CPU features per function, and baseline
// x86-64 (SSE2) has no 32-bit vector multiply, which makes this loop 5-10x slower.
#include "cminhash.h"

__attribute__((always_inline)) static inline void minhash_loop(const uint32_t *restrict shingles, size_t count,
                                                               const uint32_t *restrict a, const uint32_t *restrict b,
                                                               uint32_t *restrict minima, size_t permutations) {
    for (size_t s = 0; s < count; s++) {
        const uint32_t x = shingles[s];
        for (size_t i = 0; i < permutations; i++) {
            const uint32_t value = a[i] * x + b[i];
            minima[i] = value < minima[i] ? value : minima[i];
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void minhash_avx2(const uint32_t *shingles, size_t count, const uint32_t *a,
                                                         const uint32_t *b, uint32_t *minima, size_t permutations) {
    minhash_loop(shingles, count, a, b, minima, permutations);
}
#endif

static void minhash_baseline(const uint32_t *shingles, size_t count, const uint32_t *a, const uint32_t *b,
                             uint32_t *minima, size_t permutations) {
    minhash_loop(shingles, count, a, b, minima, permutations);
}

void tidings_minhash(const uint32_t *shingles, size_t count, const uint32_t *a, const uint32_t *b, uint32_t *minima,
                     size_t permutations) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) {
        minhash_avx2(shingles, count, a, b, minima, permutations);
        return;
    }
#endif
    minhash_baseline(shingles, count, a, b, minima, permutations);
}
