#!/usr/bin/env bash
# Stops what scripts/slurm/start-local-cluster.sh started (by its pid files), and nothing else.
set -uo pipefail
dir=${NETC_SLURM_DIR:-/tmp/netc-slurm}
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || continue
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
done
exit 0
