#!/bin/bash
# The installed service under a real systemd: boots a container (systemd-nspawn) whose root is
# this machine's root behind a throw-away overlay, with `make install` run into it, and checks
# that tidingsd, with every hardening directive of its unit in force, starts (Type=notify),
# ingests from a feed server inside the container, keeps the watchdog fed, reloads on
# `systemctl reload` (a new source is fetched), logs nothing refused by the sandbox, and stops
# cleanly with an intact store.
#
#   Tests/Service/boot-under-systemd.sh BINARIES_DIR
#
# The container has a private network: only its own loopback, where the feed server listens.
# Exit 0: passed; 77: this machine cannot boot a container (not root, no systemd-nspawn, no
# overlay mounts, no boot), with the reason on stdout; anything else: a failure, with the
# journal of the unit.
set -u
binaries=$(cd "${1:?usage: $0 BINARIES_DIR}" && pwd)
repository=$(cd "$(dirname "$0")/../.." && pwd)

skip() { echo "skipped: $*"; exit 77; }
fail() {
    echo "FAILED: $*"
    [ -n "${leader:-}" ] && inside journalctl -u tidingsd --no-pager -n 60 2>/dev/null
    exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root (to mount an overlay and boot a container)"
command -v systemd-nspawn >/dev/null || skip "systemd-nspawn not installed (Debian package systemd-container)"
[ -x /lib/systemd/systemd ] || skip "no systemd to boot"

scratch=$(mktemp -d /var/tmp/tidings-boot-XXXXXX)
root=$scratch/root
mkdir -p "$scratch/upper" "$scratch/work" "$root"
nspawn=""
cleanup() {
    if [ -n "$nspawn" ]; then
        kill -TERM "$nspawn" 2>/dev/null  # nspawn asks the container's systemd to power off
        for _ in $(seq 1 100); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$nspawn" 2>/dev/null
    fi
    mountpoint -q "$root" && umount "$root"
    rm -rf "$scratch"
}
trap cleanup EXIT
mount -t overlay overlay -o "lowerdir=/,upperdir=$scratch/upper,workdir=$scratch/work" "$root" 2>/dev/null \
    || skip "cannot mount an overlay of / (no CAP_SYS_ADMIN?)"

# What the container would not see of the host: mounts under /, such as the libraries of a
# toolchain outside /usr, are bound in read-only.
binds=()
for library in $(ldd "$binaries/tidingsd" | awk '$3 ~ /^\// { print $3 }'); do
    directory=$(dirname "$library")
    [ -e "$root$library" ] || binds+=("--bind-ro=$directory")
done

make -s -C "$repository" install NO_BUILD=1 INSTALL_FROM="$binaries" DESTDIR="$root" PREFIX=/usr/local >/dev/null \
    || fail "make install into the container's root"
# A state directory left by a run on this machine would be the container's too: start clean, but
# for today's change log as a run of tidingsd as root leaves it (root's, where the service must write).
rm -rf "$root/var/lib/tidings"
mkdir -p "$root/var/lib/tidings/changes"
: > "$root/var/lib/tidings/changes/changes-$(date -u +%F).jsonl"
port=8099
cp "$repository/Tests/Servers/feed_server.py" "$root/usr/local/lib/feed_server.py"
cat > "$root/etc/tidings/tidings.toml" <<EOF
[daemon]
database = "/var/lib/tidings/tidings.db"
change_log = "/var/lib/tidings/changes"
metrics_file = "/var/lib/tidings/tidings.prom"
min_interval = "2s"
default_interval = "2s"
adaptive_interval = false
host_spacing = 0
maintenance_interval = "5s"

[[source]]
id = "first"
url = "http://127.0.0.1:$port/rolling/first?items=10&new=2"
EOF
cat > "$root/etc/systemd/system/feed-server.service" <<EOF
[Unit]
Description=Feeds for tidingsd (test)
[Service]
Type=simple
ExecStart=/usr/bin/python3 /usr/local/lib/feed_server.py --root /run --port $port
EOF
# Boot into just what the check needs: the basic system, the feed server and tidingsd.
cat > "$root/etc/systemd/system/tidings-check.target" <<EOF
[Unit]
Description=tidingsd under test
Requires=basic.target
Wants=feed-server.service tidingsd.service
After=basic.target
EOF

systemd-nspawn --quiet --directory="$root" --boot --private-network --register=no --keep-unit --console=passive \
    --machine="tidings-check-$$" "${binds[@]}" systemd.unit=tidings-check.target >"$scratch/boot.log" 2>&1 &
nspawn=$!

# The container's PID 1: the systemd whose parent chain leads to nspawn.
leader=""
for _ in $(seq 1 100); do
    for pid in $(pgrep -x systemd); do
        parent=$pid
        while [ "$parent" -gt 1 ]; do
            parent=$(awk '{ print $4 }' "/proc/$parent/stat" 2>/dev/null || echo 1)
            if [ "$parent" = "$nspawn" ]; then leader=$pid; break 2; fi
        done
    done
    sleep 0.2
done
[ -n "$leader" ] || skip "the container did not boot: $(tail -3 "$scratch/boot.log" | tr '\n' ' ')"
inside() { nsenter -t "$leader" -a "$@"; }
state=""
for _ in $(seq 1 150); do
    state=$(inside systemctl is-system-running 2>/dev/null)
    case $state in running|degraded) break ;; esac
    sleep 0.2
