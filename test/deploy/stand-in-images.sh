#!/usr/bin/env bash
# Makes sure the base images deploy/Dockerfile and docker-compose.yml name (node:20-slim, redis:7)
# exist. An image already present is kept; otherwise it is pulled; only when the registry cannot be
# reached is a stand-in built from this machine's own node, npm and redis-server (a root of just
# those binaries, their shared libraries, /bin/sh and /usr/bin/env), so the Dockerfile and the
# compose file stay exactly what users run. Prints one line per image saying which it used.
set -euo pipefail

have() { docker image inspect "$1" >/dev/null 2>&1; }
pull() { timeout 90 docker pull -q "$1" >/dev/null 2>&1; }

# Copies files into root at their real paths, with the libraries ldd names, merged-/usr style.
copy_with_libs() {
  local root="$1"
  shift
  local f lib
  for f in "$@"; do
    mkdir -p "$root$(dirname "$f")"
    cp -L "$f" "$root$f"
    for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
      local real
      real="$(readlink -f "$lib")"
      if [[ ! -e "$root$real" ]]; then
        mkdir -p "$root$(dirname "$real")"
        cp -L "$lib" "$root$real"
      fi
      # The name the binary asks for, beside the real file (sonames are often symlinks).
      local named="/usr/lib/x86_64-linux-gnu/$(basename "$lib")"
      [[ -e "$root$named" ]] || { mkdir -p "$root$(dirname "$named")"; cp -L "$lib" "$root$named"; }
    done
  done
}

base_root() {
  local root="$1"
  mkdir -p "$root"/{etc,tmp,root,usr/bin,usr/lib,usr/lib64,usr/sbin}
  chmod 1777 "$root/tmp"
  ln -s usr/bin "$root/bin"
  ln -s usr/lib "$root/lib"
  ln -s usr/lib64 "$root/lib64"
  ln -s usr/sbin "$root/sbin"
  copy_with_libs "$root" /usr/bin/dash /usr/bin/env /lib64/ld-linux-x86-64.so.2
  ln -s dash "$root/usr/bin/sh"
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\nredis:x:999:999:redis:/data:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\nredis:x:999:\nnogroup:x:65534:\n' >"$root/etc/group"
  mkdir -p "$root/home/node" && chown 1000:1000 "$root/home/node"
  [[ -e /etc/ssl/certs/ca-certificates.crt ]] && { mkdir -p "$root/etc/ssl/certs"; cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"; }
  return 0
}

stand_in_node() {
  local root="$1"
  base_root "$root"
  copy_with_libs "$root" "$(readlink -f "$(command -v node)")"
  [[ -e "$root/usr/bin/node" ]] || ln -s "$(readlink -f "$(command -v node)")" "$root/usr/bin/node"
  local npm_dir
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  mkdir -p "$root/usr/lib/node_modules"
  cp -a "$npm_dir" "$root/usr/lib/node_modules/npm"
  printf '#!/bin/sh\nexec node /usr/lib/node_modules/npm/bin/npm-cli.js "$@"\n' >"$root/usr/bin/npm"
  printf '#!/bin/sh\nexec node /usr/lib/node_modules/npm/bin/npx-cli.js "$@"\n' >"$root/usr/bin/npx"
  chmod +x "$root/usr/bin/npm" "$root/usr/bin/npx"
}

stand_in_redis() {
  local root="$1"
  base_root "$root"
  copy_with_libs "$root" "$(command -v redis-server)" "$(command -v redis-cli)"
  # Debian's redis-server is a link to redis-check-rdb: the copy keeps the name it answers to.
  cp -L "$(command -v redis-server)" "$root/usr/bin/redis-server"
  mkdir -p "$root/data" && chown 999:999 "$root/data"
}

ensure() {
  local image="$1" builder="$2" workdir="$3"
  local trust=()
  # The stand-in trusts what this machine trusts (its CA bundle may hold a proxy's CA).
  [[ -e /etc/ssl/certs/ca-certificates.crt ]] && trust=(-c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
  if have "$image"; then echo "deploy: $image present"; return; fi
  if pull "$image"; then echo "deploy: $image pulled"; return; fi
  local root
  root="$(mktemp -d)"
  "$builder" "$root"
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c "WORKDIR $workdir" "${trust[@]}" \
    -m "kindling test stand-in for $image (registry unreachable), built from this machine's packages" \
    - "$image" >/dev/null
  rm -rf "$root"
  echo "deploy: $image unreachable; built a stand-in from this machine's packages ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
}

ensure node:20-slim stand_in_node /
ensure redis:7 stand_in_redis /data
