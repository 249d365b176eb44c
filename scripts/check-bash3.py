#!/usr/bin/env python3
"""Fails on constructs that the bash 3.2 of a stock Mac lacks, in the shell
scripts named (make release runs on a Mac; shellcheck does not know which
bash will run a script). Each finding names the file, the line and what to
write instead.

Usage: check-bash3.py SCRIPT...
"""
import re
import sys

# (pattern, what bash 3.2 lacks, what to write instead)
BASH4_ONLY = [
    (r"\b(declare|local|typeset)\s+-[a-zA-Z]*A", "associative arrays (bash 4.0)",
     "two indexed arrays, or a case statement"),
    (r"\b(declare|local|typeset)\s+-[a-zA-Z]*n\b", "namerefs (bash 4.3)", "eval, or pass values"),
    (r"\b(declare|local|typeset)\s+-[a-zA-Z]*[glu]", "declare -g/-l/-u (bash 4.0+)",
     "a plain assignment, or tr"),
    (r"\[\[\s+-v\b", "[[ -v (bash 4.2)", "[ -n \"${name+set}\" ]"),
    (r"\bexec\s+\{[A-Za-z_]+\}[<>]", "exec {fd}> (bash 4.1)", "a fixed descriptor number"),
    (r"printf\s+(-v\s+\S+\s+)?['\"][^'\"]*%\([^)]*\)T", "printf %(…)T (bash 4.2)", "date"),
    (r"\$\{?BASHPID\b", "$BASHPID (bash 4.0)", "$$ or sh -c 'echo $PPID'"),
    (r";;&|;&\s*$", "case fall-through (bash 4.0)", "separate case statements"),
    (r"\b(mapfile|readarray)\b", "mapfile/readarray (bash 4.0)", "a while read loop"),
    (r"\$\{[#!]?[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?(,,?|\^\^?)[^}]*\}",
     "case modification (bash 4.0)", "tr '[:upper:]' '[:lower:]'"),
    (r"\$\{[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?@[QEPAKaUuL]\}", "parameter transformation (bash 4.4)",
     "printf %q"),
    (r"\$\{[A-Za-z_][A-Za-z0-9_]*\[-[0-9]+\]\}", "negative array subscripts (bash 4.3)",
     "${a[${#a[@]}-1]}"),
    (r"&>>|\|&", "&>> and |& (bash 4.0)", ">>file 2>&1, 2>&1 |"),
    (r"\bcoproc\b", "coproc (bash 4.0)", "a named pipe"),
    (r"\bshopt\s+-s\s+(globstar|lastpipe|autocd|checkjobs)\b", "this shopt option (bash 4.0+)",
     "find"),
    (r"\bwait\s+-n\b", "wait -n (bash 4.3)", "wait PID"),
    (r"\bread(\s+-[a-zA-Z]+(\s+\S+)?)*?\s+-[a-zA-Z]*[iN]\b", "read -i / -N (bash 4.0/4.1)",
     "read -n"),
    (r"\{[a-z0-9]+\.\.[a-z0-9]+\.\.[0-9]+\}", "brace expansion steps (bash 4.0)", "seq"),
    (r"\$EPOCH(SECONDS|REALTIME)\b", "$EPOCHSECONDS (bash 5.0)", "date +%s"),
    (r"(^|[;&|(`]|\$\(|\bthen|\bdo|\belse)\s*sha256sum\b(?!.*shasum)",
     "sha256sum (GNU coreutils; a Mac has shasum -a 256)",
     "a function that falls back to shasum -a 256"),
]


def code_of(line):
    """The line without a trailing comment (quotes are not parsed: a '#'
    inside one ends the code early, which can only hide a finding)."""
    if line.lstrip().startswith("#"):
        return ""
    return re.split(r"\s#", line, maxsplit=1)[0]


def logical_lines(script):
    """Lines with backslash continuations joined, numbered by their first."""
    pending, start = "", None
    for number, line in enumerate(script, 1):
        if start is None:
            start = number
        if line.rstrip("\n").endswith("\\"):
            pending += line.rstrip("\n")[:-1] + " "
            continue
        yield start, pending + line
        pending, start = "", None
    if pending:
        yield start, pending


def main(paths):
    findings = 0
    for path in paths:
        with open(path, encoding="utf-8") as script:
            for number, line in logical_lines(script):
                code = code_of(line)
                for pattern, lacks, instead in BASH4_ONLY:
                    if re.search(pattern, code):
                        findings += 1
                        print(f"{path}:{number}: bash 3.2 lacks {lacks}; write {instead} instead:"
                              f"\n    {line.strip()}", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
