#!/usr/bin/env bash
# compare.sh - time `ftpsdiag --scan` against sslscan and testssl.sh on real
# local FTPS servers (vsftpd, ProFTPD, ...), on loopback and behind a
# simulated round-trip delay, and check that they find the same TLS
# versions and cipher suites; with --diagnose, time a quick diagnosis
# against curl's login + LIST and openssl s_client. See bench/README.md.
#
#   bash bench/compare.sh [--latency MS] [--no-testssl] [--servers LIST] [--keep DIR]
#                         [--diagnose N [--baseline BIN]]
#
# Run as root from anywhere in the checkout. Exit status: 0 all tools ran,
# agreed and the target was met; 1 a tool failed, findings differ or the
# target was missed; 2 setup failed.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bash bench/compare.sh [options]

  --latency MS       one-way delay of the second pass, in a network namespace
                     (default 25 = 50 ms round trip; 0 = loopback pass only)
  --no-loopback      skip the plain loopback pass
  --no-testssl       do not run testssl.sh (it takes about a minute per server)
  --testssl-args STR testssl.sh checks to run (default "-p -E": protocols and
                     every cipher per protocol, what --scan enumerates)
  --servers LIST     comma-separated: vsftpd, proftpd, vsftpd-legacy, pure-ftpd
                     (default: all four)
  --keep DIR         keep every tool's raw output in DIR
  --ftpsdiag BIN     use this ftpsdiag binary instead of building the checkout
  --diagnose N       also time N rounds, interleaved, of: plain diagnoses
                     (ftpsdiag --format json ftpes://HOST:PORT, no --scan, by
                     default and with --transfers 1), curl login + LIST and
                     openssl s_client -starttls ftp, with medians, ratios to
                     curl and RTT counts
  --baseline BIN     another ftpsdiag (an older build) to time in --diagnose,
                     interleaved with the first run by run
  --no-install       do not apt-get / install.sh anything
  -h, --help         this text
EOF
}

latency=25
loopback=1
testssl=1
testssl_args="-p -E"
servers=vsftpd,proftpd,vsftpd-legacy,pure-ftpd
keep=""
install=1
prebuilt=""
diagnose=0
baseline=""
while (($#)); do
	case $1 in
	--latency) latency=${2:?--latency needs milliseconds}; shift ;;
	--latency=*) latency=${1#*=} ;;
	--no-loopback) loopback=0 ;;
	--no-testssl) testssl=0 ;;
	--testssl-args) testssl_args=${2?}; shift ;;
	--testssl-args=*) testssl_args=${1#*=} ;;
	--servers) servers=${2:?--servers needs a list}; shift ;;
	--servers=*) servers=${1#*=} ;;
	--keep) keep=${2:?--keep needs a directory}; shift ;;
	--keep=*) keep=${1#*=} ;;
	--no-install) install=0 ;;
	--ftpsdiag) prebuilt=${2:?--ftpsdiag needs a path}; shift ;;
	--ftpsdiag=*) prebuilt=${1#*=} ;;
	--diagnose) diagnose=${2:?--diagnose needs a count}; shift ;;
	--diagnose=*) diagnose=${1#*=} ;;
	--baseline) baseline=${2:?--baseline needs a path}; shift ;;
	--baseline=*) baseline=${1#*=} ;;
	-h | --help) usage; exit 0 ;;
	*) echo "compare.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if ! [[ $latency =~ ^[0-9]+([.][0-9]+)?$ ]]; then
	echo "compare.sh: --latency wants milliseconds, got $latency" >&2
	exit 2
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "compare.sh: must run as root (servers, network namespace, iptables)" >&2
	exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
nfq_delay=${FTPSDIAG_NFQ_DELAY:-/work/shared/tools/nfq_delay.py}
cache=${FTPSDIAG_SERVER_CACHE:-/var/cache/ftpsdiag-servers}
py=/usr/bin/python3
tool_timeout=300
netns=ftpsdiag-bench-$$
netns_made=0
delay_pid=""
tool_pid=""
server_pids=()

