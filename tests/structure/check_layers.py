#!/usr/bin/env python3
"""Layers point down: fails on an #include that reaches a module the includer may not use.

The allowed arrows come from one place, the chain_module() calls in lib/CMakeLists.txt, which
are also what the build links: module M may include its own headers and those of the modules it
DEPENDS on, directly or through them. The check covers lib/<module>/ and the unit tests of each
module (tests/unit/<module>/), which are linked against that module alone. It also fails on a
dependency cycle and on a module folder that lib/CMakeLists.txt does not declare.

usage: check_layers.py [ROOT]   (ROOT defaults to the repository this file is in)
"""

import re
import sys
from pathlib import Path

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
INCLUDE = re.compile(r'^\s*#\s*include\s*"([a-z_]+)/[^"]+"')
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".cc"}


def declared_modules(cmake_text):
    """{module: [direct dependencies]} from chain_module(NAME [DEPENDS ...] [LIBS ...] ...)."""
    modules = {}
    for call in re.finditer(r"^chain_module\(([^)]*)\)", cmake_text, re.MULTILINE):
        words = call.group(1).split()
        name, deps, section = words[0], [], None
        for word in words[1:]:
            if word in ("DEPENDS", "LIBS", "SOURCES"):
                section = word
            elif section == "DEPENDS":
                deps.append(word)
        modules[name] = deps
    return modules


def closure(modules):
    """{module: every module it may use, itself included}; exits on a cycle."""
    done, result = set(), {}

    def visit(name, path):
        if name in path:
            sys.exit("dependency cycle: " + " -> ".join(path + [name]))
        if name in done:
            return result[name]
        if name not in modules:
            sys.exit(f"lib/CMakeLists.txt: {path[-1]} depends on unknown module {name}")
        allowed = {name}
        for dep in modules[name]:
            allowed |= visit(dep, path + [name])
        done.add(name)
        result[name] = allowed
        return allowed

    for name in modules:
        visit(name, [])
    return result


def main():
    modules = declared_modules((ROOT / "lib" / "CMakeLists.txt").read_text())
    allowed = closure(modules)
    failures = []
    for folder in sorted(p for p in (ROOT / "lib").iterdir() if p.is_dir()):
        if folder.name not in modules:
            failures.append(f"lib/{folder.name}/ is not declared with chain_module() in lib/CMakeLists.txt")
    checked = 0
    for module in sorted(modules):
        for base in (ROOT / "lib" / module, ROOT / "tests" / "unit" / module):
            if not base.is_dir():
                continue
            for path in sorted(base.rglob("*")):
                if path.suffix not in SOURCE_SUFFIXES:
                    continue
                checked += 1
                for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                    m = INCLUDE.match(line)
                    if m and m.group(1) in modules and m.group(1) not in allowed[module]:
                        rel = path.relative_to(ROOT)
                        failures.append(
                            f"{rel}:{number} includes {m.group(1)}/, which {module} may not use "
                            f"(it may use: {', '.join(sorted(allowed[module] - {module})) or 'nothing'})")
    for f in failures:
        print(f)
    if failures:
        return 1
    print(f"{checked} files checked: every include points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
