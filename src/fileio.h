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

/* Would an output file at path be writable, without creating anything (a refused start leaves
 * nothing behind)? path must not be a directory nor an existing non-regular file (a device
 * would be replaced by the atomic rename); the directory it goes in, or the nearest existing
 * one above it (fileio_make_parent_dirs creates the rest), must be a directory this process
 * may write in, and an existing file must be writable. 0, or -1 with "PATH: reason" in err. */
int fileio_check_output(const char *path, char *err, size_t errlen);

/* path with its directory resolved as far as it exists (symbolic links, "." and ".."
 * followed: realpath of the nearest existing ancestor), then the rest with "." dropped and
 * ".." taking back the component before it (as those directories will resolve once made), so
 * that two spellings of one output file compare equal. Falls back to path itself. */
void fileio_canonical(const char *path, char *out, size_t n);

#endif
