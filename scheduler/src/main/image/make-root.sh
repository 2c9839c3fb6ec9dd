#!/bin/bash
# Assembles what the scheduler's container image holds besides the application: a Java runtime
# made with jlink from the JDK running the build, the C library files it loads (copied from the
# build machine, where that JDK runs), and the few files under /etc that glibc and Java read.
# Jib adds the tree as layers on `scratch`, so no base image is pulled from a registry
# (docs/operator-guide.md, "Container image").
#
# Usage: make-root.sh OUT JAVA_HOME MODULES
#   OUT        the folder to fill (emptied first): OUT/opt/java, OUT/lib..., OUT/etc...
#   JAVA_HOME  the JDK whose jlink and jmods make the runtime (17 or newer)
#   MODULES    comma-separated modules for jlink --add-modules; "none": no runtime, no C library
#              and no /etc, only the folders the scheduler writes (for a base image that has a JRE)
set -euo pipefail
OUT="$1"
JDK="$2"
MODULES="$3"
HERE="$(cd "$(dirname "$0")" && pwd)"

folders() {
  mkdir -p "$OUT/tmp" "$OUT/var/lib/migplan" "$OUT/deployments"
}

# Made already from the same JDK, modules and script (an incremental build): nothing to do.
STAMP="$OUT.stamp"
WANT="$(printf '%s\n' "$JDK" "$MODULES"; cat "$JDK/release" "$0" "$HERE"/root/etc/* 2>/dev/null | cksum)"
if [ -d "$OUT" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  echo "make-root.sh: $OUT is up to date"
  exit 0
fi
rm -f "$STAMP"

if [ "$MODULES" = none ]; then
  rm -rf "$OUT"
  mkdir -p "$OUT"
  folders
  echo "$WANT" > "$STAMP"
  exit 0
fi

[ -x "$JDK/bin/jlink" ] || { echo "make-root.sh: no jlink in $JDK/bin; the image needs a full JDK (with jmods) to build" >&2; exit 2; }
command -v ldd >/dev/null || { echo "make-root.sh: ldd not found; the image is built on a glibc Linux" >&2; exit 2; }

rm -rf "$OUT"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
# The AWT and sound natives of java.desktop are left out: the scheduler needs java.beans from that
# module, never a display, and those libraries would pull in X11, ALSA and font libraries.
"$JDK/bin/jlink" --add-modules "$MODULES" \
  --strip-debug --no-header-files --no-man-pages --compress=2 --generate-cds-archive \
  --exclude-files='glob:**/lib/libawt*.so,glob:**/lib/libfontmanager.so,glob:**/lib/libjavajpeg.so,glob:**/lib/liblcms.so,glob:**/lib/libmlib_image.so,glob:**/lib/libsplashscreen.so,glob:**/lib/libjawt.so,glob:**/lib/libjsound.so' \
  --output "$OUT/opt/java"
# --generate-cds-archive shares the JDK's own classes between starts (a faster start); the archive
# for heaps over 32 GB (no compressed pointers) is dropped: the scheduler's heap is far smaller.
rm -f "$OUT/opt/java/lib/server/classes_nocoops.jsa"

# Every shared library the runtime's programs and libraries load, and the dynamic loader, at the
# path ldd resolves them to on this machine (so the loader's default search finds them).
LIBS="$(mktemp)"
LDD="$(mktemp)"
trap 'rm -f "$LIBS" "$LDD"' EXIT
# libjvm.so is found by the launcher, not by the loader: name its folder for ldd.
LD_LIBRARY_PATH="$OUT/opt/java/lib:$OUT/opt/java/lib/server" \
  find "$OUT/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; > "$LDD"
if grep -q 'not found' "$LDD"; then
  echo "make-root.sh: the runtime needs libraries this machine lacks:" >&2
  grep 'not found' "$LDD" >&2
  exit 3
fi
{ sed -n 's/.*=> \(\/[^ ]*\).*/\1/p' "$LDD"; sed -n 's/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' "$LDD"; } \
  | grep -v "^$OUT" | sort -u > "$LIBS"
grep -q 'libc\.so' "$LIBS" || { echo "make-root.sh: ldd named no C library for $OUT/opt/java" >&2; exit 3; }
LIBC_DIR="$(dirname "$(grep 'libc\.so' "$LIBS" | head -1)")"
# Name and host lookups: built into libc since glibc 2.34, separate modules before it.
for nss in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
  if [ -e "$LIBC_DIR/$nss" ]; then echo "$LIBC_DIR/$nss" >> "$LIBS"; fi
done
sort -u "$LIBS" | while read -r lib; do
  mkdir -p "$OUT$(dirname "$lib")"
  cp -L "$lib" "$OUT$lib"
done

cp -R "$HERE/root/." "$OUT/"
folders
echo "$WANT" > "$STAMP"
