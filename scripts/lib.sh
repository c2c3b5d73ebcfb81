# Shared helpers for scripts/up and scripts/test (sourced, not run).
# shellcheck shell=bash
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
# The local scripts (demo, tests, benchmarks, chaos) work on a developer's or a throwaway
# database: their serve/work/up apply pending migrations at start. Production does not source
# this file: there `conoceles migrate` is the upgrade step (docs/OPERATIONS.md §5).
export CONOCELES_DATABASE_MIGRATE_ON_START="${CONOCELES_DATABASE_MIGRATE_ON_START:-true}"

# Local secrets (encryption key, HMAC secret), generated once into .data/secrets.env and
# exported. Production passes its own through the environment.
load_local_secrets() {
  local f="$ROOT/.data/secrets.env"
  mkdir -p "$ROOT/.data"
  if [ ! -f "$f" ]; then
    umask 077
    {
      echo "CONOCELES_SECURITY_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)"
      echo "CONOCELES_SECURITY_EVENT_HMAC_SECRET=$(head -c 32 /dev/urandom | base64 | tr -d '=+/')"
    } > "$f"
  fi
  set -a; . "$f"; set +a
}

# Starts the SMTP sink (scripts/smtp_sink.py, aiosmtpd) writing every message to a Maildir;
# prints its PID. Recipients at rechazado.invalid get a 550, at temporal.invalid a 451; extra
# arguments (--user U --password P [--auth-required]) make it check SMTP AUTH.
#   start_smtp_sink PORT MAILDIR [ARGS...]
start_smtp_sink() {
  local port=$1 maildir=$2
  shift 2
  # aiosmtpd creates the Maildir (new/, cur/, tmp/) only when the folder does not exist yet.
  mkdir -p "$(dirname "$maildir")"
  "$ROOT/.venv/bin/python" "$ROOT/scripts/smtp_sink.py" --port "$port" --maildir "$maildir" "$@" \
    >"$ROOT/.data/smtp-sink.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "$pid"; return 0; }
    sleep 0.1
  done
  echo "no arrancó el servidor SMTP de prueba / the SMTP sink did not start (port $port)" >&2
  return 1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The value of SECTION.KEY in the configuration file (CONOCELES_CONFIG, default
# config/conoceles.yaml), as the program reads it: the environment variable
# CONOCELES_SECTION_KEY first, then the file's two-level `section:` / `  key: value`
# (quotes and trailing comments removed). Prints nothing when absent.
#   config_value paths blobs
config_value() {
  local section=$1 key=$2 file="${CONOCELES_CONFIG:-$ROOT/config/conoceles.yaml}"
  local var; var="CONOCELES_$(echo "${section}_${key}" | tr '[:lower:]' '[:upper:]')"
  if [ -n "${!var:-}" ]; then echo "${!var}"; return; fi
  [ -f "$file" ] || return 0
  awk -v s="$section" -v k="$key" '
    /^[^[:space:]#][^:]*:/ { in_s = ($0 ~ "^" s ":") ; next }
    in_s && $0 ~ "^[[:space:]]+" k ":" {
      v = $0; sub("^[[:space:]]+" k ":[[:space:]]*", "", v)
      if (v ~ /^"/) { sub(/^"/, "", v); sub(/".*$/, "", v) }
      else if (v ~ /^'\''/) { sub(/^'\''/, "", v); sub(/'\''.*$/, "", v) }
      else { sub(/[[:space:]]+#.*$/, "", v); sub(/[[:space:]]+$/, "", v) }
      print v; exit
    }' "$file"
}
