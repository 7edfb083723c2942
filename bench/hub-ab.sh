#!/usr/bin/env bash
# Two configurations of the packaged hub side by side: fan-in and p2p at QoS 1, interleaved rounds, hub on
# CPU 0 and the load generator on CPU 1, so the broker CPU per message of A and B can be compared.
# Needs: ./mvnw -B -q -DskipTests package -pl bench,uns-hub -am
# Usage: bench/hub-ab.sh ROUNDS SECONDS "LABEL_A=-Dkey=value ..." "LABEL_B=-Dkey=value ..." [generator options]
#   e.g. bench/hub-ab.sh 2 15 "enforce-on=-Duns.namespace.enforce=true" "enforce-off=-Duns.namespace.enforce=false"
# Results: bench/results/hub-ab.csv (one row per run, the generator's columns).
set -euo pipefail
cd "$(dirname "$0")/.."
(( $# >= 4 )) || { sed -n '2,7p' "$0" >&2; exit 2; }
rounds=$1
seconds=$2
variants=("$3" "$4")
shift 4
JAVA=${JAVA:-java}
out=bench/results/hub-ab.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results
for round in $(seq 1 "$rounds"); do
  for scenario in fan-in p2p; do
    for variant in "${variants[@]}"; do
      label=${variant%%=*}
      read -r -a hub_options <<<"${variant#*=}"
      rm -rf "$work/data"
      taskset -c 0 "$JAVA" "${hub_options[@]}" -Duns.mqtt.sys-interval=0 -Dquarkus.http.port=18080 \
        -Duns.mqtt.port=11883 -Duns.mqtt.ws-port=0 -Duns.data-dir="$work/data" -Duns.config-dir="$work/config" \
        -jar uns-hub/target/quarkus-app/quarkus-run.jar >"$work/hub.log" 2>&1 &
      hub=$!
      for _ in $(seq 1 100); do curl -sf localhost:18080/q/health/ready >/dev/null && break; sleep 0.2; done
      taskset -c 1 "$JAVA" -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" \
        io.unshub.bench.load.LoadGenerator --scenario "$scenario" --qos 1 --host 127.0.0.1 --port 11883 \
        --broker-pid "$hub" --broker-label "hub-$label" --round "$round" --duration "$seconds" \
        --results-file "$out" "$@" >"$work/generator.log" 2>&1 || { echo "generator failed:"; tail -5 "$work/generator.log"; }
      kill "$hub"
      wait "$hub" 2>/dev/null || true
    done
  done
done
echo "results in $out"
