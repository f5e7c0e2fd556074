#!/usr/bin/env bash
# Builds the GPU check's bundle into build/gpu-check/ (ignored; never committed):
#   gpu-check.sh     the runner (a copy of scripts/gpu-check.sh)
#   node.xz          this machine's Node binary, xz-compressed
#   payload.tar.xz   gpu-check.mjs (esbuild bundle of the webgpu engine, native and
#                    cpu engines, tfjs and the benchmark), webgpu's index.js and
#                    dawn.node (linux-x64), the native addon with its OpenBLAS,
#                    and Debian's Vulkan/EGL/GLES loaders (libvulkan1 libegl1 libglvnd0 libgles2)
# Everything the check needs on a bare x86-64 Linux machine with a GPU driver and
# no network, no package registry and no Node. It must stay under 64 MiB.
# --ignore-annotations: tfjs packages list only some files in "sideEffects", and the
# imports that register backends and kernels must not be dropped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/build/gpu-check}"
limit=$((64 * 1024 * 1024))
cd "$root"

addon=packages/backend-node/native/build/Release/modelspec_native.node
dawn=node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$dawn" ] || { echo "gpu-check-build: $dawn missing (npm ci first)" >&2; exit 1; }
[ -f "$addon" ] || { echo "gpu-check-build: $addon missing (npm ci builds it; see modelspec doctor)" >&2; exit 1; }

rm -rf "$out"
payload="$out/payload"
mkdir -p "$payload/lib/blas" "$payload/lib/loaders" "$payload/native" "$payload/node_modules/webgpu/dist/linux-x64"

echo "gpu-check-build: bundling the check with esbuild"
npx --no-install esbuild packages/engine-webgpu/bench/gpu-check.ts --bundle --platform=node --format=esm --target=node20 \
  --conditions=@modelspec/source --external:webgpu --minify --legal-comments=none --log-level=warning --ignore-annotations \
  "--banner:js=import { createRequire as __msCreateRequire } from 'node:module'; const require = __msCreateRequire(import.meta.url);" \
  --outfile="$payload/gpu-check.mjs"

cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$payload/node_modules/webgpu/"
cp "$dawn" "$payload/node_modules/webgpu/dist/linux-x64/"

cp "$addon" "$payload/native/"
# the addon's OpenBLAS and what it needs, by soname
for lib in libopenblas.so.0 libgfortran.so.5 libquadmath.so.0; do
  path="$(ldd "$addon" | awk -v l="$lib" '$1 == l { print $3 }')"
  [ -n "$path" ] || { echo "gpu-check-build: $addon does not resolve $lib" >&2; exit 1; }
  cp -L "$path" "$payload/lib/blas/$lib"
done

# Debian's loaders (a GPU driver brings its ICD, not always the loader); used only where the machine lacks them
debs="$(mktemp -d)"
trap 'rm -rf "$debs"' EXIT
(cd "$debs" && apt-get download -q libvulkan1 libegl1 libglvnd0 libgles2 >/dev/null 2>&1) || { echo "gpu-check-build: apt-get download of the loader packages failed" >&2; exit 1; }
for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$debs/x"; done
cp -a "$debs"/x/usr/lib/x86_64-linux-gnu/{libvulkan.so.1*,libEGL.so.1*,libGLdispatch.so.0*,libGLESv2.so.2*} "$payload/lib/loaders/"
(cd "$debs" && ls *.deb) > "$payload/lib/loaders/PACKAGES"

echo "gpu-check-build: compressing (xz -9)"
tar -C "$payload" -cf - . | xz -9 -T2 > "$out/payload.tar.xz"
xz -9 -T2 -c "$(readlink -f "$(command -v node)")" > "$out/node.xz"
node --version > "$out/NODE_VERSION"
rm -rf "$payload"
cp scripts/gpu-check.sh "$out/gpu-check.sh"

size=$(du -cb "$out" | tail -1 | cut -f1)
echo "gpu-check-build: $out is $(awk -v s="$size" 'BEGIN { printf "%.1f MiB", s / 1048576 }') (limit 64 MiB):"
(cd "$out" && ls -la | awk 'NR > 1 && $9 !~ /^\.\.?$/ { printf "  %-16s %6.1f MiB\n", $9, $5 / 1048576 }')
[ "$size" -le "$limit" ] || { echo "gpu-check-build: over the 64 MiB limit" >&2; exit 1; }
