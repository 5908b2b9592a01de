# bounce-pipeline: the image for the `consumer` and the one-shot `migrate` service of docker-compose.yml.
# bin/build.mjs bundles the TypeScript with esbuild (a runtime dependency, the version tsx uses); without a bundle the CLI
# runs the sources through tsx.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app

# Dependencies first, so code changes do not reinstall them. chdb (the embedded engine) comes along because it
# is a dependency; in this stack CLICKHOUSE_URL points at the server and chdb is never opened.
COPY package.json package-lock.json ./
# bin/ for the prepare script (bin/build.mjs), which skips the bundle here: the sources come later.
COPY bin ./bin
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY shared ./shared
COPY cli ./cli
COPY transform ./transform
COPY ingest ./ingest
COPY queries ./queries
COPY docker/healthcheck ./docker/healthcheck
RUN node bin/build.mjs

# The embedded store's default data dir; unused with CLICKHOUSE_URL, but writable for `node` if someone runs without it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node

ENTRYPOINT ["node", "bin/bounce-pipeline.js"]
CMD ["consume"]
