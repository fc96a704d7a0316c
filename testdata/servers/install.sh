#!/usr/bin/env bash
# Installs the real FTPS servers that probe/ftpdtest runs in tests: vsftpd
# (installed normally), ProFTPD with mod_tls and Pure-FTPd (unpacked into a
# cache folder, because Debian lets only one ftp-server package be installed),
# plus openssl, curl and sslscan (to check the TLS scan against), and the
# real clients and Python server the client verdicts are checked with: lftp,
# Python 3 and pyftpdlib (with pyOpenSSL, which its TLS needs), a JDK
# with Apache Commons Net (the Java client is compiled by the test), PHP's
# command line with its ftp extension, Debian's rclone (an older Go than the
# test's), and basic-ftp from npm for the Node.js found on PATH (no Node, no
# basic-ftp: the test then skips the node client, except in CI);
# Debian's chromium, which renders the HTML report in a test; and mermaid
# from npm, whose parser checks the Markdown report's diagrams.
# Idempotent and non-interactive; run as root.
#
#   sudo bash testdata/servers/install.sh
#
# FTPSDIAG_SERVER_CACHE overrides the cache folder; ftpdtest reads it too.
set -euo pipefail

cache=${FTPSDIAG_SERVER_CACHE:-/var/cache/ftpsdiag-servers}
extracted=(proftpd-core proftpd-mod-crypto pure-ftpd)
basic_ftp_version=6.2.6
mermaid_version=11.17.2 # report's Markdown tests parse their Mermaid diagrams with it

if [[ $(id -u) -ne 0 ]]; then
	echo "install.sh: must run as root" >&2
	exit 1
fi

vsftpd_bin() {
	local f
	for f in "$(command -v vsftpd || true)" /usr/sbin/vsftpd "$cache/vsftpd/usr/sbin/vsftpd"; do
		if [[ -n $f && -x $f ]]; then
			echo "$f"
			return 0
		fi
	done
	return 0
}

binary_of() {
	case $1 in
	vsftpd) vsftpd_bin ;;
	proftpd-core) echo "$cache/proftpd-core/usr/sbin/proftpd" ;;
	proftpd-mod-crypto) echo "$cache/proftpd-mod-crypto/usr/lib/proftpd/mod_tls.so" ;;
	pure-ftpd) echo "$cache/pure-ftpd/usr/sbin/pure-ftpd" ;;
	esac
}

# php_ftps reports whether PHP's ftp extension has TLS (ftp_ssl_connect).
php_ftps() { [[ $(php -r 'echo function_exists("ftp_ssl_connect") ? "yes" : "no";' 2>/dev/null) == yes ]]; }

# node_ready reports whether the pinned basic-ftp is in the cache, or there
# is no Node.js to use it with.
node_ready() {
	! command -v node >/dev/null ||
		[[ $(node -p "require('$cache/node/node_modules/basic-ftp/package.json').version" 2>/dev/null) == "$basic_ftp_version" ]]
}

# mermaid_ready reports whether the pinned mermaid (npm) is in the cache,
# or there is no Node.js to use it with.
mermaid_ready() {
	! command -v node >/dev/null ||
		[[ $(node -p "require('$cache/node/node_modules/mermaid/package.json').version" 2>/dev/null) == "$mermaid_version" ]]
}

# missing_libs prints the shared libraries a binary needs that are not installed.
missing_libs() { ldd "$1" 2>/dev/null | awk '/not found/ {print $1}'; }

# monitoring_ready reports whether the monitoring systems the tests load
# our output into are installed: Prometheus with promtool, and the Nagios
# plugin library (Monitoring::Plugin) that parses performance data.
monitoring_ready() {
	command -v prometheus >/dev/null && command -v promtool >/dev/null &&
		perl -MMonitoring::Plugin -e 1 2>/dev/null
}

ready() {
	command -v openssl >/dev/null && command -v curl >/dev/null && command -v sslscan >/dev/null || return 1
	command -v lftp >/dev/null && command -v javac >/dev/null || return 1
	command -v rclone >/dev/null && php_ftps || return 1
	node_ready || return 1
	mermaid_ready || return 1
	monitoring_ready || return 1
	# The CLI tests' own tools: jq runs the README's jq examples, man renders
	# the man page, zsh and fish load the completion scripts.
	command -v jq >/dev/null && command -v man >/dev/null || return 1
	command -v zsh >/dev/null && command -v fish >/dev/null || return 1
	[[ -e /usr/share/java/commons-net.jar ]] || return 1
	# Debian's Python modules are for Debian's python3, whatever PATH says.
	/usr/bin/python3 -c 'import pyftpdlib.handlers, OpenSSL' 2>/dev/null || return 1
	[[ -n $(vsftpd_bin) ]] || return 1
	# Debian's chromium renders the HTML report in the tests (issue 18).
	command -v chromium >/dev/null || return 1
	local p f
	for p in "${extracted[@]}"; do
		f=$(binary_of "$p")
		[[ -e $f && -z $(missing_libs "$f") ]] || return 1
	done
}

