/* Tests of fileio's checks of output paths before a run (fileio_check_output: nothing is
 * created, directories and devices refused, a missing directory fine when it can be made) and
 * of fileio_canonical (two spellings of one file compare equal). A read-only directory is a
 * real read-only mount when the test may mount (root in a private mount namespace). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "fileio.h"

static char dir[] = "/tmp/hornet-test-fileio.XXXXXX";

static void path_in(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static bool exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

static void test_check_creates_nothing(void **state)
{
    char p[600], err[700];

    (void)state;
    path_in(p, sizeof p, "new/deeper/r.md");             /* directories to be made: fine */
    assert_int_equal(fileio_check_output(p, err, sizeof err), 0);
    path_in(p, sizeof p, "new");
    assert_false(exists(p));
    path_in(p, sizeof p, "plain.md");
    assert_int_equal(fileio_check_output(p, err, sizeof err), 0);
    assert_false(exists(p));
}

static void test_check_refuses(void **state)
{
    char p[600], file[600], err[700];

    (void)state;
    assert_int_equal(fileio_check_output(dir, err, sizeof err), -1);     /* a directory */
    assert_non_null(strstr(err, "Is a directory"));
    path_in(p, sizeof p, "sub/");
    assert_int_equal(fileio_check_output(p, err, sizeof err), -1);
    assert_int_equal(fileio_check_output("/dev/null", err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    path_in(file, sizeof file, "a-file");
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(fileio_check_output(file, err, sizeof err), 0);     /* replaced: fine */
    path_in(p, sizeof p, "a-file/below.md");                            /* under a file */
    assert_int_equal(fileio_check_output(p, err, sizeof err), -1);
    assert_non_null(strstr(err, "Not a directory"));
    assert_non_null(strstr(err, p));
    path_in(p, sizeof p, "a-file/x/y.md");
    assert_int_equal(fileio_check_output(p, err, sizeof err), -1);
    assert_int_equal(fileio_check_output("", err, sizeof err), -1);
}

/* A read-only filesystem refuses even root: a tmpfs mounted read-only in a mount namespace
 * of this process alone. */
static void test_check_read_only_directory(void **state)
{
    char ro[600], p[700], err[800];

    (void)state;
    path_in(ro, sizeof ro, "ro");
    assert_int_equal(mkdir(ro, 0777), 0);
    assert_int_equal(unshare(CLONE_NEWNS), 0);
    assert_int_equal(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
    assert_int_equal(mount("tmpfs", ro, "tmpfs", MS_RDONLY, "size=16k"), 0);
    snprintf(p, sizeof p, "%s/r.md", ro);
    assert_int_equal(fileio_check_output(p, err, sizeof err), -1);
    assert_non_null(strstr(err, "Read-only file system"));
    snprintf(p, sizeof p, "%s/new/r.md", ro);
    assert_int_equal(fileio_check_output(p, err, sizeof err), -1);
    assert_int_equal(umount(ro), 0);
}

static void test_canonical(void **state)
{
    char a[4200], b[4200], p[600], q[600], cwd[4096];

    (void)state;
    path_in(p, sizeof p, "x.md");
    path_in(q, sizeof q, "./sub/../x.md");
    assert_int_equal(mkdir(strcat(strcpy(a, dir), "/sub"), 0777), 0);
    fileio_canonical(p, a, sizeof a);
    fileio_canonical(q, b, sizeof b);
    assert_string_equal(a, b);
    path_in(p, sizeof p, "none/yet/x.md");                 /* a directory still to be made */
    fileio_canonical(p, a, sizeof a);
    assert_non_null(strstr(a, "/none/yet/x.md"));
    path_in(q, sizeof q, "none/./other/../yet//x.md");     /* resolves the same once made */
    fileio_canonical(q, b, sizeof b);
    assert_string_equal(a, b);
    path_in(q, sizeof q, "none/../x.md");
    fileio_canonical(q, b, sizeof b);
    path_in(p, sizeof p, "x.md");
    fileio_canonical(p, a, sizeof a);
    assert_string_equal(a, b);
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    fileio_canonical("rel.csv", a, sizeof a);
    fileio_canonical("./rel.csv", b, sizeof b);
    assert_string_equal(a, b);
    path_in(p, sizeof p, "rel.csv");
    fileio_canonical(p, b, sizeof b);
    assert_string_equal(a, b);
    assert_int_equal(chdir(cwd), 0);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[300];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_creates_nothing),
        cmocka_unit_test(test_check_refuses),
        cmocka_unit_test(test_check_read_only_directory),
        cmocka_unit_test(test_canonical),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
