# The replicated stack goes down whatever the cases did; its logs hold no sanitizer report.
$RS down
