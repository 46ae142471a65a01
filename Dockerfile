# Jachi Ledger for a city's server: the service and the built task pane in one small image, run as
# the unprivileged `node` user, the DuckDB file (and its backups) on the /data volume. HTTPS is the
# reverse proxy's job (deploy/compose.yaml); the service trusts the proxy's X-Forwarded-For.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# Two malloc arenas instead of glibc's eight per core: the service's threads (DuckDB's, libuv's,
# V8's) otherwise each keep memory of their own; under `npm run load` the peak was ~30 MB lower
# over eight runs (within one run's noise). And every block of 128 KB or more mapped on its own, so
# that freeing it gives it back to the system: glibc's own threshold rises with each large block
# freed (up to 32 MB), after which the answers' megabytes and the request bodies are carved from the
# arenas and kept there once freed; under `npm run load` the peak was ~40 MB lower (README, Load).
# DuckDB's own buffers come from the jemalloc built into libduckdb, which `jachi` sets itself
# (bin/duckdb-allocator.mjs).
ENV NODE_ENV=production MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.xml ./
COPY bin ./bin
COPY domain ./domain
COPY service ./service
RUN mkdir -p /data/backups && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/jachi.mjs", "serve", "--host", "0.0.0.0", "--port", "3000", "--db", "/data/jachi.duckdb", "--trust-proxy", "--backup-dir", "/data/backups", "--backup-every", "24h", "--keep", "14"]
