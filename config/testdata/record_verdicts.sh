#!/usr/bin/env bash
# Regenerates verdicts.tsv by running promtool over good/*.yml and bad/*.yml.
# Needs promtool (recorded with 2.42.0+ds, Debian build). Tests must NOT run this;
# they only read verdicts.tsv.
#
# Usage (from anywhere):  config/testdata/record_verdicts.sh
set -euo pipefail
cd "$(dirname "$0")"

# Hand-written notes (4th column), keyed by relative path.
declare -A NOTE=(
  [good/ml_platform_stack.yml]="rule_files glob ../rules/ml_platform_*.yml matches 2 real rule files in rules/; promtool also checks them"
  [good/job_inherits_global_defaults.yml]="effective job: scrape_interval 30s, scrape_timeout 5s (confirmed via prometheus /api/v1/status/config)"
  [good/job_interval_caps_global_timeout.yml]="effective job scrape_timeout 5s: global timeout 10s capped to job interval 5s (confirmed via /api/v1/status/config)"
  [good/global_scrape_interval_zero.yml]="0s treated as unset: effective global scrape_interval 1m, timeout 10s (confirmed via /api/v1/status/config)"
  [good/empty_file.yml]="all defaults: global scrape_interval 1m, scrape_timeout 10s, evaluation_interval 1m"
  [good/multi_document_yaml.yml]="only the first YAML document is parsed; second document (scrape_interval: banana) is ignored; effective interval 15s"
  [good/file_sd_json_yml_yaml_globs.yml]="promtool-only check: promtool parses the matched target files in targets/"
  [good/file_sd_glob_matches_nothing.yml]="promtool-only check: glob matches no file -> warning only"
  [good/rule_files_glob_matches_nothing.yml]="promtool-only check: a glob matching nothing is fine (contrast bad/rule_file_missing.yml)"
  [good/basic_auth_password_file_missing.yml]="promtool does NOT check basic_auth password_file existence (it does check bearer_token_file/credentials_file and TLS cert/key files)"
  [good/basic_auth_password_file.yml]="password_file points at secrets/password.txt (exists)"
  [good/scheme_ftp.yml]="surprise: promtool 2.42 does not validate scheme; expected error"
  [good/alertmanager_api_version_v1.yml]="surprise: v1 still accepted in 2.42 (allowed: v1 v2; see bad/alertmanager_api_version_v3.yml)"
  [good/honor_labels_yaml11_yes.yml]="YAML 1.1 bool: yes/no/on/off accepted as booleans"
  [good/relabel_action_case_insensitive.yml]="relabel action is case-insensitive (Replace -> replace)"
  [good/yaml_anchors_aliases.yml]="anchors must live inside known keys: an unknown top-level anchor holder key (e.g. x-common) would be rejected"
  [bad/kubernetes_sd.yml]="Debian promtool 2.42.0+ds is built without kubernetes SD (upstream 2.42 and 3.x accept); sextant differs: kubernetes_sd_configs is supported"
  [bad/kubernetes_sd_seed_stack.yml]="Debian promtool 2.42.0+ds is built without kubernetes SD (upstream 3.x accepts); sextant differs: kubernetes_sd_configs is supported"
  [bad/kubernetes_sd_kubeconfig_and_api_server.yml]="Debian promtool 2.42.0+ds is built without kubernetes SD; upstream 3.x rejects it too: cannot use 'kubeconfig_file' and 'api_server' simultaneously"
  [bad/consul_sd.yml]="Debian promtool 2.42.0+ds is built without consul SD (upstream 2.42 accepts); sextant differs: unsupported SD (rejecting is intended)"
  [bad/rule_files_bad_glob.yml]="rejected by promtool's glob expansion, not by config parsing (no 'parsing YAML file' prefix); passes the rule-file path pattern check"
  [bad/rule_files_wildcard_in_dir.yml]="config parsing: a '*' is only allowed in the last path component"
  [bad/rule_file_missing.yml]="promtool-only check: file existence (literal path, no glob)"
  [bad/rule_file_invalid_content.yml]="promtool-only check: rule file content (rules_invalid/bad_expr.yml); config itself parses; message had leading rule-file path stripped"
  [bad/file_sd_invalid_target_file.yml]="promtool-only check: content of matched SD file targets_invalid/broken_label.json"
  [bad/bearer_token_file_missing.yml]="promtool-only check: file existence"
  [bad/tls_cert_file_missing.yml]="promtool-only check: file existence"
  [bad/remote_write_duplicate_names.yml]="sic: upstream wording says 'job name' for remote write"
  [bad/relabel_replace_without_target_label.yml]="really fails (checked)"
  [bad/sample_limit_negative.yml]="rejected by YAML typing (uint), not by a range check"
  [bad/body_size_limit_no_unit.yml]="sic: two spaces in 'unknown unit  in' (empty unit)"
  [bad/unknown_global_key.yml]="unknown field error names type config.plain for global (and top level); line = line of the offending key"
  [bad/unknown_top_level_key.yml]="line = line of the offending key (1-based)"
  [bad/unknown_scrape_config_key.yml]="line = line of the offending key (1-based)"
)

out=verdicts.tsv
{
  printf '# path\tverdict\tmessage\tnote -- recorded with `promtool check config FILE` (promtool 2.42.0+ds), run from config/testdata; verdict ok = exit 0, error = exit 1; message = promtool FAILED text joined to one line, with the "parsing YAML file <path>: " prefix (or a leading "<rule file>: ") stripped; note = hand-written remarks\n'
  for f in good/*.yml bad/*.yml; do
    set +e
    promtool check config "$f" >/tmp/record_verdicts.out 2>/tmp/record_verdicts.err
    rc=$?
    set -e
    note="${NOTE[$f]:-}"
    warn=$(grep -E '^ *WARNING:' /tmp/record_verdicts.out | sed -E 's/^ *//' | paste -sd' ' - || true)
    if [[ -n "$warn" ]]; then note="${note:+$note; }promtool $warn"; fi
    if [[ $rc -eq 0 ]]; then
      verdict=ok; msg=""
    else
      verdict=error
      # Text after the first "FAILED:", continuation lines joined with one space.
      msg=$(sed -n '/FAILED:/,$p' /tmp/record_verdicts.err | sed -E '1s/^.*FAILED:[ ]?//; s/^[ ]+//' | grep -v '^$' | paste -sd' ' -)
      msg=$(printf '%s' "$msg" | sed -E 's#^parsing YAML file [^ ]+: ##; s#^[^ ]+\.ya?ml: ##')
    fi
    printf '%s\t%s\t%s\t%s\n' "$f" "$verdict" "$msg" "$note"
  done
} >"$out"
rm -f /tmp/record_verdicts.out /tmp/record_verdicts.err
echo "wrote $(grep -vc '^#' "$out") cases to $out"
