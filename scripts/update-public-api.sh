#!/usr/bin/env bash
# Rewrites the public-API baseline of the three libraries (src/{Kernels,Graph,Training}/PublicAPI.Unshipped.txt)
# from the code, so that it lists exactly the public types and members there are now. The build checks the
# baseline (Microsoft.CodeAnalysis.PublicApiAnalyzers: RS0016 for a public member missing from it, RS0017 for
# an entry whose member is gone), so run this after changing the surface on purpose, read the diff of the
# PublicAPI files, and commit it with the change.
#
#   bash scripts/update-public-api.sh [Kernels|Graph|Training]...    (default: all three)
#
# PublicAPI.Shipped.txt holds what a release shipped; this script never edits it. At a release, move the
# Unshipped lines into Shipped. Removing a shipped member is a breaking change: the build then fails with
# RS0017 until its line is moved from Shipped to Unshipped with a '*REMOVED*' prefix, by hand.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
libs=("$@")
[ "${#libs[@]}" -gt 0 ] || libs=(Kernels Graph Training)
for lib in "${libs[@]}"; do
  case "$lib" in
    Kernels|Graph|Training) ;;
    *) echo "error: unknown library '$lib' (expected Kernels, Graph or Training)" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

for lib in "${libs[@]}"; do
  unshipped="src/$lib/PublicAPI.Unshipped.txt"
  [ -f "src/$lib/PublicAPI.Shipped.txt" ] || printf '#nullable enable\n' > "src/$lib/PublicAPI.Shipped.txt"
  # Start from an empty list and let the analyzer's own code fix (RS0016: "add to the public API") write
  # every public member that is not in Shipped, in its exact format (nullable annotations included).
  printf '#nullable enable\n' > "$unshipped"
  dotnet format analyzers "src/$lib/$lib.csproj" --diagnostics RS0016 --severity warn -v quiet \
    || { echo "error: dotnet format could not add src/$lib's public API" >&2; exit 1; }
  echo "src/$lib: $(($(grep -c . "$unshipped") - 1)) unshipped and $(($(grep -c . "src/$lib/PublicAPI.Shipped.txt") - 1)) shipped entries"
done

# The baseline must now agree with the code: build the libraries and fail on any RS00xx diagnostic left.
for lib in "${libs[@]}"; do
  log=$(mktemp)
  if ! dotnet build "src/$lib/$lib.csproj" -c Release --nologo -v quiet > "$log" 2>&1; then
    grep -E 'error' "$log" | sed -E 's/ \[[^]]*\]$//' | sort -u >&2
    rm -f "$log"
    echo "error: src/$lib does not build with its new baseline (an RS0017 above: a shipped member was removed, see the top of this script)" >&2
    exit 1
  fi
  rm -f "$log"
done
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt'
