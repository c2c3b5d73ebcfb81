/*
 * cimaging: a small C layer over libjpeg-turbo and libpng for the Swift `Imaging` target.
 *
 * Why it exists: libjpeg reports errors by calling `error_exit`, whose default calls exit(),
 * and the only safe replacement is setjmp/longjmp, which Swift can neither call nor unwind
 * through. Every function here does its own setjmp, catches every libjpeg/libpng error and
 * returns a `cimg_status` code plus an English message (for logs; people get Spanish text
 * from the Swift side). No function here ever longjmps out to its caller, prints, or exits.
 *
 * Pixel buffers are 8-bit RGB, 3 bytes per pixel, rows tightly packed, top row first,
 * allocated with malloc: release them with cimg_image_free / cimg_buffer_free.
 */
#ifndef CIMAGING_H
#define CIMAGING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Result codes of every cimg_* function. */
typedef enum cimg_status {
    CIMG_OK = 0,
    /** The library refused the data (corrupt, unsupported variant). */
    CIMG_ERR_CORRUPT = 1,
    /** The data ended before the image did. */
    CIMG_ERR_TRUNCATED = 2,
    /** The decoder emitted a warning (damaged data it would otherwise paper over). */
    CIMG_ERR_WARNING = 3,
    /** A limit was exceeded (too many progressive scans, dimensions). */
    CIMG_ERR_LIMIT = 4,
    /** Out of memory. */
    CIMG_ERR_NO_MEMORY = 5,
    /** A caller error (null pointer, zero size, bad parameter). */
    CIMG_ERR_ARGUMENT = 6,
    /** The encoder failed. */
    CIMG_ERR_ENCODE = 7,
} cimg_status;

/** Capacity of cimg_error.message, NUL included (libjpeg's JMSG_LENGTH_MAX is 200). */
#define CIMG_MESSAGE_CAPACITY 200

/** An error's code and a NUL-terminated English message from the library. */
typedef struct cimg_error {
    int32_t code;
    char message[CIMG_MESSAGE_CAPACITY];
} cimg_error;

/** An 8-bit RGB image (3 bytes per pixel, rows packed, top first), owned by whoever holds it. */
typedef struct cimg_image {
    uint8_t *_Nullable pixels;
    uint32_t width;
    uint32_t height;
} cimg_image;

/** A byte buffer allocated by malloc. */
typedef struct cimg_buffer {
    uint8_t *_Nullable bytes;
    size_t size;
} cimg_buffer;

/** JPEG colour spaces as libjpeg names them (J_COLOR_SPACE values). */
enum {
    CIMG_JPEG_COLOR_UNKNOWN = 0,
    CIMG_JPEG_COLOR_GRAYSCALE = 1,
    CIMG_JPEG_COLOR_RGB = 2,
    CIMG_JPEG_COLOR_YCBCR = 3,
    CIMG_JPEG_COLOR_CMYK = 4,
    CIMG_JPEG_COLOR_YCCK = 5,
};

/** What a JPEG's header says, read without decoding any pixel. */
typedef struct cimg_jpeg_info {
    uint32_t width;
    uint32_t height;
    int32_t components;
    /** One of CIMG_JPEG_COLOR_*. */
    int32_t color_space;
    int32_t progressive;
    /**
     * Bytes libjpeg must keep for the whole image's DCT coefficients when the file has several
     * scans (progressive, or baseline with non-interleaved components): 128 per 8x8 block of
     * every component, whatever the output scale. 0 for a single-scan (streamable) file.
     */
    uint64_t coefficient_bytes;
} cimg_jpeg_info;

/** What a PNG's header says, read without decoding any pixel. */
typedef struct cimg_png_info {
    uint32_t width;
    uint32_t height;
    /** libpng's simplified-API format flags: 1 alpha, 2 colour, 4 16-bit (linear), 8 palette. */
    uint32_t format;
} cimg_png_info;

/** Most progressive scans a JPEG may have before it is refused (a scan flood is a CPU bomb). */
#define CIMG_JPEG_MAX_SCANS 200

/** Reads a JPEG's header (markers up to the first scan); no pixel is decoded. */
cimg_status cimg_jpeg_read_info(const uint8_t *_Nonnull data, size_t size,
                                cimg_jpeg_info *_Nonnull info, cimg_error *_Nonnull error);

/**
 * Decodes a JPEG to RGB at the smallest DCT scale (n/8, n = 1...8) whose output is at least
 * min_width x min_height (or full size when none is). Grayscale, RGB, YCbCr, CMYK and YCCK
 * (Adobe-inverted or not) inputs all come out as RGB. Any libjpeg warning is a failure.
 * A larger memory budget than max_memory bytes for libjpeg's internal buffers is refused
 * (0: no limit).
 */
