#!/usr/bin/env bash
# Compares the UNS hub with Mosquitto and HiveMQ CE on this machine, on loopback only.
#
# Each broker runs pinned to one CPU (taskset -c 0) and the load generator to another (taskset -c 1), so that the
# broker's CPU time per message is not blurred by the generator competing for the same core. Brokers are
# interleaved per scenario (hub, mosquitto, hivemq, hub, mosquitto, hivemq, ...) and every scenario gets a freshly
# started broker, so slow drift of the machine and leftovers of an earlier scenario (heap growth, queues) do not
# favour one broker. Results are appended to bench/results/results.csv and the run's markdown tables are printed
# and saved to bench/results/<run id>/tables.md, ready to paste into bench/RESULTS.md.
#
# Run ./bench/compare-brokers.sh --help for the options.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$BENCH_DIR")

brokers="hub mosquitto hivemq"
rounds=2
scenarios="fan-in:0 fan-in:1 fan-out:0 fan-out:1 p2p:0 p2p:1 latency:1 idle"
duration=10
warmup=5
latency_duration=30
latency_rate=1000
connections=10000
window=32
mqtt_version=3
base_port=${BASE_PORT:-21883}
results_dir="$BENCH_DIR/results"
broker_cpu=0
generator_cpu=1
# Both JVM brokers get the same options; empty means JVM defaults (on one pinned core: SerialGC, max heap 1/4 RAM).
broker_java_opts=${BROKER_JAVA_OPTS:-}
generator_java_opts=${GENERATOR_JAVA_OPTS:--Xms512m -Xmx2g}

usage() {
    cat <<EOF
Usage: bench/compare-brokers.sh [options]

  --brokers "LIST"        brokers to compare, in order (default: "$brokers")
  --rounds N              how often the whole comparison repeats (default: $rounds)
  --scenarios "LIST"      scenario[:qos] items (default: "$scenarios")
  --duration S            measured seconds per throughput scenario (default: $duration)
  --warmup S              warm-up seconds before measuring (default: $warmup)
  --latency-duration S    measured seconds of the fixed-rate latency scenario (default: $latency_duration)
  --latency-rate R        messages per second in the latency scenario (default: $latency_rate)
  --connections N         connections in the idle scenario (default: $connections)
  --window W              in-flight messages per publisher (default: $window)
  --mqtt-version 3|5      protocol the generator speaks; 3 = MQTT 3.1.1 (default: $mqtt_version)
  --base-port P           hub MQTT port; mosquitto uses P+1, hivemq P+2, the hub's HTTP P+100 (default: $base_port)
  --results-dir DIR       where results.csv and per-run logs go (default: bench/results)

Environment: JAVA_HOME (a JDK 21+), BROKER_JAVA_OPTS (hub and HiveMQ), GENERATOR_JAVA_OPTS.
Prerequisites: the hub built with ./mvnw -DskipTests package, the bench module built with
./mvnw -pl bench -am -DskipTests package; Mosquitto is installed with apt-get when missing.
EOF
}

die() {
    echo "compare-brokers: $*" >&2
    exit 1
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --brokers) brokers=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --scenarios) scenarios=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --latency-duration) latency_duration=$2; shift 2 ;;
        --latency-rate) latency_rate=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --window) window=$2; shift 2 ;;
        --mqtt-version) mqtt_version=$2; shift 2 ;;
        --base-port) base_port=$2; shift 2 ;;
        --results-dir) results_dir=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option $1" ;;
    esac
done

for broker in $brokers; do
    case "$broker" in
        hub|mosquitto|hivemq) ;;
        *) die "unknown broker '$broker' (expected hub, mosquitto or hivemq)" ;;
    esac
done

# --- prerequisites ---------------------------------------------------------------------------------------------

java_major_version() {
    "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}'
}

find_java() {
    local candidate
    for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \
                     "$(command -v java || true)"; do
        [[ -n "$candidate" && -x "$candidate" ]] || continue
        local version
        version=$(java_major_version "$candidate")
        version=${version%%.*}   # "1.8" -> 1: anything that old fails the check below
        if (( ${version:-0} >= 21 )); then
            echo "$candidate"
            return
        fi
    done
    die "no Java 21 or newer found; set JAVA_HOME to a JDK 21+ (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)"
}

JAVA=$(find_java)
command -v taskset >/dev/null || die "taskset is missing (Debian package util-linux)"
if (( $(nproc) < 2 )); then
    echo "compare-brokers: warning: only $(nproc) CPU; broker and generator will share CPU 0" >&2
    generator_cpu=0
