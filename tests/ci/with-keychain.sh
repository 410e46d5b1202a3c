#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so the vault
# talks to a real Secret Service (shared/PLATFORM.md: an empty password cannot create the
# login collection without a prompter, so a throw-away non-empty one is used).
# The daemon keeps its keyrings in a folder of its own under the build cache, so a login
# keyring someone else made with another password can never leave it locked, and secrets
# (e.g. the demo store's key) persist from one run to the next.
#
# Why it waits for the bus name: `--unlock` forks a daemon that claims org.freedesktop.secrets
# a moment later. A client that asks before then makes dbus *activate* a second daemon
# (`--start --foreground`, from the service file) with the default data folder and no
# unlocked login collection; whichever claims the name first serves every test, and when it
# is the activated one each keychain call asks for a prompter that cannot open a display.
# A CI run failed exactly so ("Activating service name='org.gnome.keyring.SystemPrompter'
# requested by … comm=gnome-keyring-daemon --start"). So: one daemon, wait until it owns the
# name, then prove a store/lookup/clear round trip before running anything.
#
# Why the bus has a service file of its own: gnome-keyring-daemon 42 can abort on a race with
# a client that goes away in the middle of a request ("gkd_secret_service_get_pkcs11_session:
# assertion 'client' failed", GNOME/gnome-keyring#196 and #199). The crash tests kill xpartner
# at random points, sometimes inside a keychain call: a CI run lost its daemon so (the kernel
# logged "traps: gnome-keyring-d … trap int3 … in libglib"), and every later keychain call
# reached a daemon D-Bus activated from the system's service file, with no unlocked login
# collection. Here the bus activates this one instead, unlocked, on the same keyring folder, so
# the next call after a crash finds the same secrets.
# Usage: tests/ci/with-keychain.sh CMD [ARGS...]
set -euo pipefail
KEYRING_DATA="${XP_KEYRING_DATA:-$HOME/.cache/xero-partner/keyring-data}"
mkdir -p "$KEYRING_DATA"
if [ -z "${XP_IN_KEYCHAIN_SESSION:-}" ]; then
  bus="$KEYRING_DATA/bus"
  mkdir -p "$bus/services"
  printf '#!/bin/sh\nprintf xp-ci-keyring | XDG_DATA_HOME=%q exec gnome-keyring-daemon --foreground --unlock --components=secrets\n' \
    "$KEYRING_DATA" >"$bus/keyring-daemon.sh"
  chmod +x "$bus/keyring-daemon.sh"
  printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec=%s\n' "$bus/keyring-daemon.sh" \
    >"$bus/services/org.freedesktop.secrets.service"
  # The first service directory holding a name wins; the system's session bus config follows.
  printf '%s\n' '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"' \
    ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">' '<busconfig>' \
    "  <servicedir>$bus/services</servicedir>" '  <include>/usr/share/dbus-1/session.conf</include>' \
    '</busconfig>' >"$bus/session.conf"
  exec env XP_IN_KEYCHAIN_SESSION=1 XP_KEYRING_DATA="$KEYRING_DATA" \
    dbus-run-session --config-file="$bus/session.conf" -- "$0" "$@"
fi

name_has_owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}

daemon_env="$(printf 'xp-ci-keyring' | XDG_DATA_HOME="$KEYRING_DATA" gnome-keyring-daemon --unlock --components=secrets)" || {
  echo "with-keychain: gnome-keyring-daemon --unlock failed" >&2
  exit 1
}
eval "$daemon_env"
export GNOME_KEYRING_CONTROL
for _ in $(seq 1 100); do
  name_has_owner && break
  sleep 0.1
done
if ! name_has_owner; then
  echo "with-keychain: no daemon claimed org.freedesktop.secrets within 10 s" >&2
  exit 1
fi
probe="xp-ci-probe-$$"
if ! { printf 'probe' | timeout 10 secret-tool store --label="$probe" xp-ci-probe "$probe" \
  && [ "$(timeout 10 secret-tool lookup xp-ci-probe "$probe")" = probe ] \
  && timeout 10 secret-tool clear xp-ci-probe "$probe"; }; then
  echo "with-keychain: the keyring does not store and return a secret (is $KEYRING_DATA/keyrings/login.keyring locked with another password?)" >&2
  exit 1
fi
exec "$@"
