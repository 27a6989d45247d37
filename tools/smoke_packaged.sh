#!/usr/bin/env bash
# Smoke test of the packaged build, after `make package`: does the frozen application find
# everything PyInstaller cannot see (migrations as files, SQLCipher, holidays, keyring backends,
# Qt plugins, resources)? Not part of `make test` or CI: the build takes about a minute.
#
#   tools/smoke_packaged.sh [path/to/dist/megacase/megacase]
#
# Runs in a throw-away HOME: it never touches your profile, settings or keyring. The keyring
# round trip needs dbus-run-session and gnome-keyring-daemon (Debian: dbus, gnome-keyring), the
# X11 check needs xvfb-run and xwininfo (xvfb, x11-utils); without them those checks are skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

APP=${1:-dist/megacase/megacase}
if [ ! -x "$APP" ]; then
  echo "smoke: no packaged build at $APP: run 'make package' first" >&2
  exit 2
fi
APP=$(realpath "$APP")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/megacase-smoke.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

PASSPHRASE="smoke test recovery passphrase"
passed=0 failed=0 skipped=0
ok()   { echo "ok    $*"; passed=$((passed + 1)); }
bad()  { echo "FAIL  $*"; failed=$((failed + 1)); }
skip() { echo "skip  $*"; skipped=$((skipped + 1)); }

# A private home: no user data folder, settings or session bus leak in, nothing leaks out.
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share" \
       XDG_CACHE_HOME="$WORK/home/.cache" XDG_RUNTIME_DIR="$WORK/run"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DBUS_SESSION_BUS_ADDRESS MEGACASE_DATA_DIR MEGACASE_PASSPHRASE MEGACASE_USER DISPLAY WAYLAND_DISPLAY
# Outside the keyring check, a keyring that holds nothing: the recovery passphrase must open the register.
export PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring

echo "smoke: $APP ($(du -sh "$(dirname "$APP")" | cut -f1) on disk)"

# 1. The deadline calculator, with Belgian holidays (1 May 2027 is a Saturday, 3 May the next working day).
out=$("$APP" deadline 2027-04-01 2>&1)
[ "$out" = "2027-05-03" ] && ok "deadline 2027-04-01 -> $out" || bad "deadline 2027-04-01 printed '$out', expected 2027-05-03"
out=$("$APP" deadline 2027-04-01 --extended 2>&1)
[ "$out" = "2027-07-01" ] && ok "deadline 2027-04-01 --extended -> $out" || bad "extended deadline printed '$out'"

# 2. A new encrypted register with demo data: SQLCipher, Alembic migrations read from files, KDF.
PROFILE="$WORK/profile"
if out=$(MEGACASE_PASSPHRASE="$PASSPHRASE" "$APP" demo --data-dir "$PROFILE" 2>&1); then
  ok "demo: ${out%%$'\n'*}"
else
  bad "demo failed: $out"
fi