cimg_status cimg_jpeg_decode(const uint8_t *_Nonnull data, size_t size,
                             uint32_t min_width, uint32_t min_height, size_t max_memory,
                             cimg_image *_Nonnull out, cimg_error *_Nonnull error);

/**
 * Encodes an RGB image as a JPEG with only the JFIF APP0 marker (no EXIF, ICC or comment).
 * quality 1...100; progressive non-zero for a progressive JPEG, whose scans use spectral
 * selection only (DC, low luma, chroma, the rest of luma: half the encoding time of libjpeg's
 * default script for files about 1% larger). Huffman tables are optimized.
 */
cimg_status cimg_jpeg_encode(const cimg_image *_Nonnull image, int quality, int progressive,
                             cimg_buffer *_Nonnull out, cimg_error *_Nonnull error);

/** Reads a PNG's header through libpng's simplified API; no pixel is decoded. */
cimg_status cimg_png_read_info(const uint8_t *_Nonnull data, size_t size,
                               cimg_png_info *_Nonnull info, cimg_error *_Nonnull error);

/**
 * Decodes a PNG (any colour type, bit depth, palette, interlacing) to 8-bit RGB, compositing
 * any alpha (or tRNS) onto white, reduced on the fly by the largest integer box factor whose
 * output (rounded up) is still at least min_width x min_height (full size when none is, or when
 * either is 0). Reads row by row: memory is one row plus the reduced image (interlaced files
 * also keep 12 bytes of sums per output pixel). Images larger than max_pixels are refused
 * before any pixel is decoded.
 */
cimg_status cimg_png_decode(const uint8_t *_Nonnull data, size_t size, uint64_t max_pixels,
                            uint32_t min_width, uint32_t min_height,
                            cimg_image *_Nonnull out, cimg_error *_Nonnull error);

/**
 * Resamples an RGB image to width x height with a separable Catmull-Rom (bicubic) filter whose
 * support widens with the reduction, so a downscale averages every source pixel (no aliasing).
 */
cimg_status cimg_resize(const cimg_image *_Nonnull image, uint32_t width, uint32_t height,
                        cimg_image *_Nonnull out, cimg_error *_Nonnull error);

/**
 * Applies an EXIF orientation (1...8) so the result is upright: 2 mirror, 3 rotate 180,
 * 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise.
 */
cimg_status cimg_orient(const cimg_image *_Nonnull image, int orientation,
                        cimg_image *_Nonnull out, cimg_error *_Nonnull error);

/** Frees an image's pixels and zeroes it; safe on an already-freed image. */
void cimg_image_free(cimg_image *_Nonnull image);

/** Frees a buffer's bytes and zeroes it; safe on an already-freed buffer. */
void cimg_buffer_free(cimg_buffer *_Nonnull buffer);

/* ---- Test support: fixture writers, used by the test suite to build its corpus. ---- */

/** Colour layouts cimg_test_jpeg_encode can write. */
enum {
    CIMG_TEST_JPEG_YCBCR = 0,
    CIMG_TEST_JPEG_GRAYSCALE = 1,
    /** Adobe-style inverted CMYK, as Photoshop writes it. */
    CIMG_TEST_JPEG_CMYK = 2,
    CIMG_TEST_JPEG_YCCK = 3,
};

/**
 * Writes an RGB image as a JPEG in the given layout (CIMG_TEST_JPEG_*), baseline or progressive,
 * with an optional APP1 segment payload (e.g. "Exif\0\0" + TIFF) written right after the header.
 */
cimg_status cimg_test_jpeg_encode(const cimg_image *_Nonnull image, int layout, int quality,
                                  int progressive, const uint8_t *_Nullable app1, size_t app1_size,
                                  cimg_buffer *_Nonnull out, cimg_error *_Nonnull error);

/**
 * Writes 8-bit RGBA pixels (4 bytes per pixel) as a PNG through libpng's full API with the given
 * IHDR colour type (PNG_COLOR_TYPE_* value: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA),
 * bit depth (1, 2, 4, 8 or 16 as the type allows) and interlacing (0 none, 1 Adam7).
 * Palette images get a tRNS chunk when any pixel is not opaque; palette entries beyond 2^depth
 * are clamped, so use few colours with low depths.
 */
cimg_status cimg_test_png_encode(const uint8_t *_Nonnull rgba, uint32_t width, uint32_t height,
                                 int color_type, int bit_depth, int interlaced,
                                 cimg_buffer *_Nonnull out, cimg_error *_Nonnull error);

#ifdef __cplusplus
}
#endif

#endif