fi

BENCH_JAR=$(ls "$BENCH_DIR"/target/bench-*.jar 2>/dev/null | grep -v -e '-sources' -e '-javadoc' | head -n 1 || true)
[[ -n "$BENCH_JAR" && -d "$BENCH_DIR/target/lib" ]] \
    || die "the load generator is not built; run: ./mvnw -pl bench -am -DskipTests package"
GENERATOR_CLASSPATH="$BENCH_JAR:$BENCH_DIR/target/lib/*"
HIVEMQ_CLASSPATH_FILE="$BENCH_DIR/target/hivemq-classpath.txt"

HUB_JAR="$REPO_ROOT/uns-hub/target/quarkus-app/quarkus-run.jar"
if [[ " $brokers " == *" hub "* && ! -f "$HUB_JAR" ]]; then
    die "$HUB_JAR not found: build the hub first with ./mvnw -DskipTests package (or leave it out with --brokers \"mosquitto hivemq\")"
fi
if [[ " $brokers " == *" hivemq "* ]]; then
    [[ -f "$HIVEMQ_CLASSPATH_FILE" ]] \
        || die "HiveMQ's classpath ($HIVEMQ_CLASSPATH_FILE) is missing; run: ./mvnw -pl bench -am -DskipTests package"
    # The file lists jars in the local Maven repository; a cleaned repository needs the bench build again.
    HIVEMQ_CLASSPATH="$BENCH_JAR:$(cat "$HIVEMQ_CLASSPATH_FILE")"
    hivemq_ce_jar=$(tr ':' '\n' <"$HIVEMQ_CLASSPATH_FILE" | grep 'hivemq-community-edition-embedded' || true)
    [[ -n "$hivemq_ce_jar" && -f "$hivemq_ce_jar" ]] \
        || die "HiveMQ CE is not in the local Maven repository; run: ./mvnw -pl bench -am -DskipTests package"
fi

MOSQUITTO=/usr/sbin/mosquitto
if [[ " $brokers " == *" mosquitto "* && ! -x "$MOSQUITTO" ]]; then
    if command -v mosquitto >/dev/null; then
        MOSQUITTO=$(command -v mosquitto)
    else
        echo "compare-brokers: installing mosquitto with apt-get" >&2
        sudo_prefix=""
        (( EUID == 0 )) || sudo_prefix="sudo"
        $sudo_prefix apt-get update -q
        $sudo_prefix apt-get install -y -q mosquitto
        [[ -x "$MOSQUITTO" ]] || MOSQUITTO=$(command -v mosquitto) || die "mosquitto is still missing after apt-get"
    fi
fi

# Every idle connection is a file descriptor in the broker and one in the generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < connections + 1000 )) && [[ " $scenarios " == *" idle"* ]]; then
    echo "compare-brokers: warning: open-file limit $(ulimit -n) is low for $connections idle connections" >&2
fi

# Two pinned cores are the whole machine: anything else running skews the comparison (see other_cpu_pct).
load_average=$(cut -d' ' -f1 /proc/loadavg)
if awk -v load="$load_average" 'BEGIN { exit !(load > 0.5) }'; then
    echo "compare-brokers: warning: load average is $load_average; results are only comparable on an idle machine" >&2
fi

# --- run layout ------------------------------------------------------------------------------------------------

run_id=$(date +%Y%m%d-%H%M%S)
run_dir="$results_dir/$run_id"
results_csv="$results_dir/results.csv"
mkdir -p "$run_dir/logs"
work_dir=$(mktemp -d "${TMPDIR:-/tmp}/compare-brokers.XXXXXX")

broker_port() {
    case "$1" in
        hub) echo "$base_port" ;;
        mosquitto) echo $((base_port + 1)) ;;
        hivemq) echo $((base_port + 2)) ;;
    esac
}
hub_http_port=$((base_port + 100))

broker_pid=""
generator_pid=""

stop_broker() {
    [[ -n "$broker_pid" ]] || return 0
    kill -TERM "$broker_pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$broker_pid" 2>/dev/null && (( waited < 300 )); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$broker_pid" 2>/dev/null; then
        echo "compare-brokers: broker $broker_pid ignored SIGTERM for 30 s; killing it" >&2
        kill -KILL "$broker_pid" 2>/dev/null || true
    fi
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
}

