#!/usr/bin/env python3
"""Lists the exported functions of hornet that nothing calls.

An exported function is one declared (or defined static inline) in a header of engine/, src/
or ui/. It is dead when its name appears in no file of those folders other than the .c that
defines it and the declaration itself: tests do not count as callers. One exception, the house
style's: a module's internals that its tests need are declared in MODULE_internal.h, and such a
declaration is not dead while a test (tests/*.c) calls it.

Prints one line per dead function, "header:line: name (defined in file.c)", and exits 1 when
there is any; exits 0 and prints nothing otherwise. Usage: tests/dead_exports.py [ROOT]
"""
import os
import re
import sys

FOLDERS = ("engine", "src", "ui")


def strip_comments(text):
    """Comments and string literals blanked (newlines kept, so line numbers stay right)."""
    def blank(m):
        s = m.group(0)
        if s.startswith("/") or s.startswith("'"):
            return re.sub(r"[^\n]", " ", s) if s.startswith("/") else "' '"
        return '""'
    pattern = r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])+\''
    return re.sub(pattern, blank, text, flags=re.S)


def sources(root):
    for folder in FOLDERS:
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for name in sorted(names):
                if name.endswith((".c", ".h")):
                    path = os.path.join(dirpath, name)
                    with open(path, encoding="utf-8", errors="replace") as f:
                        yield os.path.relpath(path, root), strip_comments(f.read())


DECL = re.compile(r"^(?!\s*(?:#|typedef|return\b|extern\s+const))[A-Za-z_][\w \t\*]*?"
                  r"\b([a-z_][a-z0-9_]*)\s*\(", re.M)


def declarations(text):
    """(name, line) of every function declared or defined at file scope of a header."""
    out, depth, pos = [], 0, 0
    depth_at = []
    for ch in text:                     # brace depth at every offset
        depth_at.append(depth)
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
    for m in DECL.finditer(text):
        if depth_at[m.start()] != 0:
            continue
        prefix = text[m.start():m.start(1)]
        if "(" in prefix or "=" in prefix or prefix.strip() == "":
            continue                    # a call, a function pointer, a macro's body
        out.append((m.group(1), text.count("\n", 0, m.start()) + 1))
        pos = m.end()
    return out


def test_sources(root):
    tests = os.path.join(root, "tests")
    out = []
    for name in sorted(os.listdir(tests)):
        if name.endswith(".c"):
            with open(os.path.join(tests, name), encoding="utf-8", errors="replace") as f:
                out.append(strip_comments(f.read()))
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    files = dict(sources(root))
    tests = test_sources(root)
    dead = []
    for header, text in files.items():
        if not header.endswith(".h"):
            continue
        for name, line in declarations(text):
            # a use of the name, not a struct member (s.name, s->name) nor a variable or member
            # of the same name being declared (char *name; int name[4];)
            word = re.compile(r"(?<![.>\w])(?<![\w*]\s)(?<!\w\s\*)%s\b(?!\s*[;\[=])|"
                              r"(?<![.>\w])%s\b(?=\s*\()" % (re.escape(name), re.escape(name)))
            definition = re.compile(r"^[A-Za-z_][^;\n]*\b%s\s*\([^;]*$" % re.escape(name), re.M)
            owner = next((p for p, t in files.items() if p.endswith(".c")
                          and name in t and definition.search(t)), None)
            uses = 0
            for path, body in files.items():
                if path == owner or name not in body:
                    continue
                n = len(word.findall(body))
                uses += n - 1 if path == header else n
            if uses <= 0 and header.endswith("_internal.h") and \
                    any(name in t and word.search(t) for t in tests):
                continue                # an internal the module's tests need
            if uses <= 0:
                dead.append("%s:%d: %s (defined in %s)" % (header, line, name, owner or "?"))
    for d in dead:
        print(d)
    return 1 if dead else 0


if __name__ == "__main__":
    sys.exit(main())
