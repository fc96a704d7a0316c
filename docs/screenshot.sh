#!/usr/bin/env bash
# Regenerates docs/report.png, the README's example of the HTML report: the
# report of `ftpsdiag demo --format html`, rendered by Debian's chromium,
# headless (installed by testdata/servers/install.sh). The demo's ports and
# times differ on every run, so the picture does too.
#
#   bash docs/screenshot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/ftpsdiag" .
code=0
"$work/ftpsdiag" demo --format html >"$work/report.html" || code=$?
if ((code > 2)); then # 0 to 2 are the demo's verdict; 3 is a failure
	echo "screenshot.sh: ftpsdiag demo exited $code" >&2
	exit 1
fi
# --no-sandbox: chromium refuses to start sandboxed as root (CI, containers).
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
	--user-data-dir="$work/profile" --window-size=1000,1700 \
	--screenshot="$work/report.png" "file://$work/report.html" 2>/dev/null
cp "$work/report.png" docs/report.png
echo "docs/report.png: $(stat -c %s docs/report.png) bytes"
