// The inner loop of MinHash, in C so that it can be compiled for AVX2 and AVX-512 and
// chosen at run time: Swift cannot enable CPU features per function, and baseline
// x86-64 (SSE2) has no 32-bit vector multiply, which makes this loop 5-10x slower.
//
// The vector versions walk the permutations in blocks whose minima, multipliers and
// increments fit in registers, and run every shingle through a block before the next
// block: no load or store of the minima per shingle. All versions compute the same
// values (32-bit arithmetic wraps alike in every lane).
#include "cminhash.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static void minhash_baseline(const uint32_t *restrict shingles, size_t count, const uint32_t *restrict a,
                             const uint32_t *restrict b, uint32_t *restrict minima, size_t permutations) {
    for (size_t s = 0; s < count; s++) {
        const uint32_t x = shingles[s];
        for (size_t i = 0; i < permutations; i++) {
            const uint32_t value = a[i] * x + b[i];
            minima[i] = value < minima[i] ? value : minima[i];
        }
    }
}

#if defined(__x86_64__)
// 8 vectors of 16 lanes: 128 permutations held in 24 of the 32 registers.
#define AVX512_LANES 16
#define AVX512_VECTORS 8

__attribute__((target("avx512f"))) static void minhash_avx512(const uint32_t *shingles, size_t count,
                                                              const uint32_t *a, const uint32_t *b,
                                                              uint32_t *minima, size_t permutations) {
    const size_t block = AVX512_LANES * AVX512_VECTORS;
    size_t start = 0;
    for (; start + block <= permutations; start += block) {
        __m512i va[AVX512_VECTORS], vb[AVX512_VECTORS], vm[AVX512_VECTORS];
        for (int v = 0; v < AVX512_VECTORS; v++) {
            va[v] = _mm512_loadu_si512((const void *)(a + start + v * AVX512_LANES));
            vb[v] = _mm512_loadu_si512((const void *)(b + start + v * AVX512_LANES));
            vm[v] = _mm512_loadu_si512((const void *)(minima + start + v * AVX512_LANES));
        }
        for (size_t s = 0; s < count; s++) {
            const __m512i x = _mm512_set1_epi32((int)shingles[s]);
            for (int v = 0; v < AVX512_VECTORS; v++) {
                vm[v] = _mm512_min_epu32(vm[v], _mm512_add_epi32(_mm512_mullo_epi32(va[v], x), vb[v]));
            }
        }
        for (int v = 0; v < AVX512_VECTORS; v++) {
            _mm512_storeu_si512((void *)(minima + start + v * AVX512_LANES), vm[v]);
        }
    }
    if (start < permutations) {
        minhash_baseline(shingles, count, a + start, b + start, minima + start, permutations - start);
    }
}

// 4 vectors of 8 lanes: 32 permutations held in 12 of the 16 registers.
#define AVX2_LANES 8
#define AVX2_VECTORS 4

__attribute__((target("avx2"))) static void minhash_avx2(const uint32_t *shingles, size_t count, const uint32_t *a,
                                                         const uint32_t *b, uint32_t *minima, size_t permutations) {
    const size_t block = AVX2_LANES * AVX2_VECTORS;
    size_t start = 0;
    for (; start + block <= permutations; start += block) {
        __m256i va[AVX2_VECTORS], vb[AVX2_VECTORS], vm[AVX2_VECTORS];
        for (int v = 0; v < AVX2_VECTORS; v++) {
            va[v] = _mm256_loadu_si256((const __m256i *)(a + start + v * AVX2_LANES));
            vb[v] = _mm256_loadu_si256((const __m256i *)(b + start + v * AVX2_LANES));
            vm[v] = _mm256_loadu_si256((const __m256i *)(minima + start + v * AVX2_LANES));
        }
        for (size_t s = 0; s < count; s++) {
            const __m256i x = _mm256_set1_epi32((int)shingles[s]);
            for (int v = 0; v < AVX2_VECTORS; v++) {
                vm[v] = _mm256_min_epu32(vm[v], _mm256_add_epi32(_mm256_mullo_epi32(va[v], x), vb[v]));
            }
        }
        for (int v = 0; v < AVX2_VECTORS; v++) {
            _mm256_storeu_si256((__m256i *)(minima + start + v * AVX2_LANES), vm[v]);
        }
    }
    if (start < permutations) {
        minhash_baseline(shingles, count, a + start, b + start, minima + start, permutations - start);
    }
}
#endif

int tidings_minhash_kernel(void) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2")) return 1;
#endif
    return 0;
}

void tidings_minhash_with(int kernel, const uint32_t *shingles, size_t count, const uint32_t *a, const uint32_t *b,
                          uint32_t *minima, size_t permutations) {
#if defined(__x86_64__)
    if (kernel >= 2 && __builtin_cpu_supports("avx512f")) {
        minhash_avx512(shingles, count, a, b, minima, permutations);
        return;
    }
    if (kernel >= 1 && __builtin_cpu_supports("avx2")) {
        minhash_avx2(shingles, count, a, b, minima, permutations);
        return;
    }
#endif
    minhash_baseline(shingles, count, a, b, minima, permutations);
}

void tidings_minhash(const uint32_t *shingles, size_t count, const uint32_t *a, const uint32_t *b, uint32_t *minima,
                     size_t permutations) {
    tidings_minhash_with(tidings_minhash_kernel(), shingles, count, a, b, minima, permutations);
}