# 3. The register read back as JSON: 40 cases, each with a reference and a due date, accents intact.
json=$(MEGACASE_PASSPHRASE="$PASSPHRASE" "$APP" case list --json --data-dir "$PROFILE" 2>"$WORK/list.err")
if check=$(printf '%s' "$json" | python3 -c '
import json, sys
cases = json.load(sys.stdin)
assert len(cases) == 40, f"{len(cases)} cases"
assert all(c["reference"].startswith("DSR-") and c["due_date"] for c in cases), "a case without reference or due date"
assert any(any(ord(ch) > 127 for ch in c["subject"]["name"]) for c in cases), "no accented name survived"
overdue = sum(c["overdue"] for c in cases)
print(f"{len(cases)} cases, {overdue} overdue")
' 2>&1); then
  ok "case list --json: $check"
else
  bad "case list --json: $check $(cat "$WORK/list.err")"
fi

out=$(MEGACASE_PASSPHRASE="$PASSPHRASE" "$APP" audit verify --data-dir "$PROFILE" 2>&1)
[ $? -eq 0 ] && ok "audit verify: ${out%%, head*}" || bad "audit verify: $out"

# 3b. A letter rendered from the bundled templates (Jinja2, resources/templates).
ref=$(printf '%s' "$json" | python3 -c 'import json, sys; print(json.load(sys.stdin)[-1]["reference"])' 2>/dev/null)
out=$(MEGACASE_PASSPHRASE="$PASSPHRASE" "$APP" letter preview "$ref" acknowledgement --data-dir "$PROFILE" 2>&1)
[ $? -eq 0 ] && [[ "$out" == *"$ref"* ]] && ok "letter preview $ref acknowledgement: ${out%%$'\n'*}" \
  || bad "letter preview $ref: ${out:0:300}"

# 3c. The regulator's case file as PDF (reportlab, bundled fonts), read back (pypdf) to check its printed hashes.
out=$(MEGACASE_PASSPHRASE="$PASSPHRASE" "$APP" export case "$ref" --out "$WORK/case.pdf" --data-dir "$PROFILE" 2>&1) \
  && out=$(MEGACASE_PASSPHRASE="$PASSPHRASE" "$APP" audit verify --case "$ref" --pdf "$WORK/case.pdf" \
           --data-dir "$PROFILE" 2>&1) && [ "$(head -c 4 "$WORK/case.pdf")" = "%PDF" ] \
  && ok "export case $ref: PDF of $(du -k "$WORK/case.pdf" | cut -f1) kB, its hashes verified" \
  || bad "export case $ref / audit verify --pdf: ${out:0:400}"

# 3b. The bundle's own self-test: a throw-away register, a letter, a PDF, audit verify, the window offscreen.
out=$(QT_QPA_PLATFORM=offscreen "$APP" --self-test 2>&1); rc=$?
[ $rc -eq 0 ] && ok "self-test: ${out##*$'\n'}" || bad "self-test: exit $rc; ${out:0:600}"

# 4. Without keyring and passphrase the register stays shut, with a one-line message and exit 2.
out=$("$APP" case list --data-dir "$PROFILE" 2>&1); rc=$?
[ $rc -eq 2 ] && [[ "$out" == *keyring* ]] && ok "no key, no passphrase: exit 2 ('${out:0:60}...')" \
  || bad "no key, no passphrase: exit $rc, '$out'"

# 5. The real keyring: the key stored at creation through Secret Service opens the register with no
#    passphrase. Proves keyring found its backends (entry points in the bundled metadata) when frozen.
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  cat >"$WORK/keyring.sh" <<'EOF'
set -u
printf 'smoke' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || exit 3
unset PYTHON_KEYRING_BACKEND
MEGACASE_PASSPHRASE="$PASSPHRASE" "$APP" demo --cases 3 --data-dir "$WORK/keyring-profile" >/dev/null || exit 4
"$APP" case list --data-dir "$WORK/keyring-profile"
EOF
  out=$(PASSPHRASE="$PASSPHRASE" APP="$APP" WORK="$WORK" timeout 120 dbus-run-session -- bash "$WORK/keyring.sh" 2>"$WORK/keyring.err"); rc=$?
  rows=$(printf '%s\n' "$out" | grep -c '^DSR-')
  [ $rc -eq 0 ] && [ "$rows" -eq 3 ] && ok "Secret Service keyring: key stored at creation, register reopened without passphrase" \
    || bad "Secret Service keyring: exit $rc, $rows cases; $(grep -v 'fd limit' "$WORK/keyring.err" | tail -3)"
else
  skip "Secret Service keyring (needs dbus-run-session and gnome-keyring-daemon)"
fi

if [ ! -f "$PROFILE/megacase.db" ]; then   # without a register the window would show the first-run dialog
  bad "window checks: no demo register to open"
  echo "smoke: $passed passed, $failed failed, $skipped skipped"
  exit 1
fi

# 6. The window, offscreen: it must still be running when the timeout stops it (exit 124), with no
#    traceback (MEGACASE_NO_ERROR_DIALOG prints unexpected errors instead of showing a dialog).
# (the demo register has users: sign in as its officer, or the window would wait in the sign-in dialog)
QT_QPA_PLATFORM=offscreen MEGACASE_NO_ERROR_DIALOG=1 MEGACASE_PASSPHRASE="$PASSPHRASE" \
  MEGACASE_USER=sophie MEGACASE_USER_PASSWORD="sophie demo password" \
  timeout 8 "$APP" --data-dir "$PROFILE" >"$WORK/gui.out" 2>&1; rc=$?
if [ $rc -eq 124 ] && ! grep -qE 'Traceback|ERROR|Could not load' "$WORK/gui.out"; then
  ok "window (offscreen) ran 8 s without an error"
else
  bad "window (offscreen): exit $rc; $(tail -5 "$WORK/gui.out")"
fi

# 7. The window on a real X server (the bundled xcb platform plugin and its libraries): the main
#    window must be mapped with its title.
if command -v xvfb-run >/dev/null && command -v xwininfo >/dev/null; then
  cat >"$WORK/x11.sh" <<'EOF'
"$APP" --data-dir "$PROFILE" >"$WORK/x11.out" 2>&1 &
pid=$!
for _ in $(seq 1 30); do
  sleep 0.5
  if xwininfo -root -tree | grep -q '"MegaCase [^"]'; then break; fi
done
sleep 2
# The main window's title ("MegaCase — ..."), not the unlock or first-run dialog's.
xwininfo -root -tree | grep -o '"MegaCase [^"]*"' | head -1
kill -0 "$pid" 2>/dev/null || { echo "exited early"; exit 5; }
kill "$pid"; wait "$pid" 2>/dev/null
exit 0
EOF
  title=$(APP="$APP" PROFILE="$PROFILE" WORK="$WORK" MEGACASE_NO_ERROR_DIALOG=1 MEGACASE_PASSPHRASE="$PASSPHRASE" \
          MEGACASE_USER=sophie MEGACASE_USER_PASSWORD="sophie demo password" \
          QT_QPA_PLATFORM=xcb timeout 60 xvfb-run -a -s "-screen 0 1280x800x24" bash "$WORK/x11.sh" 2>&1); rc=$?
  if [ $rc -eq 0 ] && [[ "$title" == *MegaCase* ]] && ! grep -qE 'Traceback|ERROR|Could not load' "$WORK/x11.out"; then
    ok "window (X11 under Xvfb) mapped: $title"
  else
    bad "window (X11 under Xvfb): exit $rc, '$title'; $(tail -5 "$WORK/x11.out" 2>/dev/null)"
  fi
else
  skip "window on X11 (needs xvfb-run and xwininfo)"
fi

echo "smoke: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
