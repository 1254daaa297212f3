/* fileio: atomic whole-file writes and mkdir -p for output files. Any thread. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fileio.h"

static int fail(char *err, size_t errlen, const char *what, const char *path)
{
    if (err && errlen)
        snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
    return -1;
}

int fileio_make_parent_dirs(const char *path, char *err, size_t errlen)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');

    if (!slash || slash == path)
        return 0;
    if ((size_t)(slash - path) >= sizeof dir) {
        errno = ENAMETOOLONG;
        return fail(err, errlen, "cannot create the directory of", path);
    }
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    for (char *p = dir + 1;; p++) {
        char c;
        if (*p != '/' && *p != '\0')
            continue;
        c = *p;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            return fail(err, errlen, "cannot create directory", dir);
        *p = c;
        if (c == '\0')
            break;
    }
    return 0;
}

int fileio_write_all(int fd, const char *p, size_t n, size_t *done)
{
    size_t got = 0;
    int rc = 0;

    while (got < n) {
        ssize_t w = write(fd, p + got, n - got);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            rc = -1;
            break;
        }
        got += (size_t)w;
    }
    if (done)
        *done = got;
    return rc;
}

/* Makes a rename durable: fsync of the directory that holds path. Best effort. */
static void sync_parent_dir(const char *path)
{
    char dir[4096] = ".";
    const char *slash = strrchr(path, '/');
    int fd;

    if (slash && (size_t)(slash - path) < sizeof dir) {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* A fresh temporary file next to path. */
static int open_temp(const char *path, char *tmp, size_t tmplen)
{
    for (int i = 0; i < 100; i++) {
        int fd;
        snprintf(tmp, tmplen, "%s.%ld-%d.tmp", path, (long)getpid(), i);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

int fileio_write_atomic(const char *path, const char *data, size_t len, char *err,
                        size_t errlen)
{
    char tmp[4200];
    int fd, saved;

    if (fileio_make_parent_dirs(path, err, errlen) != 0)
        return -1;
    if ((fd = open_temp(path, tmp, sizeof tmp)) < 0)
        return fail(err, errlen, "cannot create", path);
    if (fileio_write_all(fd, data, len, NULL) != 0 || fsync(fd) != 0) {
        saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return fail(err, errlen, "cannot write", path);
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        saved = errno;
        unlink(tmp);
        errno = saved;
        return fail(err, errlen, "cannot write", path);
    }
    sync_parent_dir(path);
    return 0;
}

/* The directory part of path[0..end) in front of its last '/' into dir ("." without one, "/"
 * for the root); returns where the rest of the path starts. */
static size_t dir_part(const char *path, size_t end, char *dir, size_t n)
{
    size_t d = end;

    while (d > 0 && path[d - 1] != '/')
        d--;
    if (d == 0)
        snprintf(dir, n, ".");
    else if (d == 1)
        snprintf(dir, n, "/");
    else
        snprintf(dir, n, "%.*s", (int)(d - 1), path);
    return d;
}

/* Append the components of rest to out (which holds a resolved directory), dropping "." and
 * empty ones and letting ".." take back the one before it: the directories still to be made
 * (mkdir -p) will resolve that way. */
static void append_lexical(char *out, size_t n, const char *rest)
{
    size_t base = strlen(out), len = base;

    while (*rest) {
        size_t k = strcspn(rest, "/");
        if (k == 2 && rest[0] == '.' && rest[1] == '.' && len > base) {
            while (len > base && out[len - 1] != '/')
                len--;
            len = len > base ? len - 1 : base;
        } else if (k > 0 && !(k == 1 && rest[0] == '.') && len + k + 2 < n) {
            out[len++] = '/';
            memcpy(out + len, rest, k);
            len += k;
        }
        rest += k + (rest[k] == '/');
    }
    out[len] = '\0';
}

void fileio_canonical(const char *path, char *out, size_t n)
{
    char dir[4096], real[PATH_MAX];
    size_t end = strlen(path);

    for (;;) {
        size_t d = dir_part(path, end, dir, sizeof dir);
        if (realpath(dir, real)) {
            snprintf(out, n, "%s", strcmp(real, "/") ? real : "");
            append_lexical(out, n, path + d);
            return;
        }
        if ((errno != ENOENT && errno != ENOTDIR) || d == 0)
            break;
        end = d - 1;                /* that directory does not exist yet: try its parent */
    }
    snprintf(out, n, "%s", path);
}

int fileio_check_output(const char *path, char *err, size_t errlen)
{
    char dir[4096];
    struct stat st;
    size_t end = strlen(path), d;

    if (end == 0 || path[end - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
        errno = EISDIR;
        return fail(err, errlen, "cannot write", path);
    }
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            if (err && errlen)
                snprintf(err, errlen, "cannot write %s: not a regular file", path);
            return -1;
        }
        if (access(path, W_OK) != 0)
            return fail(err, errlen, "cannot write", path);
    } else if (errno != ENOENT) {
        return fail(err, errlen, "cannot write", path);
    }
    for (;;) {                      /* the nearest directory that exists must take new files */
        d = dir_part(path, end, dir, sizeof dir);
        if (stat(dir, &st) == 0)
            break;
        if (errno != ENOENT || d == 0)
            return fail(err, errlen, "cannot write", path);
        end = d - 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return fail(err, errlen, "cannot write", path);
    }
    if (access(dir, W_OK | X_OK) != 0)
        return fail(err, errlen, "cannot write", path);
    return 0;
}
