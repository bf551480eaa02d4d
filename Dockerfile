# syntax=docker/dockerfile:1
# One image for every role: API (`psi run`), worker (`psi worker`), scheduler (`psi jobs`)
# and the one-shot migrator (`psi migrate` + reference-data imports).

# --- build stage: compilers and pip live here only ------------------------------------------
FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY src ./src
COPY migrations ./migrations
# Everything the service runs with goes under /install; the final stage copies only that.
RUN python -m pip install --no-cache-dir --upgrade pip \
 && python -m pip install --no-cache-dir --prefix=/install \
      --constraint requirements.lock ".[runtime,hrv,s3]"

# --- final stage: the interpreter, the installed service, nothing to build with -------------
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PSI_VAR_DIR=/var/lib/psi \
    PSI_HOST=0.0.0.0 \
    PSI_PORT=8000
COPY --from=build /install /usr/local
RUN groupadd --system --gid 10001 psi \
 && useradd --system --uid 10001 --gid psi --home-dir /var/lib/psi --create-home psi
USER 10001:10001
WORKDIR /var/lib/psi
EXPOSE 8000
# Liveness only (no dependency calls); orchestrators use /ready for routing.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PSI_PORT', '8000') + '/health', timeout=2)"]
# Exec form: `psi` is PID 1's child-free process and receives SIGTERM itself (it drains:
# docs/operations.md); run with `--init` (compose `init: true`) to reap strays.
STOPSIGNAL SIGTERM
ENTRYPOINT ["psi"]
CMD ["run"]
