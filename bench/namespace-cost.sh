#!/usr/bin/env bash
# What namespace enforcement (built-in model) and the live namespace cost the hub per message: the hub with
# uns.namespace.enforce=true and =false, interleaved, fan-in and p2p at QoS 1, broker on CPU 0, generator on CPU 1.
# Needs: ./mvnw -B -q -DskipTests package -pl bench,uns-hub -am
# Usage: bench/namespace-cost.sh [rounds] [seconds]   (results: bench/results/namespace-cost.csv)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
seconds=${2:-15}
JAVA=${JAVA:-java}
out=bench/results/namespace-cost.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results
for round in $(seq 1 "$rounds"); do
  for scenario in fan-in p2p; do
    for enforce in true false; do
      taskset -c 0 "$JAVA" -Duns.namespace.enforce="$enforce" -Duns.mqtt.sys-interval=0 -Dquarkus.http.port=18080 \
        -Duns.mqtt.port=11883 -Duns.mqtt.ws-port=0 -Duns.data-dir="$work/data" -Duns.config-dir="$work/config" \
        -jar uns-hub/target/quarkus-app/quarkus-run.jar >"$work/hub.log" 2>&1 &
      hub=$!
      for _ in $(seq 1 100); do curl -sf localhost:18080/q/health/ready >/dev/null && break; sleep 0.2; done
      taskset -c 1 "$JAVA" -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" \
        io.unshub.bench.load.LoadGenerator --scenario "$scenario" --qos 1 --host 127.0.0.1 --port 11883 \
        --broker-pid "$hub" --broker-label "hub-enforce-$enforce" --round "$round" --duration "$seconds" \
        --results-file "$out" >"$work/generator.log" 2>&1 || { echo "generator failed:"; tail -5 "$work/generator.log"; }
      kill "$hub"
      wait "$hub" 2>/dev/null || true
    done
  done
done
echo "results in $out"
