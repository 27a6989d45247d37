#!/usr/bin/env bash
# macOS: build MegaCase.app with the spec's BUNDLE and wrap it in a compressed disk image.
#   packaging/macos/build-dmg.sh      -> dist/MegaCase.app and dist/megacase-VERSION-macos-ARCH.dmg
# Needs a Mac (PyInstaller cannot cross-build; hdiutil and codesign are macOS tools).
#
# Signing: set MEGACASE_CODESIGN_IDENTITY="Developer ID Application: ..." to sign with the company's
# certificate (hardened runtime); without it the app is signed ad hoc, which runs on the building Mac
# but is refused by Gatekeeper elsewhere until it is signed and notarised (see README.md in this folder).
set -euo pipefail
cd "$(dirname "$0")/../.."

[ "$(uname -s)" = Darwin ] || { echo "build-dmg.sh: run this on macOS" >&2; exit 2; }

make package
APP=dist/MegaCase.app
[ -d "$APP" ] || { echo "build-dmg.sh: $APP was not built" >&2; exit 1; }

# The bundled executable must work before it is shipped.
out=$("$APP/Contents/MacOS/megacase" deadline 2027-04-01)
[ "$out" = 2027-05-03 ] || { echo "build-dmg.sh: the bundle computed '$out' for 2027-04-01" >&2; exit 1; }

if [ -n "${MEGACASE_CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$MEGACASE_CODESIGN_IDENTITY" "$APP"
else
  codesign --force --deep --sign - "$APP"
fi
codesign --verify --deep --strict "$APP"

VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' megacase/__init__.py)
DMG="dist/megacase-$VERSION-macos-$(uname -m).dmg"
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"   # drag the app onto it to install
rm -f "$DMG"
hdiutil create -volname "MegaCase $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
hdiutil verify "$DMG"
echo "$DMG ($(du -h "$DMG" | cut -f1))"