done
case $state in running|degraded) ;; *) skip "the container's systemd did not come up (state '$state')" ;; esac

property() { inside systemctl show tidingsd -p "$1" --value; }
database=$root/var/lib/tidings/tidings.db
articles() {  # articles of a source, read from outside the container
    python3 - "$database" "$1" <<'EOF'
import sqlite3, sys
try:
    with sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=5) as db:
        print(db.execute("SELECT count(*) FROM articles WHERE source_id = ?", (sys.argv[2],)).fetchone()[0])
except sqlite3.Error:
    print(0)
EOF
}
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 description=$2
    shift 2
    for _ in $(seq 1 $((seconds * 5))); do "$@" && return 0; sleep 0.2; done
    fail "$description (after ${seconds}s)"
}

wait_for 30 "tidingsd active" test "$(property ActiveState)" = active
started=$(date +%s)
echo "tidingsd active (Type=notify: READY=1 received); status: $(property StatusText)"
has_articles() { [ "$(articles "$1")" -gt 0 ]; }
wait_for 30 "articles of the first source in the store" has_articles first
echo "ingesting: $(articles first) articles from the first source"

# Reload: a second source, picked up without a restart.
cat >> "$root/etc/tidings/tidings.toml" <<EOF

[[source]]
id = "second"
url = "http://127.0.0.1:$port/rolling/second?items=10&new=2"
EOF
main_pid=$(property MainPID)
inside systemctl reload tidingsd || fail "systemctl reload"
wait_for 30 "articles of the source added by the reload" has_articles second
[ "$(property MainPID)" = "$main_pid" ] || fail "the reload restarted tidingsd"
echo "reloaded: $(articles second) articles from the added source, same process"

# The watchdog (WatchdogSec=30s) is fed: past one period, never restarted, pings recorded.
while [ $(($(date +%s) - started)) -lt 35 ]; do sleep 1; done
[ "$(property ActiveState)" = active ] || fail "tidingsd not active after 35 s"
[ "$(property NRestarts)" = 0 ] || fail "tidingsd was restarted $(property NRestarts) times"
[ "$(property WatchdogTimestampMonotonic)" != 0 ] || fail "no watchdog keep-alive received"
status=$(property StatusText)
case $status in *DEGRADED*|*failing\ since*) fail "status reports trouble: $status" ;; esac
echo "watchdog fed past 35 s, no restart; status: $status"

# LimitNICE=-4 lets libdispatch raise its event thread to nice -4. A container without
# CAP_SYS_RESOURCE under a hard limit of 0 cannot grant it; then that one thread's refusal
# (EACCES, once) is expected.
nice_limit=$(inside awk '/Max nice priority/ { print $4 }' "/proc/$(property MainPID)/limits")
stop_started=$(date +%s%N)
inside systemctl stop tidingsd || fail "systemctl stop"
stop_ms=$((($(date +%s%N) - stop_started) / 1000000))
[ "$(property Result)" = success ] || fail "stop result $(property Result)"
[ "$(property ExecMainStatus)" = 0 ] || fail "exit status $(property ExecMainStatus)"

# Nothing the sandbox refused: no filtered system call, no denied file, no error line.
journal=$(inside journalctl -u tidingsd --no-pager -o cat)
refused=$(grep -E "Failed to set|SIGSYS|status=31|Permission denied|Operation not permitted|Read-only file system|^error|^critical" <<<"$journal")
if [ "$nice_limit" -lt 24 ] && [ "$(grep -c . <<<"$refused")" = 1 ] && grep -q "Failed to set thread priority.*errno=13" <<<"$refused"; then
    echo "LimitNICE not in force here (hard limit $nice_limit, no CAP_SYS_RESOURCE): the event thread's nice -4 was refused once"
    refused=""
fi
[ -z "$refused" ] || fail "the journal shows refusals: $refused"
check=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])" "$database")
[ "$check" = ok ] || fail "integrity_check: $check"
owners=$(inside find /var/lib/tidings ! -user tidings | head -3)
[ -z "$owners" ] || fail "state files not owned by tidings: $owners"
echo "stopped cleanly in $stop_ms ms (exit 0); store intact; $(grep -c . <<<"$journal") journal lines, none refused by the sandbox"
