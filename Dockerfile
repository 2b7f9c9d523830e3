# syntax=docker/dockerfile:1

# ---- build: compile TypeScript and better-sqlite3's native module, then drop dev dependencies
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev

# ---- runtime: compiled JS, production node_modules, SQL migrations and locale files
FROM node:20-bookworm-slim
# Fonts with Vietnamese glyphs for the /tongket chart (Liberation renders the stacked accents right).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-liberation fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    DATABASE_PATH=/data/chibo.db
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# dist/store/db.js and dist/conversation/i18n.js read ../../migrations and ../../locales: /app/…
COPY --chown=node:node migrations ./migrations
COPY --chown=node:node locales ./locales
COPY --chown=node:node package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
# Webhooks and signed file links (only when WEBHOOK_URL or PUBLIC_BASE_URL is set).
EXPOSE 8080
# The HTTP server only runs in webhook mode or with PUBLIC_BASE_URL; in polling mode there is nothing to probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "if (!process.env.WEBHOOK_URL && !process.env.PUBLIC_BASE_URL) process.exit(0); fetch('http://127.0.0.1:' + (process.env.WEBHOOK_PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));"]
# Operator commands in the container: docker exec <name> node dist/cli/index.js doctor
CMD ["node", "dist/main.js"]
