#!/usr/bin/env bash
# Regenerates verdicts.tsv by running `promtool check rules` over good/*.yml and bad/*.yml.
# Needs promtool (recorded with 2.42.0+ds, the Debian build). Tests must NOT run this; they only
# read verdicts.tsv (and expectations.tsv, which is hand-written).
#
# Usage (from anywhere):  rules/testdata/record_verdicts.sh
set -euo pipefail
cd "$(dirname "$0")"

# Hand-written notes (last column), keyed by relative path. "3.x:" marks where Prometheus 3.x
# behaves differently from the recorded 2.42 (expectations.tsv then says what Sextant does).
declare -A NOTE=(
  [good/query_offset.yml]="3.x: query_offset is a group field since 2.53; 2.42 does not know it"
  [good/group_labels.yml]="3.x: group labels are a group field since 3.0; 2.42 does not know them"
  [good/recording_label_not_template.yml]="labels of recording rules are not parsed as templates"
  [good/limit_negative.yml]="surprise: a negative limit is not rejected"
  [good/lint_duplicate_rules.yml]="lint failure only: exit code 0 (3 with --lint-fatal)"
  [good/lint_duplicates_across_groups.yml]="duplicates are searched across groups; alerts count too; labels compared as sets; each duplicate reported once"
  [good/null_entries.yml]="yaml.v3 drops null elements of a sequence"
  [good/multi_document.yml]="only the first YAML document is read"
  [good/yaml_number_forms.yml]="yaml.v3 integers: hex, underscores, floats truncated (2.9 -> 2)"
  [good/scalar_label_values.yml]="any scalar is a string; an empty value is kept"
  [good/template_functions.yml]="templates are only parsed, so query/externalURL need no data"
  [bad/unknown_rule_field.yml]="3.x: the type is named rulefmt.Rule"
  [bad/unknown_fields_collected.yml]="yaml.v3 collects every unknown field and type error into one error; 3.x: rulefmt.Rule"
  [bad/top_level_list.yml]="the second (lenient) decode into yaml.Node groups fails too, so two errors"
  [bad/top_level_scalar.yml]="two errors, as above"
  [bad/groups_not_a_list.yml]="two errors, as above"
  [bad/repeated_top_level_key.yml]="two errors, as above"
  [bad/duration_invalid_for.yml]="a duration error aborts decoding: the unknown field before it is not reported; 3.x: the error is printed twice (both decodes have durations)"
  [bad/duration_no_unit.yml]="3.x: printed twice"
  [bad/duration_not_scalar.yml]="the duration unmarshals into a string first"
  [bad/neither_record_nor_alert.yml]="position of the (absent) record node: 0:0; 3.x: 0:0: 0:0: (record and alert nodes)"
  [bad/record_empty.yml]="3.x: 4:17: 0:0: (record and alert nodes)"
  [bad/expr_missing.yml]="position of the absent expr node: 0:0"
  [bad/expr_not_a_string.yml]="2.42 decodes expr as a yaml.Node, so a list is an empty expression; 3.x decodes a string"
  [bad/record_name_with_braces.yml]="3.x (UTF-8 names) accepts the name but adds: braces present in the recording rule name; should it be in expr?"
  [bad/record_invalid_name.yml]="3.x promtool validates names with the UTF-8 scheme and accepts this one; Sextant keeps the legacy scheme"
  [bad/label_name_invalid.yml]="no position: label errors carry none; 3.x (UTF-8 names) accepts it"
  [bad/annotation_name_invalid.yml]="3.x (UTF-8 names) accepts it"
  [bad/group_label_name_invalid.yml]="3.x: group labels are validated (invalid label name: 1team); 2.42 does not know the field"
  [bad/yaml_syntax_error.yml]="Go's YAML parser words syntax errors its own way; printed twice (both decodes)"
  [bad/yaml_bad_indentation.yml]="as above"
  [bad/multiple_errors.yml]="every validation error is reported, group by group, rule by rule"
)

out=verdicts.tsv
{
  printf '# path\tverdict\texit\trules\tmessage\tnote -- recorded with `promtool check rules FILE` (promtool 2.42.0+ds), run from rules/testdata; verdict: ok (SUCCESS), lint (FAILED with lint errors only), error; exit: promtool exit code; rules: N of "SUCCESS: N rules found"; message: the stderr lines after "FAILED:", with each line'"'"'s leading "<path>: " removed, joined with a literal \\n (tabs as \\t); note: hand-written\n'
  for f in good/*.yml bad/*.yml; do
    set +e
    promtool check rules "$f" >/tmp/record_rule_verdicts.out 2>/tmp/record_rule_verdicts.err
    rc=$?
    set -e
    rules=$(sed -n 's/^  SUCCESS: \([0-9]*\) rules found$/\1/p' /tmp/record_rule_verdicts.out)
    msg=""
    if grep -q 'FAILED:' /tmp/record_rule_verdicts.err; then
      msg=$(sed -n '/FAILED:/,$p' /tmp/record_rule_verdicts.err | sed '1d' |
        awk -v p="$f: " '{ if (index($0, p) == 1) $0 = substr($0, length(p) + 1); gsub(/\t/, "\\t"); printf "%s%s", (NR > 1 ? "\\n" : ""), $0 }')
    fi
    if [[ -z "$msg" ]]; then
      verdict=ok
    elif [[ "$msg" == "lint error "* ]]; then
      verdict=lint
    else
      verdict=error
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$f" "$verdict" "$rc" "$rules" "$msg" "${NOTE[$f]:-}"
  done
} >"$out"
rm -f /tmp/record_rule_verdicts.out /tmp/record_rule_verdicts.err
echo "wrote $(grep -vc '^#' "$out") cases to $out"
