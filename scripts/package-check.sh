#!/usr/bin/env bash
# Proof that the packages stand alone: packs Trainer.Kernels, Trainer.Graph and Trainer.Training into a
# folder, copies examples/quickstart.cs into a fresh directory outside the repository with its
# '#:project ../src/Training/Training.csproj' line replaced by '#:package Trainer.Training@VERSION',
# and runs it as a .NET 10 file-based app against that folder as a package source (no project
# references, no repository sources). The run must print the tutorial's log, line for line the same
# as the same example built from the repository's projects.
#
#   bash scripts/package-check.sh [--keep]      --keep leaves the temporary folder for inspection
#
# Third-party packages (ILGPU, SkiaSharp, Google.Protobuf) come from the machine's global packages
# folder when they are there, else from nuget.org (or $TRAINER_PACKAGE_FEED). The trainer's own
# packages are restored into a packages folder of their own, so a package left from an earlier run
# can never stand in for the one just built.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
keep=false
for arg in "$@"; do
  case "$arg" in
    --keep) keep=true ;;
    *) echo "error: unknown argument '$arg' (usage: scripts/package-check.sh [--keep])" >&2; exit 2 ;;
  esac
done
command -v dotnet >/dev/null 2>&1 || { echo "error: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=$(mktemp -d "${TMPDIR:-/tmp}/trainer-package-check.XXXXXX")
case "$work" in "$repo"/*) echo "error: the temporary folder $work is inside the repository" >&2; exit 1 ;; esac
cleanup() { if $keep; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
start=$(date +%s)

version=$(dotnet msbuild "$repo/src/Training/Training.csproj" -getProperty:Version)
[ -n "$version" ] || { echo "error: could not read <Version> from Directory.Build.props" >&2; exit 1; }

# 1. The packages, built from scratch in the temporary folder (--artifacts-path: the repository's bin/ and
#    obj/ are neither read nor touched) as CI builds them (deterministic, repository-relative source paths).
feed="$work/feed"
for lib in Kernels Graph Training; do
  dotnet pack "$repo/src/$lib/$lib.csproj" -c Release -o "$feed" --artifacts-path "$work/build" \
    -p:ContinuousIntegrationBuild=true --nologo -v quiet \
    > "$work/pack-$lib.log" 2>&1 || { cat "$work/pack-$lib.log" >&2; echo "error: dotnet pack src/$lib failed" >&2; exit 1; }
  for ext in nupkg snupkg; do
    [ -f "$feed/Trainer.$lib.$version.$ext" ] || { echo "error: dotnet pack src/$lib made no Trainer.$lib.$version.$ext" >&2; exit 1; }
  done
done
packed=$(date +%s)
echo "packages ($version, packed in $(( packed - start )) s):"
# ILGPU is a run-time dependency of Trainer.Kernels only: its compile assets must not reach consumers.
unzip -p "$feed/Trainer.Kernels.$version.nupkg" Trainer.Kernels.nuspec > "$work/Trainer.Kernels.nuspec"
for dep in ILGPU ILGPU.Algorithms; do
  grep -qE "<dependency id=\"$dep\" [^>]*include=\"Runtime,[^\"]*\"" "$work/Trainer.Kernels.nuspec" \
    && ! grep -E "<dependency id=\"$dep\" " "$work/Trainer.Kernels.nuspec" | grep -q Compile \
    || { cat "$work/Trainer.Kernels.nuspec" >&2; echo "error: Trainer.Kernels must bring $dep at run time without its compile assets" >&2; exit 1; }
done
# Every package declares the repository's licence (MIT) and carries its text.
for lib in Kernels Graph Training; do
  nupkg="$feed/Trainer.$lib.$version.nupkg"
  unzip -p "$nupkg" "Trainer.$lib.nuspec" > "$work/license-check.nuspec"
  grep -qF '<license type="expression">MIT</license>' "$work/license-check.nuspec" \
    || { cat "$work/license-check.nuspec" >&2; echo "error: Trainer.$lib's .nuspec declares no MIT licence" >&2; exit 1; }
  unzip -p "$nupkg" LICENSE > "$work/license-check.txt" 2>/dev/null || true
  cmp -s "$work/license-check.txt" "$repo/LICENSE" \
    || { echo "error: Trainer.$lib.$version.nupkg does not carry the repository's LICENSE" >&2; exit 1; }
done
for f in "$feed"/*.nupkg "$feed"/*.snupkg; do printf '  %-36s %6d KiB\n' "$(basename "$f")" $(( $(stat -c %s "$f") / 1024 )); done

# 2. A fresh program outside the repository: the example, referencing the package instead of the project.
app="$work/app"
mkdir -p "$app"
global_packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cat > "$app/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>
    <add key="globalPackagesFolder" value="$work/packages" />
  </config>
  <fallbackPackageFolders>
    <clear />
    <add key="machine" value="$global_packages" />
  </fallbackPackageFolders>
  <packageSources>
    <clear />
    <add key="trainer" value="$feed" />
    <add key="third-party" value="${TRAINER_PACKAGE_FEED:-https://api.nuget.org/v3/index.json}" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="trainer"><package pattern="Trainer.*" /></packageSource>
    <packageSource key="third-party"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
EOF
project_line='#:project ../src/Training/Training.csproj'
grep -qxF "$project_line" "$repo/examples/quickstart.cs" \
  || { echo "error: examples/quickstart.cs has no line '$project_line' to replace with the package" >&2; exit 1; }
sed "s|^$project_line\$|#:package Trainer.Training@$version|" "$repo/examples/quickstart.cs" > "$app/quickstart.cs"
if grep -q '^#:project' "$app/quickstart.cs"; then echo "error: the copied example still references a project" >&2; exit 1; fi

# File-based apps keep their build under $XDG_DATA_HOME/dotnet/runfile: point it into the temporary folder too.
mkdir -p "$work/xdg"
run_args=(--epochs 1 --device cpu --mode graph)
(cd "$app" && XDG_DATA_HOME="$work/xdg" dotnet run -c Release quickstart.cs -- "${run_args[@]}") \
  > "$work/package-run.txt" 2> "$work/package-run.err" \
  || { cat "$work/package-run.txt" "$work/package-run.err" >&2; echo "error: the example failed against the packages" >&2; exit 1; }
package_run=$(date +%s)
if grep -rqs "$repo" "$work/xdg/dotnet/runfile"/*/obj/project.assets.json; then
  echo "error: the package build's assets name the repository ($repo)" >&2; exit 1
fi

# 3. Its output: the tutorial's log, and the same lines as the example built from the repository's projects.
out="$work/package-run.txt"
expect_line() { grep -qE "$1" "$out" || { cat "$out" >&2; echo "error: the packaged example printed no line matching '$1'" >&2; exit 1; }; }
[ "$(head -n 1 "$out")" = "Network<" ] || { cat "$out" >&2; echo "error: the packaged example's first line is not 'Network<' (print(model))" >&2; exit 1; }
expect_line '^    \(0\): Dense<input_channels=784, output_channels=512, has_bias=True>$'
expect_line '^Epoch 1$'
expect_line '^loss: [0-9]+\.[0-9]{6}  \[  0/[0-9 ]{3}\]$'
expect_line '^ Accuracy: [0-9]+\.[0-9]%, Avg loss: +[0-9]+\.[0-9]{6} $'
[ "$(tail -n 1 "$out")" = "Done!" ] || { cat "$out" >&2; echo "error: the packaged example's last line is not 'Done!'" >&2; exit 1; }
(cd "$repo" && dotnet run -c Release examples/quickstart.cs -- "${run_args[@]}") > "$work/repo-run.txt" 2> "$work/repo-run.err" \
  || { cat "$work/repo-run.txt" "$work/repo-run.err" >&2; echo "error: the example failed against the repository's projects" >&2; exit 1; }
if ! diff -u "$work/repo-run.txt" "$out" > "$work/diff.txt"; then
  cat "$work/diff.txt" >&2
  echo "error: the example prints differently against the packages (+) than against the repository's projects (-)" >&2
  exit 1
fi
grep -E '^(loss|Test| Accuracy)' "$out" | sed 's/^/  /'
end=$(date +%s)
echo "package check passed: Trainer.Training $version from a local feed, examples/quickstart.cs built outside the repository and run ($(( end - start )) s: packing $(( packed - start )) s, build and run against the packages $(( package_run - packed )) s, against the projects $(( end - package_run )) s)"
