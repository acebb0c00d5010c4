#!/bin/sh
# The compose service's entrypoint: runs `tmdbsync "$@"` (sync --forever) so that a fatal
# configuration error does not become a restart loop.
#
# Compose's `restart: unless-stopped` restarts a container whatever its exit code (it has to: it
# is what brings the daemon back after a crash or a reboot), and no restart policy can tell exit
# codes apart. Exit 2 means the setup is wrong (an invalid key, a bad setting), which no restart
# fixes, but also a database that cannot be opened, which may only be the db service restarting.
# So exit 2 is tried again FATAL_TRIES times, FATAL_WAIT seconds apart; if it persists the
# container parks: it stays up doing nothing, its health check failing, until the setting is
# fixed and the container recreated (`docker compose up -d`). Any other exit code is passed on.
# SIGTERM, SIGINT and SIGHUP go to tmdbsync (which saves its work and exits 0 on SIGTERM); while
# waiting or parked they end the container at once, with 0.
set -u
tries=${FATAL_TRIES:-5}
wait_seconds=${FATAL_WAIT:-120}
parked=${TMPDIR:-/tmp}/tmdbsync-parked
rm -f "$parked"

# Sleep until $1 seconds pass or a stop signal comes (then exit 0, the sleep ended with it).
pause() {
    sleep "$1" &
    trap "kill $! 2>/dev/null; exit 0" TERM INT HUP
    wait $!
}

while :; do
    tmdbsync "$@" &
    child=$!
    trap 'kill -s TERM $child 2>/dev/null' TERM HUP
    trap 'kill -s INT $child 2>/dev/null' INT
    # a trapped signal interrupts `wait`: wait again for tmdbsync's own exit code
    while wait $child; code=$?; kill -0 $child 2>/dev/null; do :; done
    trap - TERM INT HUP
    if [ "$code" -ne 2 ]; then
        exit "$code"
    fi
    if [ "$tries" -le 0 ]; then
        break
    fi
    tries=$((tries - 1))
    echo "tmdbsync exited 2 (setup or database); trying again in $wait_seconds s" >&2
    pause "$wait_seconds"
done
echo "tmdbsync exited 2 again: parked, not restarted. Fix the setting the line above names" \
    "(tmdbsync config shows them), then: docker compose up -d --force-recreate tmdbsync" >&2
touch "$parked"
while :; do
    pause 3600
done
