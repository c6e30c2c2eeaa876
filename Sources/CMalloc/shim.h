/* glibc's malloc tuning and statistics (<malloc.h>), which Swift's Glibc
 * module does not import: mallopt, malloc_trim and mallinfo2. Nothing else
 * belongs in this file. */
#ifndef TIDINGS_CMALLOC_SHIM_H
#define TIDINGS_CMALLOC_SHIM_H

#include <malloc.h>

#endif
