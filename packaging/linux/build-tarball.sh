#!/usr/bin/env bash
# Pack the one-folder build (dist/megacase, from `make package`) into a Linux archive:
#   dist/megacase-VERSION-linux-ARCH.tar.gz (+ .sha256)
# holding megacase/ (the application), install.sh, megacase.desktop, icons/ and INSTALL.txt.
# Users unpack it anywhere and run ./install.sh (per user) or sudo ./install.sh --prefix /usr/local.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x dist/megacase/megacase ]; then
  echo "build-tarball.sh: no build in dist/megacase: run 'make package' first" >&2
  exit 2
fi
VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' megacase/__init__.py)
NAME="megacase-${VERSION:?no __version__ in megacase/__init__.py}-linux-$(uname -m)"
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

ROOT="$STAGE/$NAME"
mkdir -p "$ROOT/icons"
cp -R dist/megacase "$ROOT/megacase"
install -m 755 packaging/linux/install.sh "$ROOT/install.sh"
install -m 644 packaging/linux/megacase.desktop "$ROOT/megacase.desktop"
install -m 644 packaging/linux/eu.megasecurity.MegaCase.metainfo.xml "$ROOT/eu.megasecurity.MegaCase.metainfo.xml"
cp resources/icons/megacase.svg resources/icons/megacase-*.png "$ROOT/icons/"
cat >"$ROOT/INSTALL.txt" <<TXT
MegaCase $VERSION for Linux ($(uname -m))

Install for yourself (no root needed; adds the menu entry and the 'megacase' command in ~/.local):
    ./install.sh
Install for every user of this computer:
    sudo ./install.sh --prefix /usr/local
Remove it again (your registers and keyring entries stay):
    ./install.sh --uninstall            (or: sudo ./install.sh --uninstall --prefix /usr/local)

Or run it in place, without installing:  ./megacase/megacase
The key of each register is kept in the desktop's keyring (Secret Service: GNOME Keyring, KWallet);
without one, MegaCase asks for the register's recovery passphrase each time.
TXT

# Same input, same archive: sorted names, no owners, the last commit's time, no gzip timestamp.
MTIME=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tar -C "$STAGE" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$MTIME" -cf - "$NAME" \
  | gzip -n -6 >"dist/$NAME.tar.gz"
(cd dist && sha256sum "$NAME.tar.gz" >"$NAME.tar.gz.sha256")
echo "dist/$NAME.tar.gz ($(du -h "dist/$NAME.tar.gz" | cut -f1))"
