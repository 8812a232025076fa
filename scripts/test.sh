#!/usr/bin/env bash
# Runs the whole Plexura test suite on a fresh Debian machine: installs what the tests need when it is missing,
# restores, builds (warnings are errors), checks formatting, runs every test, and ends with one line
# "N passed, N failed, N skipped" counted from the run's own results.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
command -v fc-list >/dev/null 2>&1 || apt_packages+=(fontconfig)
# Test audio: espeak-ng speaks it, ffmpeg and sox convert it (and the fake OpenAI server decodes uploads with ffmpeg).
command -v espeak-ng >/dev/null 2>&1 || apt_packages+=(espeak-ng)
command -v ffmpeg >/dev/null 2>&1 || apt_packages+=(ffmpeg)
command -v sox >/dev/null 2>&1 || apt_packages+=(sox)
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "Installing: ${apt_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" fonts-dejavu-core >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet restore Plexura.sln
dotnet build Plexura.sln --no-restore -c Release
dotnet format Plexura.sln --verify-no-changes --no-restore --severity warn

# Two phases: every test but the browser flows (in parallel, as xunit schedules them), then the browser flows on
# their own, so a Playwright flow never shares the two cores of a CI machine with the whole suite.
results="TestResults/run"
rm -rf "$results" "$results".*.log
mkdir -p "$results"
status=0
run_phase() { # name filter
  set +e
  dotnet test Plexura.Tests/Plexura.Tests.csproj --no-build -c Release --filter "$2" \
    --logger "trx;LogFileName=$1.trx" --logger "console;verbosity=normal" --results-directory "$results" \
    2>&1 | tee "$results.$1.log"
  local phase_status=${PIPESTATUS[0]}
  set -e
  [ "$phase_status" -ne 0 ] && status=$phase_status
  return 0
}
run_phase main "FullyQualifiedName!~Plexura.Tests.Browser."
run_phase browser "FullyQualifiedName~Plexura.Tests.Browser."

passed=0; failed=0; total=0; executed=0
for phase in main browser; do
  trx="$results/$phase.trx"
  if [ ! -f "$trx" ]; then
    echo "The $phase phase produced no results file." >&2
    failed=$((failed + 1))
    continue
  fi
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(count passed))); failed=$((failed + $(count failed) + $(count error)))
  total=$((total + $(count total))); executed=$((executed + $(count executed)))
done
if [ "$failed" -ne 0 ]; then
  # Repeat each failure (name, message, stack) at the end, where a truncated CI log still shows it.
  echo "---- failures ----"
  cat "$results".*.log | awk '/^  Failed /{show=1; n=0} /^  (Passed|Skipped) /{show=0} show && n++ < 60'
  echo "------------------"
fi
skipped=$((total - executed))
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
