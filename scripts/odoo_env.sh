# shellcheck shell=bash
# Helpers shared by scripts/test and scripts/demo; sourced, not run.
#
# Settings, all optional:
#   ODOO_PYTHON       interpreter that imports odoo (default: python3)
#   ODOO_DB_HOST      PostgreSQL host (default: 127.0.0.1)
#   ODOO_DB_PORT      PostgreSQL port (default: 5432)
#   ODOO_DB_USER      role Odoo connects as (default: odoo)
#   ODOO_DB_PASSWORD  its password (default: odoo)
#
# When the host is this machine, PostgreSQL is started if needed (and installed
# with apt when it is missing altogether), and the role is created. Odoo refuses
# to connect as "postgres", hence a role of its own.

ODOO_PY="${ODOO_PYTHON:-python3}"
ODOO_DB_HOST="${ODOO_DB_HOST:-127.0.0.1}"
ODOO_DB_PORT="${ODOO_DB_PORT:-5432}"
ODOO_DB_USER="${ODOO_DB_USER:-odoo}"
ODOO_DB_PASSWORD="${ODOO_DB_PASSWORD:-odoo}"

# Never let a PostgreSQL client wait for a password on a terminal.
export PGPASSWORD="$ODOO_DB_PASSWORD"
export PGCONNECT_TIMEOUT=10

say() {
    printf '%s\n' "$*"
}

warn() {
    printf '%s\n' "$*" >&2
}

# Why `import odoo` fails with the chosen interpreter; empty when it works.
odoo_import_problem() {
    local output
    if ! command -v "$ODOO_PY" >/dev/null 2>&1; then
        say "$ODOO_PY not found"
        return
    fi
    if output="$("$ODOO_PY" -c 'import odoo' 2>&1 </dev/null)"; then
        return
    fi
    printf '%s\n' "$output" | tail -n 1
}

odoo_version() {
    "$ODOO_PY" -c 'import odoo.release as r; print(r.version)' 2>/dev/null
}

# Odoo's own addons folders, then the repository holding acompte_deposit.
odoo_addons_path() {
    local repo_root="$1" paths
    paths="$("$ODOO_PY" - <<'PY'
import os
import odoo

package = os.path.dirname(os.path.abspath(odoo.__file__))
candidates = [
    os.path.join(os.path.dirname(package), "addons"),
    os.path.join(package, "addons"),
]
print(",".join(path for path in candidates if os.path.isdir(path)))
PY
)" || return 1
    printf '%s,%s\n' "$paths" "$repo_root"
}

free_tcp_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

