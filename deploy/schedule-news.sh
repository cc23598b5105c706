#!/usr/bin/env bash
# Schedule one `news` crawl on Scrapyd, after reporting how the previous one ended. Called by cron or
# the systemd timer in this folder, as the user that runs Scrapyd (never root).
#
# Settings come from an environment file (default /etc/newscrawler/schedule.env, see
# schedule.env.example: plain KEY=VALUE lines, owned root:scrapyd, mode 640), read here so that cron,
# systemd and a shell all get the same values, exported:
#   SCRAPYD_URL (default http://127.0.0.1:6800), SCRAPYD_USERNAME, SCRAPYD_PASSWORD,
#   NEWS_START_URL (the site's start URL(s), comma-separated), optional NEWS_SECTIONS,
#   NEWS_SITE_PROFILE, NEWS_API_URL, NEWS_REDIS_URL and NEWS_CRAWL_ID (passed to the job as the
#   settings NEWS_SITE_PROFILE, NEWS_API_URL, REDIS_URL and NEWS_CRAWL_ID), NEWS_JOB_MAX_MINUTES
#   (default 120: a job running longer is reported, not waited for).
# MONGO_URI belongs to Scrapyd's own environment, not to this call.
# Exit status: 0 scheduled, or not scheduled because the previous crawl still runs (said on stderr:
# two runs of one crawl would double the load on the site and the machine); 1 not scheduled;
# 3 scheduled, but the previous job did not end well; 4 not scheduled, the previous job has run longer than
# NEWS_JOB_MAX_MINUTES (stuck: look at its log, cancel it).
set -euo pipefail
env_file="${NEWS_SCHEDULE_ENV:-/etc/newscrawler/schedule.env}"
if [[ -r "${env_file}" ]]; then
  set -a
  # shellcheck disable=SC1090
  . "${env_file}"
  set +a
fi
: "${SCRAPYD_USERNAME:?set SCRAPYD_USERNAME}" "${SCRAPYD_PASSWORD:?set SCRAPYD_PASSWORD}" "${NEWS_START_URL:?set NEWS_START_URL}"
scrapyd="${SCRAPYD_URL:-http://127.0.0.1:6800}"
scrapyd="${scrapyd%/}"
auth=(--user "${SCRAPYD_USERNAME}:${SCRAPYD_PASSWORD}")

# How did the previous job end? Scrapyd lists a crashed job as finished too: judge it by its log's
# closing summary line (newscrawler.extensions.CrawlReport).
previous_ok=1
jobs=$(curl --silent --show-error --fail --max-time 30 "${auth[@]}" "${scrapyd}/listjobs.json?project=newscrawler") || jobs=""
# A job running longer than NEWS_JOB_MAX_MINUTES is stuck, not busy: said loudly (exit 4), every tick.
# Scrapyd writes start_time in its own local time: this script runs on Scrapyd's host (or in its zone).
too_long=$(NEWS_JOB_MAX_MINUTES="${NEWS_JOB_MAX_MINUTES:-120}" python3 -c 'import datetime,json,os,sys
try:
    data = json.load(sys.stdin)
except ValueError:
    data = {}
limit = float(os.environ["NEWS_JOB_MAX_MINUTES"])
now = datetime.datetime.now()
for job in data.get("running", []):
    if job.get("spider") != "news" or not job.get("start_time"):
        continue
    minutes = (now - datetime.datetime.fromisoformat(job["start_time"])).total_seconds() / 60
    if minutes > limit:
        print("job %s started %s, running for %.0f minutes" % (job["id"], job["start_time"], minutes))' <<<"${jobs}")
if [[ -n "${too_long}" ]]; then
  echo "not scheduled: the previous news crawl has run too long: ${too_long} (over NEWS_JOB_MAX_MINUTES=${NEWS_JOB_MAX_MINUTES:-120}); look at its log, cancel it if it is stuck" >&2
  exit 4
fi
running=$(python3 -c 'import json,sys
try:
    data = json.load(sys.stdin)
except ValueError:
    data = {}
print(" ".join(j["id"] for j in data.get("pending", []) + data.get("running", []) if j.get("spider") == "news"))' <<<"${jobs}")
if [[ -n "${running}" ]]; then
  echo "not scheduled: the previous news crawl is still pending or running (${running})" >&2
  exit 0
fi
last_job=$(python3 -c 'import json,sys
try:
    jobs = [j for j in json.load(sys.stdin).get("finished", []) if j.get("spider") == "news"]
except ValueError:
    jobs = []
print(max(jobs, key=lambda j: j.get("end_time") or "")["id"] if jobs else "")' <<<"${jobs}")
if [[ -n "${last_job}" ]]; then
  summary=$(curl --silent --max-time 30 "${auth[@]}" "${scrapyd}/logs/newscrawler/news/${last_job}.log" \
            | grep -o 'Crawl summary (.*' | tail -n 1 || true)
  if [[ -z "${summary}" ]]; then
    echo "previous job ${last_job} did not end well: its log has no closing summary (crashed or killed)" >&2
    previous_ok=0
  elif [[ "${summary}" != "Crawl summary (finished)"* || "${summary}" =~ (monitors_failed|dead_lettered|lost)=[1-9] ]]; then
    echo "previous job ${last_job} did not end well: ${summary}" >&2
    previous_ok=0
  fi
fi

args=(--data project=newscrawler --data spider=news --data-urlencode "start_url=${NEWS_START_URL}")
[[ -n "${NEWS_SECTIONS:-}" ]] && args+=(--data-urlencode "sections=${NEWS_SECTIONS}")
[[ -n "${NEWS_SITE_PROFILE:-}" ]] && args+=(--data-urlencode "setting=NEWS_SITE_PROFILE=${NEWS_SITE_PROFILE}")
[[ -n "${NEWS_API_URL:-}" ]] && args+=(--data-urlencode "setting=NEWS_API_URL=${NEWS_API_URL}")
[[ -n "${NEWS_REDIS_URL:-}" ]] && args+=(--data-urlencode "setting=REDIS_URL=${NEWS_REDIS_URL}")
[[ -n "${NEWS_CRAWL_ID:-}" ]] && args+=(--data-urlencode "setting=NEWS_CRAWL_ID=${NEWS_CRAWL_ID}")
response=$(curl --silent --show-error --fail --max-time 30 "${auth[@]}" "${scrapyd}/schedule.json" "${args[@]}") || {
  echo "not scheduled: Scrapyd at ${scrapyd} did not answer" >&2
  exit 1
}
echo "${response}"
# Scrapyd answers 200 even when it refuses: trust only "status": "ok".
grep -q '"status": *"ok"' <<<"${response}" || { echo "not scheduled: ${response}" >&2; exit 1; }
[[ "${previous_ok}" == 1 ]] || exit 3
