#!/usr/bin/env bash
# Re-records expected/<case>.{stdout,stderr,exit} by running promtool's `test rules` on each case
# of cases.tsv, from this directory. Needs promtool (recorded with 2.42.0+ds, Debian's build).
# Tests must NOT run this; they only read expected/. Where Sextant deliberately differs, the
# test reads expected/<case>.sextant.{stdout,stderr,exit} instead (hand-written, with the reason
# in README.md); this script leaves those alone.
#
# Usage (from anywhere):  cmd/sextant-tool/testdata/test_rules/record_expected.sh
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p expected
n=0
while IFS=$'\t' read -r name args; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  set +e
  # shellcheck disable=SC2086  # the arguments are split on purpose
  promtool test rules $args >"expected/$name.stdout" 2>"expected/$name.stderr"
  echo $? >"expected/$name.exit"
  set -e
  n=$((n + 1))
done <cases.tsv
echo "recorded $n cases in expected/"
