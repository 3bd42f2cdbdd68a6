# One image for every service: `npm run build` (what `npm start` runs, for the parts that changed).
# Pick the service with the command (see docker-compose.yml).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# the uploads volume mounts here: created owned by node so a fresh named volume is writable
RUN mkdir -p /app/data/uploads && chown -R node:node /app/data
USER node
EXPOSE 3000 9100
# default: the gateway; auth and chat override the command
CMD ["node", "dist/apps/gateway/apps/gateway/src/main.js"]