cleanup() {
    if [[ -n "$generator_pid" ]]; then
        kill -TERM "$generator_pid" 2>/dev/null || true
        wait "$generator_pid" 2>/dev/null || true
    fi
    stop_broker
    rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_is_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts one broker pinned to the broker CPU; sets broker_pid. $1 broker, $2 log file.
start_broker() {
    local broker=$1 log=$2 port
    port=$(broker_port "$broker")
    port_is_open "$port" && die "port $port is already in use; pick another --base-port"
    case "$broker" in
        hub)
            # Own working directory per start: the hub's data directory (relative "data") starts empty. Listeners
            # stay on loopback and the session queue is as large as the other brokers'.
            local hub_dir
            hub_dir=$(mktemp -d "$work_dir/hub.XXXXXX")
            (cd "$hub_dir" && exec env UNS_MQTT_PORT="$port" UNS_MQTT_WS_PORT=0 UNS_MQTT_HOST=127.0.0.1 \
                UNS_MQTT_MAX_QUEUED_MESSAGES=1000000 QUARKUS_HTTP_PORT="$hub_http_port" QUARKUS_HTTP_HOST=127.0.0.1 \
                taskset -c "$broker_cpu" "$JAVA" $broker_java_opts -jar "$HUB_JAR") >"$log" 2>&1 &
            ;;
        mosquitto)
            local conf="$work_dir/mosquitto-$port.conf"
            cat >"$conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence false
# Queue far more than any window of the generator can have outstanding, so no message is dropped for a full queue.
max_queued_messages 1000000
max_queued_bytes 0
# The JVM brokers (Netty) disable Nagle's algorithm on client sockets; do the same here.
set_tcp_nodelay true
log_dest stdout
log_type error
log_type warning
connection_messages false
EOF
            (exec taskset -c "$broker_cpu" "$MOSQUITTO" -c "$conf") >"$log" 2>&1 &
            ;;
        hivemq)
            (exec taskset -c "$broker_cpu" "$JAVA" $broker_java_opts --enable-native-access=ALL-UNNAMED \
                -Djava.io.tmpdir="$work_dir" -cp "$HIVEMQ_CLASSPATH" \
                io.unshub.bench.hivemq.EmbeddedHiveMqLauncher --port "$port") >"$log" 2>&1 &
            ;;
    esac
    broker_pid=$!
    local waited=0
    until port_is_open "$port"; do
        if ! kill -0 "$broker_pid" 2>/dev/null; then
            tail -n 30 "$log" >&2
            broker_pid=""
            die "$broker exited during startup (log: $log)"
        fi
        (( waited < 1200 )) || { stop_broker; die "$broker did not open port $port within 120 s (log: $log)"; }
        sleep 0.1
        waited=$((waited + 1))
    done
}

# Runs one scenario against the running broker. $1 broker, $2 scenario[:qos], $3 round, $4 log file.
run_generator() {
    local broker=$1 item=$2 round=$3 log=$4
    local scenario=${item%%:*} qos=1
    [[ "$item" == *:* ]] && qos=${item#*:}
    local args=(--scenario "$scenario" --host 127.0.0.1 --port "$(broker_port "$broker")"
                --broker-pid "$broker_pid" --broker-label "$broker" --mqtt-version "$mqtt_version"
                --run-id "$run_id" --round "$round" --results-file "$results_csv")
    case "$scenario" in
        fan-in|fan-out|p2p)
            args+=(--qos "$qos" --window "$window" --warmup "$warmup" --duration "$duration") ;;
        latency)
            args+=(--qos "$qos" --rate "$latency_rate" --warmup "$warmup" --duration "$latency_duration") ;;
        idle)
            args+=(--connections "$connections") ;;
        *) die "unknown scenario '$scenario'" ;;
    esac
    # In the background and waited for, so that an INT/TERM trap runs at once instead of after the scenario.
    taskset -c "$generator_cpu" "$JAVA" $generator_java_opts --enable-native-access=ALL-UNNAMED \
        -cp "$GENERATOR_CLASSPATH" io.unshub.bench.load.LoadGenerator "${args[@]}" >>"$log" 2>&1 &
    generator_pid=$!
    local status=0
    wait "$generator_pid" || status=$?
    generator_pid=""
    return "$status"
}

# --- the comparison ----------------------------------------------------------------------------------------------

{
    echo "run $run_id on $(uname -srm), $(nproc) CPUs: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "java: $("$JAVA" -version 2>&1 | head -n 1)"
    [[ " $brokers " == *" mosquitto "* ]] && echo "mosquitto: $("$MOSQUITTO" -h 2>/dev/null | head -n 1)"
    [[ " $brokers " == *" hivemq "* ]] && echo "hivemq: $(basename "$hivemq_ce_jar" .jar)"
    [[ " $brokers " == *" hub "* ]] && echo "hub: $(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null || echo unknown revision)"
    echo "rounds $rounds, duration ${duration}s, warm-up ${warmup}s, window $window, MQTT $mqtt_version, broker CPU $broker_cpu, generator CPU $generator_cpu"
} | tee "$run_dir/environment.txt"

