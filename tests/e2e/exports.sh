#!/usr/bin/env bash
# Source-tree check: no exported function of engine/, src/ or ui/ is left without a caller
# (tests/dead_exports.py; a module's test-only internals live in MODULE_internal.h). First
# shows the checker finds a dead export in a small tree of its own, so a pass means something.
set -u
source "$(dirname "$0")/lib.sh"
mkdir -p "$TMP/tree/engine" "$TMP/tree/src" "$TMP/tree/ui" "$TMP/tree/tests"
printf 'int foo_dead(int a);\nint foo_live(void);\n' >"$TMP/tree/engine/foo.h"
printf '#include "foo.h"\nint foo_dead(int a)\n{\n    return a;\n}\nint foo_live(void)\n{\n    return 1;\n}\n' \
    >"$TMP/tree/engine/foo.c"
printf 'int main(void) { return foo_live(); }\n' >"$TMP/tree/src/main.c"
python3 tests/dead_exports.py "$TMP/tree" >"$TMP/tree.out"
rc=$?
check "the checker reports an export nothing calls (exit $rc)" \
    grep -qx "engine/foo.h:1: foo_dead (defined in engine/foo.c)" "$TMP/tree.out"
check "... and not one that is called" [ "$(wc -l <"$TMP/tree.out")" = 1 ]
python3 tests/dead_exports.py . >"$TMP/dead.out"
rc=$?
check "every exported function of hornet has a caller (exit $rc)" [ "$rc" = 0 ]
sed 's/^/#   /' "$TMP/dead.out"
echo "1..$n"
