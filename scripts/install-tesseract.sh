#!/usr/bin/env bash
# Make sure the tesseract binary and its English data are installed.
# Installs them with apt-get where it can (as root, or with passwordless sudo); otherwise says
# which package to install on Debian/Ubuntu, Fedora and macOS, and fails.
set -euo pipefail

have_tesseract() {
  command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx eng
}

if have_tesseract; then
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$EUID" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
  fi
  if [ "$EUID" -eq 0 ] || [ -n "$SUDO" ]; then
    echo "Installing tesseract-ocr and tesseract-ocr-eng with apt-get ..."
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null
  fi
fi

if have_tesseract; then
  echo "tesseract $(tesseract --version 2>&1 | head -1 | awk '{print $2}') with English data is ready."
  exit 0
fi

printf '%s\n' \
  "milia-scan needs the tesseract OCR engine with its English data, and could not install it here." \
  "Install it, then run the command again:" \
  "  Debian/Ubuntu:  sudo apt-get install tesseract-ocr tesseract-ocr-eng" \
  "  Fedora:         sudo dnf install tesseract tesseract-langpack-eng" \
  "  macOS:          brew install tesseract" >&2
exit 1
