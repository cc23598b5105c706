#!/usr/bin/env bash
# Schedule one `news` crawl on Scrapyd. Called by cron or the systemd timer in this folder.
# Environment: SCRAPYD_URL (default http://127.0.0.1:6800), SCRAPYD_USERNAME, SCRAPYD_PASSWORD,
# NEWS_START_URL (the site). MONGO_URI belongs to Scrapyd's own environment, not to this call.
set -euo pipefail
: "${SCRAPYD_USERNAME:?set SCRAPYD_USERNAME}" "${SCRAPYD_PASSWORD:?set SCRAPYD_PASSWORD}" "${NEWS_START_URL:?set NEWS_START_URL}"
response=$(curl --silent --show-error --fail --max-time 30 \
  --user "${SCRAPYD_USERNAME}:${SCRAPYD_PASSWORD}" \
  "${SCRAPYD_URL:-http://127.0.0.1:6800}/schedule.json" \
  --data project=newscrawler --data spider=news \
  --data-urlencode "start_url=${NEWS_START_URL}" \
  ${NEWS_SECTIONS:+--data-urlencode "sections=${NEWS_SECTIONS}"})
echo "${response}"
# Scrapyd answers 200 even when it refuses: trust only "status": "ok".
grep -q '"status": *"ok"' <<<"${response}"
