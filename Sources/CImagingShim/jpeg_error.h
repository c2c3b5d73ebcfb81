/* libjpeg's error manager as the shim sets it up; not part of the public header. */
#ifndef CIMAGING_JPEG_ERROR_H
#define CIMAGING_JPEG_ERROR_H

#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE and size_t first */
#include <jpeglib.h>
#include <jerror.h>

#include "cimaging.h"

/** libjpeg's error manager extended with the jump target and what went wrong. */
typedef struct {
    struct jpeg_error_mgr pub;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    /** Set when a warning aborted the work. */
    int warning;
    /** Set when a limit (progressive scans) aborted the work. */
    int limit;
} cimg_jpeg_error_mgr;

/** Sets up an error manager whose errors and warnings longjmp to mgr->jump. It clears the
 * whole manager, jmp_buf included: call it before setjmp. */
struct jpeg_error_mgr *cimg_jpeg_error_init(cimg_jpeg_error_mgr *mgr);

/** Turns the error that longjmp'd into a status and an English message. */
cimg_status cimg_jpeg_error_report(j_common_ptr cinfo, cimg_jpeg_error_mgr *mgr, cimg_error *error);

#endif
