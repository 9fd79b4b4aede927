#!/usr/bin/env bash
# Local stand-ins for the cloud stores the tests use, on 127.0.0.1 (docs/local-services.md):
#   Azurite (Azure Blob), s3rver (Amazon S3) and an OpenSSH sftp server with a throw-away user and RSA key.
#
#   scripts/services.sh start           install what is missing, start what is not running, wait until all answer,
#                                       write artifacts/services/env; a no-op for what already runs
#   scripts/services.sh stop            stop the services this script started
#   scripts/services.sh status          say what runs
#   scripts/services.sh env             print the env file (export lines), e.g. eval "$(scripts/services.sh env)"
#   scripts/services.sh acquire ID      start if needed and hold a lease (scripts/test.sh, with its PID)
#   scripts/services.sh release ID      drop the lease; the last one out stops the services if a lease started them
#
# Ports are fixed; override with DK_S3_PORT, DK_AZURITE_BLOB_PORT, DK_SFTP_PORT when they collide.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/artifacts/services"
packages="$root/scripts/services"
s3_port="${DK_S3_PORT:-47480}"
azurite_port="${DK_AZURITE_BLOB_PORT:-47410}"
sftp_port="${DK_SFTP_PORT:-47422}"
sftp_user="dksftp"
s3rver_js="$packages/node_modules/s3rver/bin/s3rver.js"
azurite_js="$packages/node_modules/azurite/dist/src/blob/main.js"
azurite_account="devstoreaccount1"
# Azurite's documented development key (public, the same for every Azurite): not a secret.
azurite_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
services=(s3rver azurite sftp)

say() { echo "services: $*" >&2; }

pid_of() { # prints the PID of a running service started by this script, or nothing
  local name=$1 pid
  [[ -f "$dir/$name.pid" ]] || return 0
  pid=$(cat "$dir/$name.pid")
  # The PID must still be ours: a recycled PID of some other process is never signalled.
  if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$(marker "$name")"; then
    echo "$pid"
  fi
}

marker() {
  case $1 in
    s3rver) echo "$s3rver_js" ;;
    azurite) echo "$azurite_js" ;;
    sftp) echo "$dir/sftp/sshd_config" ;;
  esac
}

answers() { # whether the service answers on its port
  case $1 in
    s3rver) curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$s3_port/" ;;
    azurite) curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$azurite_port/$azurite_account?comp=list" ;;
    sftp) timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$sftp_port && head -c 8 <&3" 2>/dev/null | grep -q '^SSH-2.0' ;;
  esac
}

install_packages() {
  command -v node >/dev/null || { say "node is not on PATH (install Node.js 20)"; exit 1; }
  local want have=""
  want=$(sha256sum "$packages/package-lock.json" | cut -d' ' -f1)
  [[ -f "$packages/node_modules/.dk-lock-sha256" ]] && have=$(cat "$packages/node_modules/.dk-lock-sha256")
  if [[ "$want" != "$have" || ! -f "$s3rver_js" || ! -f "$azurite_js" ]]; then
    say "installing azurite and s3rver (npm ci --prefix scripts/services)"
    npm ci --prefix "$packages" --no-audit --no-fund --loglevel=error >"$dir/npm.log" 2>&1 || { cat "$dir/npm.log" >&2; exit 1; }
    echo "$want" >"$packages/node_modules/.dk-lock-sha256"
  fi
  if [[ ! -x /usr/sbin/sshd ]]; then
    say "installing openssh-server (apt-get)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server; } >"$dir/apt.log" 2>&1 \
      || { cat "$dir/apt.log" >&2; exit 1; }
  fi
}

launch() { # name, command...: starts a detached process, its output in $dir/<name>.log
  local name=$1
  shift
  # fd 9 is the lock of with_lock: the service must not inherit it, or it would hold the lock for its lifetime.
  setsid "$@" >"$dir/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$dir/$name.pid"
}

start_s3rver() {
  rm -rf "$dir/s3rver-data" && mkdir -p "$dir/s3rver-data"
  # s3rver signs ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+) only has in its legacy
  # provider: without it every truncated listing (more keys than max-keys) answers 500 InternalError.
  launch s3rver node --openssl-legacy-provider "$s3rver_js" --directory "$dir/s3rver-data" --address 127.0.0.1 --port "$s3_port" --silent
}

start_azurite() {
  mkdir -p "$dir/azurite"
  (cd "$dir/azurite" && launch azurite node "$azurite_js" --blobHost 127.0.0.1 --blobPort "$azurite_port" \
    --inMemoryPersistence --skipApiVersionCheck --loose --silent --disableTelemetry)
}

