#!/usr/bin/env bash
# Install what partman needs to build, test and demo on Debian bookworm.
# Idempotent: when everything is present it only asks dpkg and returns.
# Usage: bash scripts/deps.sh [--bench]
# pg_partman 4.7.2 is installed too: the adoption test (test/t/012) and the benchmarks compare with it.
set -euo pipefail

pkgs=(postgresql-15 postgresql-server-dev-15 postgresql-15-cron postgresql-15-partman libipc-run-perl make gcc)
case "${1:-}" in
  "") ;;
  --bench) pkgs+=(valgrind) ;;
  *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
esac

# Root runs commands directly; anyone else goes through sudo, or gets told what to do.
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "deps.sh: '$*' needs root, but you are not root and sudo is not installed." >&2
    echo "deps.sh: run 'bash scripts/deps.sh' once as root, then retry." >&2
    exit 1
  fi
}

# Ask dpkg first so the common case (all installed) never touches apt or the network.
missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ $status == installed ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "deps.sh: missing ${missing[*]}; installing"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# PostgreSQL refuses to run as root, so tests and the demo run servers as 'postgres'.
# postgresql-common normally creates that user; make sure it exists anyway.
if ! id -u postgres >/dev/null 2>&1; then
  as_root useradd --system --user-group --home-dir /var/lib/postgresql \
    --shell /bin/bash postgres
fi
