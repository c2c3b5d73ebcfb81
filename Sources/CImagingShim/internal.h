/* Helpers shared by the shim's C files; not part of the public header. */
#ifndef CIMAGING_INTERNAL_H
#define CIMAGING_INTERNAL_H

#include "cimaging.h"

/** Fills an error with a code and a formatted message; returns the code. */
cimg_status cimg_fail(cimg_error *error, cimg_status code, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/** Clears an error to CIMG_OK and an empty message. */
void cimg_clear(cimg_error *error);

/** Multiplies a x b x c into *out; returns 0 on overflow. */
int cimg_mul3(size_t a, size_t b, size_t c, size_t *out);

/** Allocates a width x height RGB image; CIMG_ERR_NO_MEMORY (error filled) on failure. */
cimg_status cimg_image_alloc(uint32_t width, uint32_t height, cimg_image *out, cimg_error *error);

#endif
