#!/usr/bin/env bash
# One-time machine set-up for building rug (GMP and MPFR are compiled from source by
# gmp-mpfr-sys; GMP's configure needs m4). Installs m4 with apt-get when it is missing and we
# are allowed to; otherwise says exactly what to install.
set -euo pipefail
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install Rust (https://rustup.rs) first" >&2
  exit 1
fi
need=()
command -v m4 >/dev/null 2>&1 || need+=(m4)
command -v make >/dev/null 2>&1 || need+=(make)
command -v cc >/dev/null 2>&1 || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${need[*]} (needed to build GMP/MPFR)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    echo "setup: installing ${need[*]} with sudo (needed to build GMP/MPFR)" >&2
    sudo apt-get update -qq >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: please install: ${need[*]} (GMP's build needs m4, make and a C compiler)" >&2
    exit 1
  fi
fi
