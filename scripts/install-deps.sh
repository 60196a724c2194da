#!/usr/bin/env bash
# Installs what is missing on a Debian/Ubuntu machine, and nothing that is already there.
#   install-deps.sh run    packages to build and start the desktop app
#   install-deps.sh test   the same, plus what the tests need (Xvfb, WebKit's WebDriver,
#                          PDF tools, fonts, the menu entry's validator)
set -euo pipefail

what=${1:-run}

run_pkgs=(build-essential pkg-config curl wget file libwebkit2gtk-4.1-dev libxdo-dev
          libssl-dev libayatana-appindicator3-dev librsvg2-dev
          fonts-noto-core)  # Noto Sans Arabic: slips in Arabic print shaped
test_pkgs=(xvfb xauth webkit2gtk-driver poppler-utils fonts-dejavu-core fonts-noto-core nodejs
           desktop-file-utils  # desktop-file-validate: the package's menu entry
           age)  # the reference age tool: interop tests of the encrypted exports

pkgs=("${run_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm installs axe-core for the accessibility test; Debian ships it apart from nodejs
# (NodeSource's nodejs bundles it).
if [ "$what" = test ] && ! command -v npm >/dev/null 2>&1; then
  echo "Installing system packages: npm"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/cargo" ] || {
    echo "Installing the Rust toolchain (rustup)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
  }
fi