failures=0
for round in $(seq 1 "$rounds"); do
    for item in $scenarios; do
        for broker in $brokers; do
            tag="$broker-${item/:/-qos}-round$round"
            echo "== round $round/$rounds: $item on $broker"
            start_broker "$broker" "$run_dir/logs/$tag.broker.log"
            if run_generator "$broker" "$item" "$round" "$run_dir/logs/$tag.generator.log"; then
                grep -E '^  (deliveries per second|broker CPU us per delivery|latency p99 |time to connect all|broker RSS KiB per connection)' \
                    "$run_dir/logs/$tag.generator.log" || true
            else
                failures=$((failures + 1))
                echo "compare-brokers: $item on $broker failed; see $run_dir/logs/$tag.generator.log" >&2
                tail -n 5 "$run_dir/logs/$tag.generator.log" >&2 || true
            fi
            kill -0 "$broker_pid" 2>/dev/null || echo "compare-brokers: $broker died during $item" >&2
            stop_broker
        done
    done
done

# --- tables ------------------------------------------------------------------------------------------------------

# Prints the rows of this run as markdown. Columns are looked up by header name, so the CSV may grow columns.
markdown_tables() {
    awk -F, -v run="$run_id" -v brokers="$brokers" -v scenarios="$scenarios" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["run_id"] != run { next }
        {
            scenario = $col["scenario"]; broker = $col["broker"]
            scenario_rank = index(" " scenarios " ", " " scenario)
            broker_rank = index(" " brokers " ", " " broker " ")
            key = sprintf("%05d %s %05d %05d", scenario_rank, $col["qos"], $col["round"], broker_rank)
            if (scenario == "idle") {
                idle_rows++
                idle[key] = sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |", broker, $col["round"],
                    $col["connections"], $col["connect_ms"], $col["broker_rss_start_mb"], $col["broker_rss_mb"],
                    $col["broker_rss_kb_per_conn"], $col["broker_cpu_s"], $col["other_cpu_pct"], $col["errors"])
            } else {
                load_rows++
                load[key] = sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
                    scenario, $col["qos"], broker, $col["round"], $col["delivered_per_s"], $col["broker_cpu_pct"],
                    $col["broker_cpu_us_per_msg"], $col["broker_rss_mb"], $col["generator_cpu_pct"],
                    $col["other_cpu_pct"],
                    $col["lat_p50_us"], $col["lat_p99_us"], $col["lat_p999_us"], $col["lat_max_us"],
                    $col["lost"], $col["errors"])
            }
        }
        END {
            if (load_rows > 0) {
                print "| scenario | QoS | broker | round | deliveries/s | broker CPU % | broker CPU µs/msg | broker RSS MiB | generator CPU % | other CPU % | p50 µs | p99 µs | p99.9 µs | max µs | lost | errors |"
                print "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
                n = asorted_keys(load, keys)
                for (i = 1; i <= n; i++) print load[keys[i]]
                print ""
            }
            if (idle_rows > 0) {
                print "| broker | round | idle connections | time to connect all ms | RSS before MiB | RSS after MiB | RSS KiB/connection | broker CPU s | other CPU % | errors |"
                print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
                n = asorted_keys(idle, keys)
                for (i = 1; i <= n; i++) print idle[keys[i]]
            }
        }
        # Sorts the keys of array a into k[1..n] (insertion sort: POSIX awk has no asorti).
        function asorted_keys(a, k,    n, key, i, j, t) {
            n = 0
            for (key in a) k[++n] = key
            for (i = 2; i <= n; i++) {
                t = k[i]
                for (j = i - 1; j >= 1 && k[j] > t; j--) k[j + 1] = k[j]
                k[j + 1] = t
            }
            return n
        }
    ' "$results_csv"
}

if [[ -f "$results_csv" ]]; then
    {
        sed 's/^/- /' "$run_dir/environment.txt"
        echo
        markdown_tables
    } >"$run_dir/tables.md"
    echo
    cat "$run_dir/tables.md"
    echo
    echo "Saved to $run_dir/tables.md; all rows so far are in $results_csv."
fi
(( failures == 0 )) || die "$failures scenario run(s) failed"
