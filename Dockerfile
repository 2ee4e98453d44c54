FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
ENV NODE_ENV=production PORT=4000
EXPOSE 4000
# Migrate (advisory-locked, safe with several replicas), then serve. `exec`: the service itself
# becomes PID 1 and receives `docker stop`'s SIGTERM (a shell or npm would not pass it on, and the
# graceful shutdown would never run).
CMD ["sh", "-c", "npm run db:migrate && exec node --enable-source-maps dist/main.js"]
