#!/bin/sh
# The region API's hooks on a lab host, as the fleet file runs them (setApiEnv, restartApi): like a real host's
# `systemctl`, a small client of a daemon that does the work, here the lab's host agent (lab/host-agent.ts). A hook
# that started Node instead cost ~0.1 s of CPU, six of them on a failover's critical path.
# usage: host-hook.sh <curl> <agent socket> set-env <region> KEY=VALUE... | restart-api <region>
curl=$1
socket=$2
shift 2
# each argument goes as one form field, exactly as given: nothing here is ever evaluated
for arg do
  set -- "$@" --data-urlencode "arg=$arg"
  shift
done
body=$("$curl" --silent --fail-with-body --max-time 120 --unix-socket "$socket" "$@" http://host-agent/run)
status=$?
case $status in
  0) printf '%s\n' "$body" ;;
  22) printf '%s\n' "$body" >&2 ;;
  7) echo "host-hook: the lab's host agent does not answer on $socket (npm run lab starts it)" >&2 ;;
  *) echo "host-hook: asking the lab's host agent failed (curl exit $status)" >&2 ;;
esac
[ "$status" -eq 0 ]
