/* textfile: regular files only, whole reads capped (see textfile.h). Any thread. */
#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a file";
}

FILE *textfile_open(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), saved;
    struct stat st;
    FILE *f;

    if (fd < 0) {
        saved = errno;
        snprintf(err, errlen, "%s", strerror(saved));
        errno = saved;
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        saved = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        if (saved == EISDIR)
            snprintf(err, errlen, "%s", strerror(saved));
        else
            snprintf(err, errlen, "not a regular file (%s)", kind_of(st.st_mode));
        close(fd);
        errno = saved;
        return NULL;
    }
    if (fcntl(fd, F_SETFL, 0) < 0 || !(f = fdopen(fd, "rb"))) {
        saved = errno;
        snprintf(err, errlen, "%s", strerror(saved));
        close(fd);
        errno = saved;
        return NULL;
    }
    return f;
}

/* "256 MB", "1 MB", "64 kB": a cap in messages. */
static void size_words(size_t n, char *out, size_t len)
{
    if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
        snprintf(out, len, "%zu MB", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(out, len, "%zu kB", n >> 10);
    else
        snprintf(out, len, "%zu bytes", n);
}

char *textfile_read(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    FILE *f = textfile_open(path, err, errlen);
    size_t cap = 0, n = 0, got;
    char *buf = NULL, words[32];

    if (!f)
        return NULL;
    do {
        if (n + 1 >= cap) {
            size_t grown = cap ? cap * 2 : 65536;
            char *nb = n <= max ? realloc(buf, grown) : NULL;

            if (!nb) {
                size_words(max, words, sizeof words);
                snprintf(err, errlen, "%s%s", n > max ? "larger than " : "out of memory",
                         n > max ? words : "");
                goto fail;
            }
            buf = nb;
            cap = grown;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    if (ferror(f) || n > max) {
        size_words(max, words, sizeof words);
        snprintf(err, errlen, "%s%s", n > max ? "larger than " : "read error",
                 n > max ? words : "");
        goto fail;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    fclose(f);
    free(buf);
    return NULL;
}

char *textfile_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n;

    base = base ? base + 1 : path;
    n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    return strndup(base, n);
}