[[ -z $keep ]] || keep=$(realpath -m "$keep")
[[ -z $prebuilt ]] || prebuilt=$(realpath -e "$prebuilt")
[[ -z $baseline ]] || baseline=$(realpath -e "$baseline")
if ! [[ $diagnose =~ ^[0-9]+$ ]]; then
	echo "compare.sh: --diagnose wants a count, got $diagnose" >&2
	exit 2
fi
tmp=$(mktemp -d /tmp/ftpsdiag-bench.XXXXXX)
chmod 755 "$tmp" # the servers' unprivileged users read their roots below it
cd "$tmp"        # whatever a tool writes by itself lands here

log() { printf '== %s\n' "$*" >&2; }

# group_alive PGID: is a process of that group still running (not a zombie)?
group_alive() {
	ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}

# stop_group kills a process group started with setsid (the leader's pid),
# waiting up to a second for it to go after SIGTERM.
stop_group() {
	local pid=$1 i
	kill -TERM -- "-$pid" 2>/dev/null || true
	for ((i = 0; i < 20; i++)); do
		group_alive "$pid" || break
		sleep 0.05
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317,SC2329 # called by the trap
cleanup() {
	local rc=$? p
	trap - EXIT INT TERM
	[[ -n $tool_pid ]] && stop_group "$tool_pid"
	tool_pid=""
	for p in "${server_pids[@]}"; do stop_group "$p"; done
	server_pids=()
	[[ -n $delay_pid ]] && stop_group "$delay_pid"
	delay_pid=""
	if ((netns_made)); then
		# any process still inside the namespace goes with it
		ip netns pids "$netns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
		ip netns del "$netns" 2>/dev/null || true
	fi
	if [[ -n $keep ]]; then
		mkdir -p "$keep" && cp -r "$tmp"/. "$keep"/ && log "raw outputs kept in $keep"
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- install
need_pkgs=()
want() { command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2"); }
want sslscan sslscan
((testssl)) && want testssl testssl.sh
want iptables-legacy iptables
want ip iproute2
want chrt util-linux
want ping iputils-ping
want jq jq
want openssl openssl
want timeout coreutils
((diagnose)) && want curl curl
[[ -x $py ]] || need_pkgs+=(python3)
if ((${#need_pkgs[@]})); then
	if ((!install)); then
		echo "compare.sh: missing packages: ${need_pkgs[*]}" >&2
		exit 2
	fi
	log "installing ${need_pkgs[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2 || log "apt-get update reported errors; trying anyway"
	apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >&2
fi
if ((install)); then
	bash "$repo/testdata/servers/install.sh" >&2
fi

if [[ -n $prebuilt ]]; then
	ftpsdiag=$prebuilt
else
	log "building ftpsdiag"
	ftpsdiag=$tmp/ftpsdiag
	if ! (cd "$repo" && go build -o "$ftpsdiag" .) >"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log" >&2
		echo "compare.sh: go build failed (the checkout may be mid-change; retry, or pass --ftpsdiag BIN)" >&2
		ftpsdiag=""
	fi
fi
if [[ -n $ftpsdiag ]] && ! "$ftpsdiag" --help 2>&1 | grep -q -- '--scan'; then
	log "this ftpsdiag has no --scan flag yet: its runs will fail"
fi

openssl ciphers -V -stdname 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' >"$tmp/cipher-map.txt"

# --------------------------------------------------------------- servers
vsftpd_bin=$(command -v vsftpd || true)
for f in /usr/sbin/vsftpd "$cache/vsftpd/usr/sbin/vsftpd"; do
	[[ -z $vsftpd_bin && -x $f ]] && vsftpd_bin=$f
done
proftpd_bin=$cache/proftpd-core/usr/sbin/proftpd
proftpd_mods=$cache/proftpd-mod-crypto/usr/lib/proftpd
pureftpd_bin=$cache/pure-ftpd/usr/sbin/pure-ftpd
purepw_bin=$cache/pure-ftpd/usr/bin/pure-pw

# The password ftpsdiag sends for its default anonymous login, and the
# virtual user it logs in as where there is no anonymous login.
anon_password=ftpsdiag@example.com
bench_user=bench
bench_password=bench-password

# nsx runs a command in the current pass's network namespace (or here).
nsx=()

# free_port prints a loopback TCP port that was free a moment ago.
free_port() {
	"${nsx[@]}" "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# free_range N prints the first of N consecutive free loopback ports, below
# the ephemeral range and from a random start (as probe/ftpdtest does).
free_range() {
	"${nsx[@]}" "$py" - "$1" <<'EOF'
import random, socket, sys
n = int(sys.argv[1])
for _ in range(100):
    base = random.randrange(10000, 32768 - n)
    socks = []
    try:
        for p in range(base, base + n):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            socks.append(s)
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(base)
    sys.exit(0)
sys.exit("no %d consecutive free ports" % n)
EOF
}

# make_cert DIR writes a self-signed RSA certificate for localhost and
# 127.0.0.1 (cert.pem, key.pem).
make_cert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj /CN=localhost \
		-addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
		-addext 'basicConstraints=critical,CA:FALSE' -addext 'extendedKeyUsage=serverAuth' \
		-keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null
	chmod 644 "$1/cert.pem" "$1/key.pem"
}

# fill_root DIR makes the read-only directory the logins see.
fill_root() {
	mkdir -p "$1"
	echo "ftpsdiag test file" >"$1/readme.txt"
	echo "hello, world" >"$1/hello.txt"
	chmod 755 "$1"
	chmod 644 "$1"/*.txt
}

# wait_ready PORT PID waits for a 220 greeting on 127.0.0.1:PORT.
wait_ready() {
	local port=$1 pid=$2 i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		# shellcheck disable=SC2016 # expanded by the inner bash
		if "${nsx[@]}" timeout 2 bash -c '
			exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
			IFS= read -r -t 2 line <&3 || exit 1
			printf "QUIT\r\n" >&3
			[[ $line == 220* ]]' _ "$port" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# start_server KIND DIR: writes KIND's configuration into DIR, starts it in
# the foreground in its own session (so it and its forked sessions can be
# killed as a group), waits for its 220 and sets srv_port to its control
# port. Not in a subshell: server_pids must see the new server.
start_server() {
	local kind=$1 dir=$2 port lo hi n=32 cmd=() env=()
	srv_login=()
	srv_user=()
	srv_account=("anonymous" "$anon_password")
	mkdir -p "$dir"
	port=$(free_port)
	lo=$(free_range "$n")
	hi=$((lo + n - 1))
	make_cert "$dir"
	fill_root "$dir/root"
	case $kind in
	vsftpd | vsftpd-legacy)
		[[ -n $vsftpd_bin ]] || { echo "vsftpd binary not found" >&2; return 1; }
		mkdir -p "$dir/empty"
		cat >"$dir/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
background=NO
listen_address=127.0.0.1
listen_port=$port
write_enable=NO
secure_chroot_dir=$dir/empty
connect_from_port_20=NO
pasv_enable=YES
pasv_min_port=$lo
pasv_max_port=$hi
xferlog_enable=YES
xferlog_std_format=NO
log_ftp_protocol=YES
vsftpd_log_file=$dir/vsftpd.log
run_as_launching_user=YES
anonymous_enable=YES
local_enable=NO
anon_root=$dir/root
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
ssl_enable=YES
rsa_cert_file=$dir/cert.pem
rsa_private_key_file=$dir/key.pem
force_local_logins_ssl=NO
force_local_data_ssl=NO
implicit_ssl=NO
EOF
		if [[ $kind == vsftpd-legacy ]]; then
			# vsftpd has no version options: an OpenSSL config of its own
			# opens TLS 1.0 and 1.1 and every suite OpenSSL still has.
			cat >"$dir/openssl.cnf" <<'EOF'
openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = TLSv1
MaxProtocol = TLSv1.3
CipherString = ALL:@SECLEVEL=0
EOF
			echo "ssl_ciphers=ALL:@SECLEVEL=0" >>"$dir/vsftpd.conf"
			env=("OPENSSL_CONF=$dir/openssl.cnf")
		fi
		cmd=("$vsftpd_bin" "$dir/vsftpd.conf")
		;;
	proftpd)
		[[ -x $proftpd_bin && -e $proftpd_mods/mod_tls.so ]] || { echo "proftpd or mod_tls.so not found" >&2; return 1; }
		# a virtual user "anonymous" (ftpsdiag's default login) with
		# nobody's uid, reading the instance's own root
		printf 'anonymous:%s:65534:65534::%s:/bin/sh\n' \
			"$(openssl passwd -6 "$anon_password")" "$dir/root" >"$dir/ftpd.passwd"
		chmod 600 "$dir/ftpd.passwd"
		cat >"$dir/proftpd.conf" <<EOF
ModulePath $proftpd_mods
LoadModule mod_tls.c
ServerType standalone
ServerName "ftpsdiag-bench"
Port $port
DefaultAddress 127.0.0.1
SocketBindTight on
UseIPv6 off
PassivePorts $lo $hi
MaxInstances 30
UseReverseDNS off
PidFile $dir/proftpd.pid
ScoreboardFile $dir/proftpd.scoreboard
DelayTable none
WtmpLog off
TransferLog none
RequireValidShell off
User nobody
Group nogroup
AuthUserFile $dir/ftpd.passwd
AuthOrder mod_auth_file.c
<Limit WRITE>
DenyAll
</Limit>
<IfModule mod_auth_pam.c>
AuthPAM off
</IfModule>
<IfModule mod_delay.c>
DelayEngine off
</IfModule>
<IfModule mod_ctrls.c>
ControlsEngine off
</IfModule>
TLSEngine on
TLSLog $dir/tls.log
TLSRSACertificateFile $dir/cert.pem
TLSRSACertificateKeyFile $dir/key.pem
EOF
		cmd=("$proftpd_bin" --nodaemon --config "$dir/proftpd.conf")
		;;
	pure-ftpd)
		[[ -x $pureftpd_bin && -x $purepw_bin ]] || { echo "pure-ftpd or pure-pw not found" >&2; return 1; }
		# Anonymous logins need a system user "ftp": a virtual user of
		# nobody's uid instead (chrooted to the root, "/./"), hashed with
		# crypt(3) rather than pure-pw's slow default, and ftpsdiag logs
		# in as it (a failed login would cost Pure-FTPd's delay).
		printf '%s:%s:65534:65534::%s/./::::::::::::\n' "$bench_user" \
			"$(openssl passwd -6 "$bench_password")" "$dir/root" >"$dir/pureftpd.passwd"
		"$purepw_bin" mkdb "$dir/pureftpd.pdb" -f "$dir/pureftpd.passwd" >/dev/null
		cmd=("$pureftpd_bin" -S "127.0.0.1,$port" -p "$lo:$hi" -c $((n / 2)) -C $((n / 2))
			-l "puredb:$dir/pureftpd.pdb" -E -H -g "$dir/pure-ftpd.pid" -Y 1 -2 "$dir/cert.pem,$dir/key.pem")
		srv_login=(env "FTPSDIAG_PASSWORD=$bench_password")
		srv_user=(--user "$bench_user")
		srv_account=("$bench_user" "$bench_password")
		;;
	*)
		echo "unknown server $kind" >&2
		return 1
		;;
	esac
	# vsftpd reports start-up errors on fd 0, so it gets the log file too.
	setsid env "${env[@]}" "${nsx[@]}" "${cmd[@]}" <>"$dir/output.log" >&0 2>&0 &
	local pid=$!
	server_pids+=("$pid")
	if ! wait_ready "$port" "$pid"; then
		echo "$kind did not come up on 127.0.0.1:$port:" >&2
		tail -n 20 "$dir"/*.log >&2 || true
		return 1
	fi
	srv_port=$port
}

# ----------------------------------------------------------- measurements
now() { echo "$EPOCHREALTIME"; }

# rows of the timing table: pass|server|tool|seconds|exit status
rows=()

# timed LABEL OUT ERR CMD... runs CMD (in the pass's namespace) with a
# bound, and records its wall time.
timed() {
	local pass=$1 server=$2 tool=$3 out=$4 err=$5 t0 t1 rc=0
	shift 5
	t0=$(now)
	# In the background so that a signal to this script is handled at
	# once (bash runs traps only between commands); timeout puts itself
	# and the tool in a process group of their own, which cleanup kills.
	timeout -k 10 "$tool_timeout" "${nsx[@]}" "$@" >"$out" 2>"$err" </dev/null &
	tool_pid=$!
	wait "$tool_pid" || rc=$?
	tool_pid=""
	t1=$(now)
	local secs
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	rows+=("$pass|$server|$tool|$secs|$rc")
	log "$pass $server $tool: ${secs}s (exit $rc)"
}

status=0
srv_port=""
srv_login=() # command prefix for ftpsdiag (its password in the environment)
srv_user=()  # ftpsdiag's login flags
srv_account=() # user and password of the login, for curl's netrc

# diag_report PASS KIND TOOL OUT records the round trips and critical
# path of the ftpsdiag JSON report OUT of TOOL's run just timed.
diag_report() {
	local fields
	fields=$(jq -r '[.attempts[0].round_trips // "-", .attempts[0].critical_path_ms // "-"] | join("|")' "$4" 2>/dev/null) || fields="-|-"
	diag_rts+=("$1|$2|$3|$fields")
}

# diagnoses PASS KIND DIR TARGET times $diagnose rounds, each running in
# turn: a plain diagnosis of TARGET (by the baseline build too, if any),
# one with --transfers 1, curl's login + LIST and an openssl s_client
# STARTTLS handshake, so that a drift of the machine hits all alike.
diagnoses() {
	local pass=$1 kind=$2 dir=$3 target=$4 i label bin
	((diagnose)) || return 0
	# curl reads the login from a netrc, keeping the password out of argv
	printf 'machine 127.0.0.1 login %s password %s\n' "${srv_account[@]}" >"$dir/netrc"
	chmod 600 "$dir/netrc"
	for ((i = 1; i <= diagnose; i++)); do
		for label in ${baseline:+baseline} ftpsdiag; do
			bin=$ftpsdiag
			[[ $label == baseline ]] && bin=$baseline
			[[ -n $bin ]] || continue
			timed "$pass" "$kind" "diag:$label" "$dir/diag-$label-$i.json" "$dir/diag-$label-$i.err" \
				"${srv_login[@]}" "$bin" --format json "${srv_user[@]}" "ftpes://$target"
			diag_report "$pass" "$kind" "diag:$label" "$dir/diag-$label-$i.json"
		done
		if [[ -n $ftpsdiag ]]; then
			timed "$pass" "$kind" "diag:t1" "$dir/diag-t1-$i.json" "$dir/diag-t1-$i.err" \
				"${srv_login[@]}" "$ftpsdiag" --format json --transfers 1 "${srv_user[@]}" "ftpes://$target"
			diag_report "$pass" "$kind" diag:t1 "$dir/diag-t1-$i.json"
		fi
		timed "$pass" "$kind" "curl" "$dir/curl-$i.txt" "$dir/curl-$i.err" \
			curl --ssl-reqd -k -s -S --netrc-file "$dir/netrc" "ftp://$target/"
		# stdin is /dev/null: s_client quits once the handshake is done
		timed "$pass" "$kind" "s_client" "$dir/s_client-$i.txt" "$dir/s_client-$i.err" \
			openssl s_client -starttls ftp -connect "$target" -brief
	done
}

# median prints the median of its arguments.
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

diag_rts=() # pass|server|tool|round_trips|critical_path_ms of each ftpsdiag --diagnose run

# run_pass NAME: starts every server, runs the three tools against each,
# compares their findings, stops the servers.
run_pass() {
	local pass=$1 kind dir
	for kind in ${servers//,/ }; do
		dir=$tmp/$pass/$kind
		mkdir -p "$dir"
		log "$pass: starting $kind"
		if ! start_server "$kind" "$dir/server"; then
			status=1
			rows+=("$pass|$kind|(server)|-|failed")
			continue
		fi
		local target=127.0.0.1:$srv_port
		log "$pass: $kind on $target"
		if [[ -n $ftpsdiag ]]; then
			timed "$pass" "$kind" ftpsdiag "$dir/ftpsdiag.json" "$dir/ftpsdiag.err" \
				"${srv_login[@]}" "$ftpsdiag" --scan --format json --mode explicit --deadline 280s \
				"${srv_user[@]}" "$target"
		else
			rows+=("$pass|$kind|ftpsdiag|-|no build")
			: >"$dir/ftpsdiag.json"
		fi
		timed "$pass" "$kind" sslscan "$dir/sslscan.txt" "$dir/sslscan.err" \
			sslscan --starttls-ftp --no-colour --xml="$dir/sslscan.xml" "$target"
		local compare_args=(--map "$tmp/cipher-map.txt" --ftpsdiag "$dir/ftpsdiag.json" --sslscan "$dir/sslscan.xml")
		if ((testssl)); then
			# shellcheck disable=SC2086 # testssl_args is a list of options
			timed "$pass" "$kind" testssl.sh "$dir/testssl.txt" "$dir/testssl.err" \
				testssl --starttls ftp $testssl_args --quiet --color 0 --warnings batch \
				--mapping iana --openssl "$(command -v openssl)" --nodns none \
				--connect-timeout 10 --openssl-timeout 10 \
				--jsonfile "$dir/testssl.json" "$target"
			compare_args+=(--testssl "$dir/testssl.json")
		fi
		diagnoses "$pass" "$kind" "$dir" "$target"
		stop_group "${server_pids[-1]}"
		unset 'server_pids[-1]'

		echo "--- findings: $pass, $kind"
		if [[ -s $dir/ftpsdiag.err ]]; then
			echo "  ftpsdiag stderr: $(head -c 300 "$dir/ftpsdiag.err")"
		fi
		local rc=0
		"$py" "$here/findings.py" "${compare_args[@]}" || rc=$?
		((rc == 0)) || status=1
	done
}

# ------------------------------------------------------------------ passes
rtt_note=""
rtt_ms="" # the namespace's measured round trip, for the RTT counts
if ((loopback)); then
	nsx=()
	echo "=== pass: loopback (127.0.0.1, no added delay)"
	run_pass loopback
fi

if [[ $latency != 0 ]]; then
	rtt=$(awk -v d="$latency" 'BEGIN { printf "%g", 2 * d }')
	pass=rtt${rtt}ms
	echo "=== pass: $pass (network namespace $netns, ${latency} ms per packet on its lo)"
	ip netns add "$netns"
	netns_made=1
	ip -n "$netns" link set lo up
	# Packets wait on their way in (INPUT), not out (OUTPUT): a packet
	# held in OUTPUT still counts as unsent on its socket, so TCP
	# autocorking and small queues hold the next small write back until
	# the delay line lets the previous one go, half a round trip a real
	# network never adds (issue 16's captures). Past loopback_xmit the
	# sender's packet is freed, as a NIC frees it.
	ip netns exec "$netns" iptables-legacy -A INPUT -i lo -j NFQUEUE --queue-num 50
	ip netns exec "$netns" ip6tables-legacy -A INPUT -i lo -j NFQUEUE --queue-num 50 || true
	# Real-time priority: on a busy machine a plain python delay line
	# added up to 19 ms to a packet, now and then.
	setsid ip netns exec "$netns" chrt -f 10 "$py" "$nfq_delay" --netns-file "/run/netns/$netns" \
		--delay-ms "$latency" >"$tmp/nfq_delay.log" 2>&1 </dev/null &
	delay_pid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q 'bound to NFQUEUE' "$tmp/nfq_delay.log" && break
		kill -0 "$delay_pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q 'bound to NFQUEUE' "$tmp/nfq_delay.log"; then
		cat "$tmp/nfq_delay.log" >&2
		echo "compare.sh: the delay line did not start" >&2
		exit 2
	fi
	nsx=(ip netns exec "$netns")
	# -U: user to user; ping's kernel receive stamp is taken before INPUT
	ping_out=$("${nsx[@]}" ping -U -n -c 7 -i 0.2 127.0.0.1 2>&1 || true)
	rtt_note=$(grep -E '^(rtt|round-trip)' <<<"$ping_out" || echo "ping failed: $ping_out")
	# the median of the replies' "time=T ms": the first ones can wait for
	# the delay line to warm up, which an average would count
	mapfile -t ping_times < <(grep -o 'time=[0-9.]*' <<<"$ping_out" | cut -d= -f2)
	((${#ping_times[@]})) && rtt_ms=$(median "${ping_times[@]}")
	echo "ping 127.0.0.1 in $netns: $rtt_note"
	run_pass "$pass"
fi

# ------------------------------------------------------------------ report
echo
echo "=== wall time (ratio = tool / ftpsdiag of the same pass and server)"
printf '%-12s %-14s %-14s %9s %7s %s\n' pass server tool seconds ratio exit
declare -A fd_secs=()
for r in "${rows[@]}"; do
	IFS='|' read -r p s t secs rc <<<"$r"
	[[ $t == ftpsdiag && $rc =~ ^[0-2]$ ]] && fd_secs[$p/$s]=$secs
done
for r in "${rows[@]}"; do
	IFS='|' read -r p s t secs rc <<<"$r"
	ratio=-
	if [[ -n ${fd_secs[$p/$s]:-} && $secs != - ]]; then
		ratio=$(awk -v a="$secs" -v b="${fd_secs[$p/$s]}" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }')
	fi
	printf '%-12s %-14s %-14s %9s %7s %s\n' "$p" "$s" "$t" "$secs" "$ratio" "$rc"
	[[ $t == ftpsdiag && ! $rc =~ ^[0-2]$ ]] && status=1
done
[[ -n $rtt_note ]] && echo "measured in the namespace: $rtt_note"

# sums over the servers of one pass, for tool in {ftpsdiag, sslscan}
sum_of() {
	local pass=$1 tool=$2 total=0 r p s t secs rc
	for r in "${rows[@]}"; do
		IFS='|' read -r p s t secs rc <<<"$r"
		[[ $p == "$pass" && $t == "$tool" && $secs != - ]] || continue
		total=$(awk -v a="$total" -v b="$secs" 'BEGIN { print a + b }')
	done
	echo "$total"
}

echo
echo "=== ftpsdiag / sslscan wall time"
target="TARGET MISSED"
target_why="no loopback pass"
for p in loopback "${pass:-}"; do
	[[ -n $p ]] || continue
	if [[ $p == loopback ]] && ((!loopback)); then continue; fi
	line=""
	worst=0
	ok=1
	for s in ${servers//,/ }; do
		fd=${fd_secs[$p/$s]:-}
		ss=""
		for r in "${rows[@]}"; do
			IFS='|' read -r rp rs rt secs rc <<<"$r"
			[[ $rp == "$p" && $rs == "$s" && $rt == sslscan && $rc == 0 ]] && ss=$secs
		done
		if [[ -z $fd || -z $ss ]]; then
			line+=" $s: n/a"
			ok=0
			continue
		fi
		q=$(awk -v a="$fd" -v b="$ss" 'BEGIN { if (b + 0 == 0) print 999; else printf "%.3f", a / b }')
		line+=" $s: $q"
		worst=$(awk -v a="$worst" -v b="$q" 'BEGIN { if (b + 0 > a + 0) print b; else print a }')
	done
	fd_sum=$(sum_of "$p" ftpsdiag)
	ss_sum=$(sum_of "$p" sslscan)
	echo "$p:$line (sums ${fd_sum}s / ${ss_sum}s)"
	if [[ $p == loopback ]]; then
		if ((!ok)); then
			target_why="ftpsdiag --scan or sslscan did not complete on every server"
		elif awk -v w="$worst" 'BEGIN { exit !(w <= 0.5) }'; then
			target="TARGET MET"
			target_why="worst ftpsdiag/sslscan on loopback $worst <= 0.5"
		else
			target_why="worst ftpsdiag/sslscan on loopback $worst > 0.5"
		fi
	fi
done
echo "$target ($target_why)"

# diag_ok TOOL RC: did a --diagnose run of TOOL complete (ftpsdiag exits
# 1 or 2 for findings, the others 0)?
diag_ok() {
	case $1 in
	diag:*) [[ $2 =~ ^[0-2]$ ]] ;;
	*) [[ $2 == 0 ]] ;;
	esac
}

# diag_median PASS SERVER TOOL FIELD prints the median of a --diagnose
# measure: FIELD secs (of the completed runs), rt or cp (from the JSON).
diag_median() {
	local p=$1 s=$2 t=$3 f=$4 q qp qs qt qsecs qrc qrt qcp vals=()
	if [[ $f == secs ]]; then
		for q in "${rows[@]}"; do
			IFS='|' read -r qp qs qt qsecs qrc <<<"$q"
			[[ $qp == "$p" && $qs == "$s" && $qt == "$t" ]] && diag_ok "$qt" "$qrc" && vals+=("$qsecs")
		done
	else
		for q in "${diag_rts[@]}"; do
			IFS='|' read -r qp qs qt qrt qcp <<<"$q"
			[[ $qp == "$p" && $qs == "$s" && $qt == "$t" ]] || continue
			[[ $f == rt ]] && q=$qrt || q=$qcp
			[[ $q != - ]] && vals+=("$q")
		done
	fi
	median "${vals[@]}"
}

# ratio A B prints A/B with two decimals, or - when either is missing.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}

# at_most A B prints whether the measure A meets the target "at most B".
at_most() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-") print "n/a"; else if (a + 0 <= b + 0) print "met"; else print "not met" }'
}

if ((diagnose)); then
	echo
	echo "=== quick diagnosis vs curl (--diagnose $diagnose, interleaved): medians"
	echo "    x curl = seconds / curl login+LIST; RTT = seconds / measured RTT (${rtt_ms:-n/a} ms, delayed pass only);"
	echo "    round_trips and critical_path_ms are ftpsdiag's JSON (attempts[0])"
	printf '%-12s %-14s %-16s %3s %8s %7s %6s %11s %9s\n' pass server tool ok seconds "x curl" RTT round_trips crit_ms
	declare -A seen=()
	declare -A names=([diag:baseline]="baseline default" [diag:ftpsdiag]="ftpsdiag default" [diag:t1]="--transfers 1" [curl]="curl login+LIST" [s_client]="s_client hshake")
	for r in "${rows[@]}"; do
		IFS='|' read -r p s t _ _ <<<"$r"
		[[ -n ${names[$t]:-} && -z ${seen[$p/$s]:-} ]] || continue
		seen[$p/$s]=1
		rtt_s=- # seconds
		[[ $p != loopback && -n $rtt_ms ]] && rtt_s=$(awk -v r="$rtt_ms" 'BEGIN { print r / 1000 }')
		curl_secs=$(diag_median "$p" "$s" curl secs)
		declare -A med=()
		for t in diag:baseline diag:ftpsdiag diag:t1 curl s_client; do
			n=0 ok=0
			for q in "${rows[@]}"; do
				IFS='|' read -r qp qs qt _ qrc <<<"$q"
				[[ $qp == "$p" && $qs == "$s" && $qt == "$t" ]] || continue
				n=$((n + 1))
				diag_ok "$qt" "$qrc" && ok=$((ok + 1))
			done
			((n)) || continue
			secs=$(diag_median "$p" "$s" "$t" secs)
			med[$t]=$secs
			rt=- cp=-
			if [[ $t == diag:* ]]; then
				rt=$(diag_median "$p" "$s" "$t" rt)
				cp=$(diag_median "$p" "$s" "$t" cp)
			fi
			printf '%-12s %-14s %-16s %3s %8s %7s %6s %11s %9s\n' "$p" "$s" "${names[$t]}" "$ok/$n" "$secs" \
				"$(ratio "$secs" "$curl_secs")" "$(ratio "$secs" "$rtt_s")" "$rt" "$cp"
		done
		if [[ $rtt_s != - ]]; then
			# issue 16's targets, stated for vsftpd explicit at 50 ms;
			# informative, they do not change the exit status
			t1_rtt=$(ratio "${med[diag:t1]:--}" "$rtt_s")
			t1_curl=$(ratio "${med[diag:t1]:--}" "$curl_secs")
			df_rtt=$(ratio "${med[diag:ftpsdiag]:--}" "$rtt_s")
			echo "  targets ($p, $s):"
			echo "    --transfers 1 <= 15 RTT wall: $t1_rtt RTT, $(at_most "$t1_rtt" 15)"
			echo "    --transfers 1 <= 0.65 x curl: $t1_curl x, $(at_most "$t1_curl" 0.65)"
			echo "    default <= 25 RTT wall:       $df_rtt RTT, $(at_most "$df_rtt" 25)"
		fi
		unset med
	done
fi
[[ $target == "TARGET MET" ]] || status=1
exit "$status"
