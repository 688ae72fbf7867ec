#!/usr/bin/env bash
# Installs the Debian packages the clipboard tests need: Xvfb (a private X server),
# xclip (reads the clipboard back; also a fallback backend), xsel (fallback backend)
# and xauth. Idempotent: does nothing when they are already installed.
# Called from .ci/run; under CI=true the X11 tests fail instead of skipping without these.
set -euo pipefail

need=()
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v xclip >/dev/null 2>&1 || need+=(xclip)
command -v xsel >/dev/null 2>&1 || need+=(xsel)
command -v xauth >/dev/null 2>&1 || need+=(xauth)

if [ ${#need[@]} -eq 0 ]; then
    echo "clipboard-deps: xvfb, xclip, xsel and xauth already installed"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi

echo "clipboard-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
echo "clipboard-deps: installed ${need[*]}"