start_sftp() {
  local s="$dir/sftp"
  mkdir -p "$s/home" /run/sshd
  chmod 755 /run/sshd
  id "$sftp_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$sftp_user"
  usermod --home "$s/home" "$sftp_user" >/dev/null 2>&1 || true
  usermod --password '*' "$sftp_user" >/dev/null # no password, but not locked: sshd refuses locked accounts even for keys
  chown "$sftp_user" "$s/home"
  [[ -f "$s/ssh_host_ed25519_key" ]] || ssh-keygen -q -t ed25519 -N '' -f "$s/ssh_host_ed25519_key"
  [[ -f "$s/ssh_host_rsa_key" ]] || ssh-keygen -q -t rsa -b 3072 -N '' -f "$s/ssh_host_rsa_key"
  # The client key pair is new at every start (PEM, as AEP's SFTP_WITH_SSH_KEY and SSH.NET take it).
  rm -f "$s/id_rsa" "$s/id_rsa.pub"
  ssh-keygen -q -t rsa -b 3072 -m PEM -N '' -C "$sftp_user@destinationkit-local" -f "$s/id_rsa"
  cp "$s/id_rsa.pub" "$s/authorized_keys"
  chmod 644 "$s/authorized_keys" "$s/id_rsa.pub"
  cat >"$s/sshd_config" <<EOF
# Generated by scripts/services.sh: a local sftp-only server for tests.
ListenAddress 127.0.0.1
Port $sftp_port
HostKey $s/ssh_host_ed25519_key
HostKey $s/ssh_host_rsa_key
PidFile none
AuthorizedKeysFile $s/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $sftp_user
UsePAM no
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
Subsystem sftp internal-sftp -d $s/home
ForceCommand internal-sftp -d $s/home
EOF
  /usr/sbin/sshd -t -f "$s/sshd_config" || exit 1
  launch sftp /usr/sbin/sshd -D -e -f "$s/sshd_config" -p "$sftp_port"
}

write_env() {
  local blob="http://127.0.0.1:$azurite_port/$azurite_account"
  cat >"$dir/env.tmp" <<EOF
# Written by scripts/services.sh start; source it (docs/local-services.md).
export DK_S3_ENDPOINT=http://127.0.0.1:$s3_port
export DK_S3_ACCESS_KEY=S3RVER
export DK_S3_SECRET_KEY=S3RVER
export DK_S3_REGION=us-east-1
export DK_AZURITE_BLOB_ENDPOINT=$blob
export DK_AZURITE_ACCOUNT_NAME=$azurite_account
export DK_AZURITE_ACCOUNT_KEY='$azurite_key'
export DK_AZURITE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=$azurite_account;AccountKey=$azurite_key;BlobEndpoint=$blob;'
export DK_SFTP_HOST=127.0.0.1
export DK_SFTP_PORT=$sftp_port
export DK_SFTP_USER=$sftp_user
export DK_SFTP_KEY_FILE=$dir/sftp/id_rsa
export DK_SFTP_PUBLIC_KEY_FILE=$dir/sftp/id_rsa.pub
export DK_SFTP_ROOT=$dir/sftp/home
export DK_NODE=$(command -v node)
export DK_S3RVER_JS=$s3rver_js
export DK_AZURITE_BLOB_JS=$azurite_js
EOF
  mv "$dir/env.tmp" "$dir/env"
}

start() { # prints "started" when it had to start something, "running" when all already ran
  mkdir -p "$dir"
  local started=() name
  for name in "${services[@]}"; do
    if [[ -z "$(pid_of "$name")" ]] || ! answers "$name"; then
      started+=("$name")
    fi
  done
  if [[ ${#started[@]} -gt 0 ]]; then
    install_packages
    for name in "${started[@]}"; do
      stop_one "$name"
      if answers "$name"; then
        say "the port of $name answers, but not a process this script started (another checkout's services?);" \
          "stop those, or choose other ports (DK_S3_PORT, DK_AZURITE_BLOB_PORT, DK_SFTP_PORT)"
        exit 1
      fi
      "start_$name"
    done
    local deadline=$((SECONDS + 90))
    for name in "${started[@]}"; do
      until answers "$name"; do
        if [[ -z "$(pid_of "$name")" || $SECONDS -gt $deadline ]]; then
          say "$name did not come up; its log ($dir/$name.log):"
          tail -n 30 "$dir/$name.log" >&2 || true
          exit 1
        fi
        sleep 0.2
      done
    done
    say "started ${started[*]}"
  fi
  write_env
  [[ ${#started[@]} -gt 0 ]] && echo started || echo running
}

stop_one() {
  local name=$1 pid i
  pid=$(pid_of "$name")
  if [[ -n "$pid" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/$name.pid"
}

stop() {
  local name
  for name in "${services[@]}"; do
    stop_one "$name"
  done
  rm -f "$dir/started-by-lease"
  say "stopped"
}

live_leases() {
  local f
  for f in "$dir"/leases/*; do
    [[ -e "$f" ]] || continue
    if kill -0 "$(basename "$f")" 2>/dev/null; then echo "$f"; else rm -f "$f"; fi
  done
}

with_lock() { # serialises start/stop/acquire/release between concurrent callers
  mkdir -p "$dir"
  exec 9>"$dir/lock"
  flock 9
  "$@"
}

acquire() {
  local id=$1 state
  mkdir -p "$dir/leases"
  state=$(start | tail -n 1)
  [[ "$state" == started ]] && touch "$dir/started-by-lease"
  touch "$dir/leases/$id"
}

release() {
  rm -f "$dir/leases/$1"
  if [[ -f "$dir/started-by-lease" && -z "$(live_leases)" ]]; then
    stop
  fi
}

case "${1:-}" in
  start)
    with_lock start >/dev/null
    rm -f "$dir/started-by-lease" # started by hand: kept running until `stop`
    say "running; environment in artifacts/services/env"
    ;;
  stop) with_lock stop ;;
  status)
    for name in "${services[@]}"; do
      if [[ -n "$(pid_of "$name")" ]] && answers "$name"; then echo "$name: running"; else echo "$name: not running"; fi
    done
    ;;
  env)
    [[ -f "$dir/env" ]] || { say "not started: run scripts/services.sh start"; exit 1; }
    cat "$dir/env"
    ;;
  acquire) with_lock acquire "${2:?acquire needs an id}" ;;
  release) with_lock release "${2:?release needs an id}" ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
