#!/usr/bin/env bash
# The GPU check: the webgpu engine's adapter, parity with tfjs cpu, and samples/s of
# the benchmark's MLP and CNN at batch 32, 512 and 4096 on webgpu and native.
#
#   bash scripts/gpu-check-build.sh            # here, with npm: builds build/gpu-check/ (< 64 MiB)
#   bash scripts/gpu-check.sh [--write BENCHMARKS.md] [--out DIR] [--seconds 4]
#
# Runs from the repository (finds build/gpu-check/) or from the bundle folder itself
# (a copy of this script travels in it), on bare x86-64 Linux: no network, no
# registry, no Node needed (the bundle carries one). Needs xz (or python3) and tar.
# The GPU's driver must be installed (NVIDIA: its Vulkan ICD, libGLX_nvidia.so.0);
# the Vulkan/EGL loaders come with the bundle when the machine has none.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bundle="${GPU_CHECK_BUNDLE:-}"
if [ -z "$bundle" ]; then
  for d in "$here" "$here/../build/gpu-check"; do
    if [ -f "$d/payload.tar.xz" ]; then bundle="$(cd "$d" && pwd)"; break; fi
  done
fi
[ -n "$bundle" ] || { echo "gpu-check: no bundle next to this script or in build/gpu-check (run scripts/gpu-check-build.sh where npm works)" >&2; exit 2; }
t0=$(date +%s)

unxz_to() { # unxz_to SRC: decompress SRC to stdout with xz, else python3's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1"
  elif command -v python3 >/dev/null 2>&1; then python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"
  else echo "gpu-check: neither xz nor python3 is here to unpack the bundle" >&2; return 1; fi
}

work="${GPU_CHECK_WORK:-${TMPDIR:-/tmp}/modelspec-gpu-check-$$}"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
unxz_to "$bundle/payload.tar.xz" | tar -x -C "$work"
unxz_to "$bundle/node.xz" > "$work/node"
chmod +x "$work/node"
echo "gpu-check: bundle $bundle ($(du -sb "$bundle" | awk '{ printf "%.1f MiB", $1 / 1048576 }')), unpacked in $(( $(date +%s) - t0 )) s; Node $("$work/node" --version)"

have_lib() { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | grep -qE "(^|[[:space:]])$1 "; }
libpath="$work/lib/blas"
missing=""
for l in libvulkan.so.1 libEGL.so.1 libGLESv2.so.2; do have_lib "$l" || missing="$missing $l"; done
if [ -n "$missing" ]; then
  # only the missing loaders (and glvnd's dispatcher they need): the machine's own stay in use
  mkdir -p "$work/lib/missing"
  for l in $missing libGLdispatch.so.0; do
    if [ "$l" = libGLdispatch.so.0 ] && have_lib "$l"; then continue; fi
    ln -sf "$work/lib/loaders/$l" "$work/lib/missing/$l"
  done
  libpath="$libpath:$work/lib/missing"
  echo "gpu-check: this machine lacks$missing: using Debian's ($(tr '\n' ' ' < "$work/lib/loaders/PACKAGES"))"
fi
export LD_LIBRARY_PATH="$libpath${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# NVIDIA: a driver installed without its Vulkan/EGL manifests (containers started
# without the "graphics" capability often are) still has the libraries they name.
if have_lib libGLX_nvidia.so.0; then
  if ! ls /usr/share/vulkan/icd.d/nvidia*.json /etc/vulkan/icd.d/nvidia*.json /usr/local/share/vulkan/icd.d/nvidia*.json >/dev/null 2>&1 && [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
    printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "libGLX_nvidia.so.0", "api_version": "1.3.0" } }\n' > "$work/nvidia_icd.json"
    export VK_ICD_FILENAMES="$work/nvidia_icd.json" VK_DRIVER_FILES="$work/nvidia_icd.json"
    echo "gpu-check: no NVIDIA Vulkan manifest installed: using one for libGLX_nvidia.so.0"
  fi
elif command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-check: nvidia-smi is here but libGLX_nvidia.so.0 is not: the driver's graphics libraries are missing (in a container: NVIDIA_DRIVER_CAPABILITIES needs 'graphics'), so WebGPU cannot reach the GPU"
fi
if have_lib libEGL_nvidia.so.0 && ! ls /usr/share/glvnd/egl_vendor.d/*nvidia*.json /etc/glvnd/egl_vendor.d/*nvidia*.json >/dev/null 2>&1; then
  printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "libEGL_nvidia.so.0" } }\n' > "$work/10_nvidia.json"
  export __EGL_VENDOR_LIBRARY_FILENAMES="$work/10_nvidia.json"
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | sed 's/^/gpu-check: /' || true

export MODELSPEC_NATIVE_ADDON="$work/native/modelspec_native.node"
export EGL_PLATFORM="${EGL_PLATFORM:-surfaceless}"
status=0
"$work/node" "$work/gpu-check.mjs" "$@" || status=$?
echo "gpu-check: finished in $(( $(date +%s) - t0 )) s (exit $status)"
exit $status