_db_host_is_local() {
    case "$ODOO_DB_HOST" in
        127.0.0.1 | localhost | ::1 | /*) return 0 ;;
        *) return 1 ;;
    esac
}

# Run a command as the postgres superuser of this machine.
_as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && su postgres -s /bin/sh -c "$*")
    elif command -v sudo >/dev/null 2>&1; then
        (cd / && sudo -n -u postgres sh -c "$*")
    else
        return 1
    fi
}

_install_postgresql() {
    if command -v pg_lsclusters >/dev/null 2>&1 \
        || command -v pg_ctl >/dev/null 2>&1 \
        || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        warn "PostgreSQL is not installed and this is not root: install it first."
        return 1
    fi
    say "PostgreSQL is not installed: installing it with apt-get."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null >/dev/null \
        && apt-get install -y -qq postgresql </dev/null >/dev/null
}

_pg_ready() {
    pg_isready -q -h "$ODOO_DB_HOST" -p "$ODOO_DB_PORT" </dev/null >/dev/null 2>&1
}

# Start the local PostgreSQL when it does not answer; idempotent.
pg_start() {
    local cluster version name status tries=60
    if ! _db_host_is_local; then
        return 0
    fi
    _install_postgresql || return 1
    if _pg_ready; then
        return 0
    fi
    if command -v pg_lsclusters >/dev/null 2>&1; then
        # The cluster on the port asked for, else 15/main, else the first one.
        cluster="$(pg_lsclusters -h | awk -v port="$ODOO_DB_PORT" '$3 == port {print; exit}')"
        [ -n "$cluster" ] \
            || cluster="$(pg_lsclusters -h | awk '$1 == 15 && $2 == "main" {print; exit}')"
        [ -n "$cluster" ] || cluster="$(pg_lsclusters -h | head -n 1)"
        if [ -n "$cluster" ]; then
            read -r version name _ status _ <<<"$cluster"
            if [ "$status" != online ]; then
                say "Starting PostgreSQL cluster $version/$name."
                pg_ctlcluster "$version" "$name" start </dev/null \
                    || warn "pg_ctlcluster $version $name start failed."
            fi
        fi
    fi
    if ! _pg_ready && command -v service >/dev/null 2>&1; then
        service postgresql start </dev/null >/dev/null 2>&1 || true
    fi
    while ! _pg_ready; do
        tries=$((tries - 1))
        if [ "$tries" -le 0 ]; then
            warn "PostgreSQL does not answer on $ODOO_DB_HOST:$ODOO_DB_PORT."
            return 1
        fi
        sleep 1
    done
}

_pg_login_works() {
    psql -X -w -q -h "$ODOO_DB_HOST" -p "$ODOO_DB_PORT" -U "$ODOO_DB_USER" \
        -d postgres -tAc 'SELECT 1' </dev/null >/dev/null 2>&1
}

# Make sure the Odoo role can log in with its password; idempotent.
pg_ensure_role() {
    local exists password_sql attributes="LOGIN CREATEDB"
    if _pg_login_works; then
        return 0
    fi
    if ! _db_host_is_local; then
        warn "Cannot log in to PostgreSQL as $ODOO_DB_USER on $ODOO_DB_HOST."
        return 1
    fi
    if ! [[ "$ODOO_DB_USER" =~ ^[a-z_][a-z0-9_]*$ ]]; then
        warn "ODOO_DB_USER must be a plain lower-case role name."
        return 1
    fi
    password_sql="${ODOO_DB_PASSWORD//\'/\'\'}"
    exists="$(_as_postgres "psql -X -w -p $ODOO_DB_PORT -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$ODOO_DB_USER'\"" </dev/null 2>/dev/null)"
    if [ "$exists" = 1 ]; then
        # Never change a role someone else set up: say what to do instead.
        warn "PostgreSQL role $ODOO_DB_USER exists but its password is not" \
            "the one given: set ODOO_DB_PASSWORD (and ODOO_DB_USER) to match it."
        return 1
    else
        say "Creating PostgreSQL role $ODOO_DB_USER."
        printf "CREATE ROLE %s WITH %s PASSWORD '%s';\n" \
            "$ODOO_DB_USER" "$attributes" "$password_sql" \
            | _as_postgres "psql -X -w -q -p $ODOO_DB_PORT -v ON_ERROR_STOP=1" >/dev/null
    fi
    if ! _pg_login_works; then
        warn "Cannot log in to PostgreSQL as $ODOO_DB_USER on" \
            "$ODOO_DB_HOST:$ODOO_DB_PORT with its password (check pg_hba.conf)."
        return 1
    fi
}

pg_database_exists() {
    [ "$(psql -X -w -h "$ODOO_DB_HOST" -p "$ODOO_DB_PORT" -U "$ODOO_DB_USER" \
        -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" \
        </dev/null 2>/dev/null)" = 1 ]
}

pg_drop_database() {
    dropdb -w --if-exists --force -h "$ODOO_DB_HOST" -p "$ODOO_DB_PORT" \
        -U "$ODOO_DB_USER" "$1" </dev/null
}

# State of a module in a database: installed, to install, uninstalled...
odoo_module_state() {
    psql -X -w -h "$ODOO_DB_HOST" -p "$ODOO_DB_PORT" -U "$ODOO_DB_USER" \
        -d "$1" -tAc "SELECT state FROM ir_module_module WHERE name = '$2'" \
        </dev/null 2>/dev/null
}

# odoo_command CONFIG_FILE DATA_DIR ADDONS_PATH: sets ODOO_CMD to the Odoo
# command line with explicit connection settings, whatever ~/.odoorc says.
odoo_command() {
    # shellcheck disable=SC2034  # read by the scripts that source this file
    ODOO_CMD=(
        env TZ=UTC "$ODOO_PY" -m odoo
        --config "$1"
        --data-dir "$2"
        --addons-path "$3"
        --db_host "$ODOO_DB_HOST"
        --db_port "$ODOO_DB_PORT"
        --db_user "$ODOO_DB_USER"
        --db_password "$ODOO_DB_PASSWORD"
    )
}
