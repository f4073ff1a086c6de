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
