# syntax=docker/dockerfile:1
# Build stage: production dependencies only. argon2 is a native addon; the toolchain is here in
# case its prebuilt binary does not fit the platform and it must compile.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Runtime stage: Node 24 runs the TypeScript sources directly (erasable syntax only).
# MALLOC_MMAP_THRESHOLD_: a fixed glibc mmap threshold, so argon2id's 19 MiB work buffers are mmapped
# and returned at free instead of kept in malloc's arenas. --heap-growing-percent=50 (on the command
# line: Node refuses it in NODE_OPTIONS): V8's old generation grows by at most half its live size
# between full GCs, so RSS stays flat under load (README "Benchmark", bench/malloc-soak.ts).
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    MALLOC_MMAP_THRESHOLD_=131072 \
    PORT=3000 \
    DATA_DIR=/app/data \
    DEMO_APP=false
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY views ./views
COPY static ./static
COPY config ./config
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "--heap-growing-percent=50", "src/hosted/server.ts"]
