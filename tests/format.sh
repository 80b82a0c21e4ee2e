#!/usr/bin/env bash
# tests/format.sh: every tracked C file is clang-format clean under the
# project's .clang-format (one test per file; `make format` fixes them).
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0
for f in $(git ls-files '*.c' '*.h'); do
	if clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		pass=$((pass + 1))
	else
		echo "FAIL format $f (run: make format)"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
