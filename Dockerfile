FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=production PORT=4000
EXPOSE 4000
# Migrate (advisory-locked, safe with several replicas), then serve.
CMD ["sh", "-c", "npm run db:migrate && npm start"]
