# syntax=docker/dockerfile:1.7
#
# One image per service, all from this file:
#   docker build --target api       -t mpc-api .
#   docker build --target scheduler -t mpc-scheduler .
#   docker build --target collector -t mpc-collector .
#   docker build --target exporter  -t mpc-exporter .
#   docker build --target migrate   -t mpc-migrate .
#   docker build --target sandbox   -t mpc-sandbox .     (Magento + Plenty simulators, demos only)
#
# Stages: base (Node + pnpm + tini) → deps (pnpm install from the lockfile) → build (Prisma client,
# `pnpm build`, `pnpm deploy --prod` of every service into /out/<name>) → one small runtime stage
# per service. `pnpm build` compiles every package the services run into its dist/ (esbuild, one
# bundle per package, npm packages external; packages/deploy/src/build.ts); `pnpm deploy` copies
# each service with its production dependencies and the workspace packages it imports, each with
# its dist/ only (their `files`). The images run `node --conditions=compiled --liftoff-only
# dist/<entry>.js`: the `compiled` export condition makes every @mpc/* import load dist/ (no
# TypeScript at run time, no loader thread: ~65 MB less per process than tsx). --liftoff-only,
# NODE_OPTIONS and MALLOC_ARENA_MAX are the memory settings of SERVICE_NODE_ARGS/SERVICE_NODE_ENV
# in packages/deploy/src/build.ts (why, and the figures, there); raise --max-old-space-size in
# NODE_OPTIONS to about half the memory limit when that is above 512 MiB.
# Packages and tests are checked by packages/deploy/test/dockerfile.test.ts.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
ENV PNPM_HOME=/pnpm \
    PATH=/pnpm:$PATH \
    CI=true
# tini: PID 1 that forwards SIGTERM/SIGINT to node and reaps zombies (graceful shutdown).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g pnpm@12.4.2 \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------
FROM base AS deps
WORKDIR /src
# the lockfile alone is enough to fill the store; this layer is cached until it changes
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm fetch --frozen-lockfile
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile --offline

# ---------------------------------------------------------------------------------------------
FROM deps AS build
# the Prisma client is generated into packages/db/src/generated (offline: see scripts/prisma-generate.mjs)
RUN node scripts/prisma-generate.mjs
RUN pnpm build --force
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    set -eux; \
    for svc in api scheduler collector exporter; do \
      pnpm --filter "@mpc/$svc" deploy --prod "/out/$svc"; \
    done; \
    pnpm --filter @mpc/db deploy --prod /out/migrate/packages/db; \
    cp -r prisma /out/migrate/prisma; \
    pnpm --filter @mpc/sandbox deploy --prod /out/sandbox; \
    for d in /out/api /out/scheduler /out/collector /out/exporter /out/migrate/packages/db /out/sandbox; do \
      test -f "$d/dist/.built"; \
    done

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    LOG_LEVEL=info \
    NODE_OPTIONS=--max-old-space-size=256 \
    MALLOC_ARENA_MAX=2
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENTRYPOINT ["/usr/bin/tini", "--"]
# `node` is the unprivileged user (uid 1000) of the official Node image
USER node

# ---------------------------------------------------------------------------------------------
FROM runtime AS api
COPY --from=build --chown=root:root /out/api /app
ENV API_PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.API_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
USER node
# admin CLI in the same image: docker compose run --rm api node --conditions=compiled --liftoff-only dist/cli.js secrets rotate
CMD ["node", "--conditions=compiled", "--liftoff-only", "dist/main.js"]

# ---------------------------------------------------------------------------------------------
# The worker services: a health server on HEALTH_PORT, started from their own dist/main.js.
FROM runtime AS worker
ENV HEALTH_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.HEALTH_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
USER node
CMD ["node", "--conditions=compiled", "--liftoff-only", "dist/main.js"]

FROM worker AS scheduler
COPY --from=build --chown=root:root /out/scheduler /app

FROM worker AS collector
COPY --from=build --chown=root:root /out/collector /app

FROM worker AS exporter
COPY --from=build --chown=root:root /out/exporter /app

# ---------------------------------------------------------------------------------------------
# One-shot: applies prisma/migrations/*/migration.sql (the migrator finds them at
# ../../../prisma/migrations from packages/db/dist, hence the repository layout under /app).
FROM runtime AS migrate
COPY --from=build --chown=root:root /out/migrate /app
WORKDIR /app/packages/db
HEALTHCHECK NONE
USER node
CMD ["node", "--conditions=compiled", "--liftoff-only", "dist/migrate-cli.js"]

# ---------------------------------------------------------------------------------------------
# Magento and Plenty simulators for demos (never in production).
FROM runtime AS sandbox
COPY --from=build --chown=root:root /out/sandbox /app
EXPOSE 8081 8082
# the simulators answer any path; a 404 still proves the Magento one is up
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8081/healthz').then(()=>process.exit(0),()=>process.exit(1))"]
USER node
CMD ["node", "--conditions=compiled", "--liftoff-only", "dist/cli.js", "--host", "0.0.0.0", "--magento-port", "8081", "--plenty-port", "8082"]
