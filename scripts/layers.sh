#!/usr/bin/env bash
# layers.sh prints, for every package of the module, the module's own
# packages it depends on (go list -deps), and with --update writes that
# block into the README's developer section between its markers.
set -euo pipefail
cd "$(dirname "$0")/.."
block=$(for p in $(go list ./... | grep -v /internal/); do
  deps=$(go list -deps "$p" | grep '^owr-import' | grep -vx "$p" | sed 's|^owr-import/||' | sort | paste -sd' ')
  name=${p#owr-import/}
  [ "$p" = owr-import ] && name="owr-import (main)"
  printf '%-18s -> %s\n' "$name" "${deps:-(nothing of the module)}"
done)
if [ "${1:-}" != "--update" ]; then
  printf '%s\n' "$block"
  exit 0
fi
python3 - "$block" <<'PY'
import sys
block = sys.argv[1]
path = "README.md"
s = open(path).read()
a, b = "<!-- layers:begin -->", "<!-- layers:end -->"
i, j = s.index(a) + len(a), s.index(b)
s = s[:i] + "\n```\n" + block + "\n```\n" + s[j:]
open(path, "w").write(s)
PY
