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

// ---------------------------------------------------------------------------------------------
// Shingle hashing: shingle s is DedupHash's running hash of words[s ..< s + width], seeded,
// finalized, top 32 bits. Every shingle is independent, so 8 (AVX-512) or 4 (AVX2) lanes compute
// 8 or 4 shingles at once; the plain loop was most of a fingerprint's cost after the normalizer.
// The constants are DedupHash's (combine and MurmurHash3's finalizer): they must never change.

#define SHINGLE_MIX 0x9e3779b97f4a7c15ULL
#define SHINGLE_FMIX1 0xff51afd7ed558ccdULL
#define SHINGLE_FMIX2 0xc4ceb9fe1a85ec53ULL

static inline uint64_t shingle_combine(uint64_t running, uint64_t value) {
    const uint64_t mixed = (running ^ value) * SHINGLE_MIX;
    return mixed ^ (mixed >> 29);
}

static inline uint32_t shingle_finish(uint64_t hash) {
    hash ^= hash >> 33;
    hash *= SHINGLE_FMIX1;
    hash ^= hash >> 33;
    hash *= SHINGLE_FMIX2;
    hash ^= hash >> 33;
    return (uint32_t)(hash >> 32);
}

static void shingles_baseline(const uint64_t *words, size_t count, size_t width, uint64_t seed, uint32_t *out) {
    for (size_t s = 0; s < count; s++) {
        uint64_t hash = seed;
        for (size_t j = 0; j < width; j++) hash = shingle_combine(hash, words[s + j]);
        out[s] = shingle_finish(hash);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f,avx512dq"))) static void shingles_avx512(const uint64_t *words, size_t count,
                                                                       size_t width, uint64_t seed, uint32_t *out) {
    const __m512i mix = _mm512_set1_epi64((long long)SHINGLE_MIX);
    const __m512i fmix1 = _mm512_set1_epi64((long long)SHINGLE_FMIX1);
    const __m512i fmix2 = _mm512_set1_epi64((long long)SHINGLE_FMIX2);
    const __m512i start = _mm512_set1_epi64((long long)seed);
    size_t s = 0;
    for (; s + 8 <= count; s += 8) {
        __m512i hash = start;
        for (size_t j = 0; j < width; j++) {
            const __m512i mixed = _mm512_mullo_epi64(_mm512_xor_si512(hash, _mm512_loadu_si512((const void *)(words + s + j))), mix);
            hash = _mm512_xor_si512(mixed, _mm512_srli_epi64(mixed, 29));
        }
        hash = _mm512_mullo_epi64(_mm512_xor_si512(hash, _mm512_srli_epi64(hash, 33)), fmix1);
        hash = _mm512_mullo_epi64(_mm512_xor_si512(hash, _mm512_srli_epi64(hash, 33)), fmix2);
        hash = _mm512_xor_si512(hash, _mm512_srli_epi64(hash, 33));
        _mm256_storeu_si256((__m256i *)(out + s), _mm512_cvtepi64_epi32(_mm512_srli_epi64(hash, 32)));
    }
    shingles_baseline(words + s, count - s, width, seed, out + s);
}

// AVX2 has no 64-bit multiply: a * b mod 2^64 = lo(a)lo(b) + ((lo(a)hi(b) + hi(a)lo(b)) << 32).
__attribute__((target("avx2"))) static inline __m256i mullo64_avx2(__m256i a, __m256i b, __m256i b_high) {
    const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(a, b_high), _mm256_mul_epu32(_mm256_srli_epi64(a, 32), b));
    return _mm256_add_epi64(_mm256_mul_epu32(a, b), _mm256_slli_epi64(cross, 32));
}

__attribute__((target("avx2"))) static void shingles_avx2(const uint64_t *words, size_t count, size_t width,
                                                           uint64_t seed, uint32_t *out) {
    const __m256i mix = _mm256_set1_epi64x((long long)SHINGLE_MIX);
    const __m256i mix_high = _mm256_set1_epi64x((long long)(SHINGLE_MIX >> 32));
    const __m256i fmix1 = _mm256_set1_epi64x((long long)SHINGLE_FMIX1);
    const __m256i fmix1_high = _mm256_set1_epi64x((long long)(SHINGLE_FMIX1 >> 32));
    const __m256i fmix2 = _mm256_set1_epi64x((long long)SHINGLE_FMIX2);
    const __m256i fmix2_high = _mm256_set1_epi64x((long long)(SHINGLE_FMIX2 >> 32));
    const __m256i start = _mm256_set1_epi64x((long long)seed);
    // The top halves of four 64-bit lanes, gathered into the low 128 bits.
    const __m256i odd = _mm256_setr_epi32(1, 3, 5, 7, 0, 0, 0, 0);
    size_t s = 0;
    for (; s + 4 <= count; s += 4) {
        __m256i hash = start;
        for (size_t j = 0; j < width; j++) {
            const __m256i mixed = mullo64_avx2(_mm256_xor_si256(hash, _mm256_loadu_si256((const __m256i *)(words + s + j))),
                                               mix, mix_high);
            hash = _mm256_xor_si256(mixed, _mm256_srli_epi64(mixed, 29));
        }
        hash = mullo64_avx2(_mm256_xor_si256(hash, _mm256_srli_epi64(hash, 33)), fmix1, fmix1_high);
        hash = mullo64_avx2(_mm256_xor_si256(hash, _mm256_srli_epi64(hash, 33)), fmix2, fmix2_high);
        hash = _mm256_xor_si256(hash, _mm256_srli_epi64(hash, 33));
        _mm_storeu_si128((__m128i *)(out + s), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(hash, odd)));
    }
    shingles_baseline(words + s, count - s, width, seed, out + s);
}
#endif

int tidings_shingles_kernel(void) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return 2;
    if (__builtin_cpu_supports("avx2")) return 1;
#endif
    return 0;
}

void tidings_shingles_with(int kernel, const uint64_t *words, size_t count, size_t width, uint64_t seed, uint32_t *out) {
#if defined(__x86_64__)
    if (kernel >= 2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) {
        shingles_avx512(words, count, width, seed, out);
        return;
    }
    if (kernel >= 1 && __builtin_cpu_supports("avx2")) {
        shingles_avx2(words, count, width, seed, out);
        return;
    }
#endif
    shingles_baseline(words, count, width, seed, out);
}

void tidings_shingles(const uint64_t *words, size_t count, size_t width, uint64_t seed, uint32_t *out) {
    tidings_shingles_with(tidings_shingles_kernel(), words, count, width, seed, out);
}