report() {
	local p
	for p in vsftpd "${extracted[@]}"; do
		printf '%-20s %s\n' "$p" "$(binary_of "$p")"
	done
}

if ready; then
	echo "install.sh: servers already present"
	report
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q || echo "install.sh: apt-get update reported errors; trying anyway" >&2

work=$(mktemp -d)
chown _apt "$work" 2>/dev/null || true # lets apt-get download sandbox itself

# Keep packaged daemons from starting (and taking port 21) while installing;
# put back whatever policy-rc.d was there before.
policy=/usr/sbin/policy-rc.d
backup=""
if [[ -e $policy ]]; then
	backup=$(mktemp)
	cp -p "$policy" "$backup"
fi
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [[ -n $backup ]]; then mv -f "$backup" "$policy"; else rm -f "$policy"; fi
	rm -rf "$work"
}
trap cleanup EXIT
printf '#!/bin/sh\nexit 101\n' >"$policy"
chmod 755 "$policy"

# unpack extracts a package into $cache/<pkg> without installing it.
unpack() {
	(cd "$work" && apt-get download -q "$1")
	rm -rf "${cache:?}/$1.tmp" "${cache:?}/$1"
	mkdir -p "$cache"
	dpkg -x "$work/$1"_*.deb "$cache/$1.tmp"
	mv "$cache/$1.tmp" "$cache/$1"
}

# lib_deps prints a package's shared-library dependencies (first
# alternative, version dropped), to install by name.
lib_deps() {
	apt-cache show --no-all-versions "$1" | sed -n 's/^Depends: //p' | tr ',' '\n' |
		sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep -E '^(lib|zlib)' || true
}

libs=()
for p in "${extracted[@]}"; do
	[[ -e $(binary_of "$p") ]] || unpack "$p"
	mapfile -t -O "${#libs[@]}" libs < <(lib_deps "$p")
done

vsftpd=()
if [[ -z $(vsftpd_bin) ]]; then
	if dpkg-query -W -f '${db:Status-Abbrev} ${Provides}\n' | awk '/^ii/ && /ftp-server/ {f = 1} END {exit !f}'; then
		# Another ftp-server is installed: leave it and unpack vsftpd too.
		unpack vsftpd
		mapfile -t -O "${#libs[@]}" libs < <(lib_deps vsftpd)
	else
		vsftpd=(vsftpd)
	fi
fi

# Slim Debian images leave out /usr/share/man, and the JDK's postinst fails
# when update-alternatives cannot link its man page there (Debian #863199).
mkdir -p /usr/share/man/man1
apt-get install -y -q --no-install-recommends openssl curl sslscan lftp \
	python3 python3-pyftpdlib python3-openssl default-jdk-headless libcommons-net-java \
	php-cli rclone "${vsftpd[@]}" "${libs[@]}"
# Prometheus (its service kept from starting by the policy above) and the
# Nagios plugin library, for the exporter and --format nagios tests.
apt-get install -y -q --no-install-recommends prometheus libmonitoring-plugin-perl

# Debian's chromium, headless, renders the HTML report in the tests (issue
# 18); nothing downloads a browser. DejaVu gives its diagrams a monospace font.
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
# The CLI tests' own tools (see ready).
apt-get install -y -q --no-install-recommends jq man-db zsh fish

fail=0
if ! php_ftps; then
	echo "install.sh: PHP's ftp extension lacks ftp_ssl_connect" >&2
	fail=1
fi
if command -v node >/dev/null && command -v npm >/dev/null; then
	npm install --prefix "$cache/node" --no-audit --no-fund "basic-ftp@$basic_ftp_version"
else
	echo "install.sh: no node and npm on PATH: basic-ftp not installed" >&2
fi
# Mermaid's own parser for the report's Markdown tests; nothing it pulls
# may download a browser.
if command -v node >/dev/null && command -v npm >/dev/null; then
	PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$cache/node" --no-audit --no-fund "mermaid@$mermaid_version"
fi

for p in vsftpd "${extracted[@]}"; do
	f=$(binary_of "$p")
	if [[ ! -e $f ]]; then
		echo "install.sh: $p: binary missing" >&2
		fail=1
	elif m=$(missing_libs "$f") && [[ -n $m ]]; then
		echo "install.sh: $f: missing libraries: $m" >&2
		fail=1
	fi
done
report
exit $fail
