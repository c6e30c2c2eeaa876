#ifndef TIDINGS_CMINHASH_H
#define TIDINGS_CMINHASH_H

#include <stddef.h>
#include <stdint.h>

/// MinHash kernel: for each permutation i, lowers minima[i] to the least
/// (a[i] * x + b[i]) mod 2^32 over the shingles x. Uses AVX-512 or AVX2 when
/// the CPU has it (checked at run time), plain C otherwise; the results are identical.
void tidings_minhash(const uint32_t *shingles, size_t count, const uint32_t *a, const uint32_t *b,
                     uint32_t *minima, size_t permutations);

/// The kernel `tidings_minhash` uses on this CPU: 2 AVX-512, 1 AVX2, 0 plain C.
int tidings_minhash_kernel(void);

/// `tidings_minhash` with the kernel chosen (one the CPU lacks falls back to the next): for
/// tests that check every kernel gives the same values.
void tidings_minhash_with(int kernel, const uint32_t *shingles, size_t count, const uint32_t *a, const uint32_t *b,
                          uint32_t *minima, size_t permutations);

/// Shingle hashes: out[s] = the top 32 bits of DedupHash's finalized running hash (seeded with
/// `seed`) of words[s ..< s + width], for s in 0 ..< count (`words` holds count + width - 1 values).
/// AVX-512 or AVX2 when the CPU has it; the results are identical.
void tidings_shingles(const uint64_t *words, size_t count, size_t width, uint64_t seed, uint32_t *out);

/// The kernel `tidings_shingles` uses on this CPU: 2 AVX-512, 1 AVX2, 0 plain C.
int tidings_shingles_kernel(void);

/// `tidings_shingles` with the kernel chosen (one the CPU lacks falls back to the next), for tests.
void tidings_shingles_with(int kernel, const uint64_t *words, size_t count, size_t width, uint64_t seed, uint32_t *out);

/// Asks the CPU to start bringing the cache line holding `address` in: a hint, which never faults.
/// Following many independent hash chains is then one wait on memory, not one per chain.
static inline void tidings_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
