/* fileio: writing output files so that nothing half-written is ever seen: missing parent
 * directories created (mkdir -p, as Locust 2.43 does for --csv), whole-file writes through a
 * temporary file, fsync and rename, and writes that survive EINTR. Used by the CSV writer and
 * the reports. Any thread; no state. */
#ifndef HORNET_FILEIO_H
#define HORNET_FILEIO_H

#include <stddef.h>

/* mkdir -p of the directories in front of the last '/' of path. -1 with "cannot create
 * directory DIR: reason" in err (err may be NULL). */
int fileio_make_parent_dirs(const char *path, char *err, size_t errlen);

/* write(2) all of p, retrying on EINTR; *done (may be NULL) gets what was written. -1 with
 * errno set on error. */
int fileio_write_all(int fd, const char *p, size_t n, size_t *done);

/* Replace path with data atomically: parent directories, a temporary file next to it (mode
 * 0666 & ~umask, like fopen), fsync, rename, fsync of the directory. Readers see the old file
 * or the new one, never a part. -1 with "cannot write PATH: reason" in err. */
int fileio_write_atomic(const char *path, const char *data, size_t len, char *err,
                        size_t errlen);

#endif
