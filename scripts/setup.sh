#!/usr/bin/env bash
# Sets up modelspec on a fresh Debian/Ubuntu machine with Node.js >= 20 and npm:
# system packages (the Fashion-MNIST dataset, a BLAS and a compiler for the
# native engine), the npm workspaces, and the TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(dataset-fashion-mnist libopenblas-dev build-essential python3 fonts-dejavu-core redis-server libegl1 libgl1-mesa-dri libgles2 chromium)

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund --loglevel=error
npm run build
