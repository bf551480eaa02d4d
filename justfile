# Psi task runner. Every recipe creates or refreshes .venv itself.
set shell := ["bash", "-euo", "pipefail", "-c"]

python := env_var_or_default("PSI_PYTHON", "python3")
venv := ".venv"
bin := venv / "bin"
# Extras for running the service and for the test suite (see pyproject.toml).
run_extras := "runtime,hrv"
test_extras := "runtime,hrv,vision,s3,dev"

# List the recipes
default:
    @just --list

# Create or refresh .venv with the given extras, at the versions of requirements.lock
# (re-installs only when pyproject.toml or the lock changed)
setup extras=run_extras:
    #!/usr/bin/env bash
    set -euo pipefail
    if [ ! -x "{{bin}}/python" ]; then
        {{python}} -m venv {{venv}}
        {{bin}}/python -m pip install --quiet --upgrade pip
    fi
    stamp="{{venv}}/.psi-installed-$(echo '{{extras}}' | tr ',' '-')"
    digest="$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
        echo "installing psi[{{extras}}] into {{venv}} (versions from requirements.lock) ..."
        {{bin}}/python -m pip install --quiet --disable-pip-version-check \
            --constraint requirements.lock -e ".[{{extras}}]"
        echo "$digest" > "$stamp"
    fi

# Start the API on the embedded profile (SQLite under var/, no external servers)
run *args: (setup run_extras)
    {{bin}}/psi run {{args}}

# Run the food-analysis worker (production queue on Redis)
worker: (setup run_extras)
    {{bin}}/psi worker

# Run the scheduled jobs (retention, purge of deleted accounts, ...)
jobs: (setup run_extras)
    {{bin}}/psi jobs

# Production on one machine: migrate, then API processes, a worker and the scheduler
serve-prod workers="2": (setup run_extras)
    #!/usr/bin/env bash
    set -euo pipefail
    : "${PSI_DATABASE_URL:?set PSI_DATABASE_URL}" "${PSI_REDIS_URL:?set PSI_REDIS_URL}" "${PSI_JWT_SECRET:?set PSI_JWT_SECRET}"
    export PSI_ENV=production
    {{bin}}/psi migrate
    {{bin}}/psi worker & worker=$!
    {{bin}}/psi jobs & jobs=$!
    trap 'kill -TERM $worker $jobs 2>/dev/null; wait' EXIT
    {{bin}}/psi run --workers {{workers}}

# Apply database migrations to PSI_DATABASE_URL (or the embedded SQLite file)
migrate: (setup run_extras)
    {{bin}}/psi migrate

# Lint, type-check, check the layering, and run the whole test suite on the real services
test *args: lint
    {{bin}}/pytest {{args}}

# Lint, formatting, types (mypy, configured in pyproject.toml) and layering only
lint: (setup test_extras)
    {{bin}}/ruff check src tests bench migrations
    {{bin}}/ruff format --check src tests bench migrations
    {{bin}}/mypy
    {{bin}}/lint-imports

# Re-resolve requirements.lock from pyproject.toml (after adding or bumping a dependency;
# pins that still fit are kept, `just lock --upgrade` moves everything to the newest)
lock *args:
    #!/usr/bin/env bash
    set -euo pipefail
    [ -x "{{bin}}/python" ] || {{python}} -m venv {{venv}}
    [ -x "{{bin}}/uv" ] || {{bin}}/python -m pip install --quiet "uv>=0.13,<0.14"
    {{bin}}/uv pip compile pyproject.toml --quiet --extra runtime --extra hrv \
        --extra vision --extra s3 --extra dev --python-version 3.11 \
        --python-platform x86_64-manylinux_2_28 --output-file requirements.lock {{args}}

# Run the benchmark scripts (figures go to docs/benchmarks.md)
bench *args: (setup test_extras)
    {{bin}}/python bench/run_all.py {{args}}
