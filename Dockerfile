# Two stages: the build has every dependency (esbuild bundles src/ into dist/); the image that
# runs has production dependencies only (no vitest, playwright-core, typescript or drizzle-kit).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=4000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# The bundle, and what it reads at run time: migrations (applied at start, advisory-locked, safe
# with several replicas) and the seed texts. src/ and scripts/ are for the CLIs (`npm run token`,
# `db:seed`, `ingest`), which run through tsx, a production dependency.
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
COPY seeds ./seeds
COPY src ./src
COPY scripts ./scripts
COPY tsconfig.json ./
# Not root: the service needs to write nowhere but the embedded default's data directory.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 4000
# /ready: the database answers and every migration is applied (503 while shutting down).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4000}/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The service itself is PID 1 (no shell, no npm), so `docker stop`'s SIGTERM reaches its graceful shutdown.
CMD ["node", "--enable-source-maps", "dist/main.js"]
