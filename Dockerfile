# syntax=docker/dockerfile:1
# One image for every service: build once, run any service by name
#   docker run siyu orders            (identity | orders | consent | audience | outreach | standalone)
# docker-compose.yml builds it and runs each service from it.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY libs ./libs
COPY services ./services
COPY bench ./bench
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS run
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    LOG_FORMAT=json
WORKDIR /app
# Runtime dependencies only (dev dependencies were pruned in the build stage), owned by root:
# the service user can read the code but not change it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY scripts/start-service.js ./scripts/start-service.js
USER node
ENTRYPOINT ["node", "scripts/start-service.js"]
CMD ["standalone"]
