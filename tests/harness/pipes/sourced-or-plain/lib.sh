# Sourced by scripts that set pipefail: checked as they are.
newest() { ls -t "$1" | head -n 1; }
