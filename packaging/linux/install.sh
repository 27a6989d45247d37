#!/bin/sh
# Install MegaCase from this unpacked folder.
#
#   ./install.sh                              for you alone, under ~/.local (no root needed)
#   sudo ./install.sh --prefix /usr/local     for every user of this computer
#   ./install.sh --uninstall [--prefix DIR]   remove it again
#
# Installs the application in PREFIX/lib/megacase, the `megacase` command in PREFIX/bin, the menu
# entry in PREFIX/share/applications and the icons in PREFIX/share/icons/hicolor. Your registers
# (the data folder, e.g. ~/.local/share/MegaCase) and the keys in your keyring are never touched.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX="${HOME}/.local"
ACTION=install

usage() { sed -n '2,11s/^# \{0,1\}//p' "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#--prefix=}; shift ;;
    --uninstall) ACTION=uninstall; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$PREFIX" in /*) ;; *) PREFIX="$(pwd)/$PREFIX" ;; esac

APPDIR="$PREFIX/lib/megacase"
BIN="$PREFIX/bin/megacase"
APPS="$PREFIX/share/applications"
ICONS="$PREFIX/share/icons/hicolor"
METAINFO="$PREFIX/share/metainfo"
SIZES="16 32 48 64 128 256 512"

refresh_caches() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS" 2>/dev/null || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$ICONS" 2>/dev/null || true
}

if [ "$ACTION" = uninstall ]; then
  rm -rf "$APPDIR"
  rm -f "$BIN" "$APPS/megacase.desktop" "$ICONS/scalable/apps/megacase.svg" \
        "$METAINFO/eu.megasecurity.MegaCase.metainfo.xml"
  for s in $SIZES; do rm -f "$ICONS/${s}x${s}/apps/megacase.png"; done
  refresh_caches
  echo "MegaCase removed from $PREFIX. Your registers and keyring entries were left as they were."
  exit 0
fi

[ -x "$HERE/megacase/megacase" ] || { echo "install.sh: $HERE/megacase/megacase is missing: unpack the whole archive" >&2; exit 2; }

# Copy beside, then swap: a failed copy never leaves half an application behind.
mkdir -p "$PREFIX/lib" "$PREFIX/bin" "$APPS"
rm -rf "$APPDIR.new"
cp -R "$HERE/megacase" "$APPDIR.new"
rm -rf "$APPDIR"
mv "$APPDIR.new" "$APPDIR"
ln -sfn "$APPDIR/megacase" "$BIN"

# The menu entry runs the installed file by its full path: it works whether or not PREFIX/bin is on PATH.
sed -e "s|^Exec=megacase\$|Exec=\"$APPDIR/megacase\"|" -e "s|^TryExec=megacase\$|TryExec=$APPDIR/megacase|" \
    "$HERE/megacase.desktop" >"$APPS/megacase.desktop"
chmod 644 "$APPS/megacase.desktop"
mkdir -p "$METAINFO"
install -m 644 "$HERE/eu.megasecurity.MegaCase.metainfo.xml" "$METAINFO/eu.megasecurity.MegaCase.metainfo.xml"

for s in $SIZES; do
  mkdir -p "$ICONS/${s}x${s}/apps"
  cp "$HERE/icons/megacase-$s.png" "$ICONS/${s}x${s}/apps/megacase.png"
done
mkdir -p "$ICONS/scalable/apps"
cp "$HERE/icons/megacase.svg" "$ICONS/scalable/apps/megacase.svg"
refresh_caches

echo "MegaCase installed in $APPDIR; the command is $BIN."
case ":$PATH:" in *":$PREFIX/bin:"*) ;; *) echo "Note: $PREFIX/bin is not on your PATH; the menu entry works regardless." ;; esac
