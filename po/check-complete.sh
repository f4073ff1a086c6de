#!/bin/sh
# check-complete.sh FILE.po: fails unless every message is translated and
# none is fuzzy. msgfmt --statistics says e.g.
#   "312 translated messages, 2 fuzzy translations, 1 untranslated message."
set -eu
po=$1
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) || { echo "$stats"; exit 1; }
echo "$po: $stats"
case $stats in
  *fuzzy*|*untranslated*) echo "$po is incomplete"; exit 1 ;;
esac
translated=$(echo "$stats" | sed -n 's/^\([0-9][0-9]*\) translated.*/\1/p')
[ "${translated:-0}" -gt 0 ] || { echo "$po has no translations"; exit 1; }

# Every message in the sources must be in the catalogue too: a string added
# to the code but not to the .po would show in English.
srcdir=$(cd "$(dirname "$0")/.." && pwd)
if command -v xgettext >/dev/null && command -v msgcmp >/dev/null; then
  pot=$(mktemp)
  trap 'rm -f "$pot"' EXIT
  (cd "$srcdir" && xgettext --from-code=UTF-8 -k_ -kN_ -kC_:1c,2 -kNC_:1c,2 \
     --files-from=po/POTFILES.in -o "$pot")
  msgcmp --use-untranslated "$po" "$pot" 2>&1 | grep -v "this message is not used" \
    | grep . && { echo "$po lacks messages from the sources"; exit 1; }
fi
exit 0
