# The counts of the run (api-test shows an exec's output only when it fails).
cat "$RS_VAR/chaos/result" 2>/dev/null
grep '^fault' "$RS_VAR/chaos/faults.log" 2>/dev/null | sed 's/^/#   /'
# The replicated stack goes down whatever happened; its logs hold no sanitizer report.
$RS down
