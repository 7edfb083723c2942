#!/usr/bin/env bash
# deploy/smoke.sh - the container smoke test, run by CI (.ci/run) after `./mvnw -B verify`.
#
# Builds the hub's image with podman from deploy/Dockerfile and the fast-jar the build made, with no
# Docker engine and no registry (../shared/docs/containers.md): a local glibc Java base image tagged
# eclipse-temurin:21-jre, `podman build --pull=never`, the runc runtime. Then, with the example config
# of deploy/config and the demo on:
#   1. adds an MQTT user with the image's own `user add` command,
#   2. starts the hub with a named volume on /data, waits for the HEALTHCHECK (/q/health/ready),
#   3. round-trips a retained MQTT message as that user (mosquitto_pub/sub), checks REST endpoints (and
#      that the demo OPC UA PLC is read through the OPC UA bridge),
#   4. stops it (SIGTERM: graceful), starts a NEW container on the same volume, and checks that the
#      retained message survived through /data (and the history too, once the historian is built in),
#   5. starts the hub service of deploy/compose.yaml with podman-compose (published ports, read-only root,
#      restart policy; Grafana and Prometheus are left out: their images need a registry),
#   6. removes everything it created (containers, volumes, network, images, scratch files), also on failure.
# When podman is missing or cannot run a container here, it says so and exits 0 (skipped).
#
# Knobs (environment): SMOKE_MQTT_PORT, SMOKE_HTTP_PORT, SMOKE_WS_PORT (host ports, host network),
# BASE_FLAVOR=slim|debian21 (slim: busybox + glibc + a jlinked JRE from the local JDK; debian21: Debian 13
# with OpenJDK 21, needs the Debian mirror), KEEP_BASE_IMAGE=1 keeps a base image this run built,
# SMOKE_REQUIRE=1 turns "cannot run containers" into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

RUN_ID=$$
WORK=${WORK:-$ROOT/target/container-smoke-$RUN_ID}
BASE_IMAGE=${BASE_IMAGE:-eclipse-temurin:21-jre}
BASE_FLAVOR=${BASE_FLAVOR:-slim}
APP_IMAGE=localhost/uns-hub:smoke-$RUN_ID
NAME=uns-hub-smoke-$RUN_ID
VOLUME=uns-hub-smoke-data-$RUN_ID
MQTT_PORT=${SMOKE_MQTT_PORT:-18831}
HTTP_PORT=${SMOKE_HTTP_PORT:-18081}
WS_PORT=${SMOKE_WS_PORT:-18083}
PG_PORT=${SMOKE_PG_PORT:-18812}
FAST_JAR=$ROOT/uns-hub/target/quarkus-app
JRE_MODULES=${JRE_MODULES:-java.se,jdk.unsupported,jdk.zipfs,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.charsets,jdk.localedata,jdk.naming.dns,jdk.net,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.jfr,jdk.httpserver,jdk.security.auth,jdk.security.jgss,jdk.jcmd}
TOPIC=acme/dallas/press/line1/cell1/_edge/smoke/check
PASSWORD="smoke-$RUN_ID-$(date +%s%N)"

T_START=$(date +%s.%N)
TIMES=()
t0=0
step() { t0=$(date +%s.%N); echo "=== $1"; }
done_step() { TIMES+=("$(printf '%-34s %6.1f s' "$1" "$(echo "$(date +%s.%N) - $t0" | bc)")"); }
skip() { echo "SKIPPED container smoke test: $1"; [ "${SMOKE_REQUIRE:-0}" = 1 ] && exit 1; exit 0; }
# The body goes to a file first: `curl | grep -q` fails under pipefail when grep stops reading early.
api() { curl -fsS -m 5 -o "$WORK/body" "http://127.0.0.1:$HTTP_PORT$1" && cat "$WORK/body"; }
has() { grep -q "$@" "$WORK/body"; }
fail() { echo "FAILED: $1" >&2; podman logs "$NAME" 2>&1 | tail -60 >&2 || true; exit 1; }

command -v podman >/dev/null 2>&1 || skip "podman is not installed (apt-get install podman runc busybox-static)"
for tool in curl bc mosquitto_pub mosquitto_sub; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done

# crun fails in this kind of sandbox (cgroup v1, setrlimit above the hard limits); runc works once podman's
# default ulimits are cleared. BUILDAH_FORMAT=docker keeps the HEALTHCHECK in the image.
mkdir -p "$WORK"
printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' > "$WORK/containers.conf"
export CONTAINERS_CONF="$WORK/containers.conf"
export BUILDAH_FORMAT=docker

BASE_CREATED=
cleanup() {
  podman rm -f "$NAME" >/dev/null 2>&1 || true
  if [ -n "${PROJECT:-}" ]; then
    for c in $(podman ps -aq --filter "label=io.podman.compose.project=$PROJECT"); do podman rm -f "$c" >/dev/null 2>&1 || true; done
    podman volume rm -f "${PROJECT}_uns-data" >/dev/null 2>&1 || true
    podman network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
  fi
  podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  podman rmi -f "$APP_IMAGE" >/dev/null 2>&1 || true
  if [ -n "$BASE_CREATED" ] && [ "${KEEP_BASE_IMAGE:-0}" != 1 ]; then
    podman rmi -f "$BASE_IMAGE" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- the fast-jar ------------------------------------------------------------------------------
if [ ! -f "$FAST_JAR/quarkus-run.jar" ]; then
  step "build the hub (fast-jar)"
  ./mvnw -B -q -DskipTests -pl uns-hub -am package
  done_step "build the hub"
fi

# ---- 1. base image: a glibc Java runtime under the name the Dockerfile's FROM uses --------------
step "base image $BASE_IMAGE ($BASE_FLAVOR)"
if podman image exists "$BASE_IMAGE"; then
  echo "using the local $BASE_IMAGE"
elif [ "$BASE_FLAVOR" = slim ]; then
  command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ] || skip "busybox-static is not installed"
  JDK=${JLINK_JDK:-$(ls -d /usr/lib/jvm/temurin-*-jdk* 2>/dev/null | sort -V | tail -1)}
  [ -x "$JDK/bin/jlink" ] || skip "no JDK with jlink under /usr/lib/jvm (set JLINK_JDK)"
  R="$WORK/rootfs"
  "$JDK/bin/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-header-files --no-man-pages --output "$WORK/jre"
  mkdir -p "$R"/{bin,lib/x86_64-linux-gnu,lib64,etc,tmp,var/tmp,root,opt/java,deployments,usr}
  chmod 1777 "$R/tmp" "$R/var/tmp"
  ln -s ../bin "$R/usr/bin"; ln -s ../bin "$R/usr/sbin"; ln -s ../lib "$R/usr/lib"; ln -s bin "$R/sbin"
  cp /bin/busybox "$R/bin/busybox"
  for a in $(/bin/busybox --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
  cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
  # libstdc++: the native library of RocksDB (broker store) needs it, as QuestDB's does.
  for l in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libgcc_s.so.1 libz.so.1 libstdc++.so.6; do
    cp -L "/lib/x86_64-linux-gnu/$l" "$R/lib/x86_64-linux-gnu/"
  done
  cp -a "$WORK/jre" "$R/opt/java/openjdk"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:185:0:app:/deployments:/bin/sh\n' > "$R/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$R/etc/nsswitch.conf"
  printf '127.0.0.1 localhost\n' > "$R/etc/hosts"
  tar -C "$R" --numeric-owner -cf - . | podman import \
    --change 'ENV JAVA_HOME=/opt/java/openjdk' --change 'ENV PATH=/opt/java/openjdk/bin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["java","-version"]' - "$BASE_IMAGE" >"$WORK/import.log" 2>&1 \
    || { cat "$WORK/import.log"; skip "podman cannot import an image here"; }
  BASE_CREATED=1
  rm -rf "$R" "$WORK/jre"
elif [ "$BASE_FLAVOR" = debian21 ]; then
  command -v debootstrap >/dev/null 2>&1 || skip "debootstrap is not installed"
  MIRROR=${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)}
  R="$WORK/rootfs"
  debootstrap --variant=minbase --include=openjdk-21-jre-headless,busybox trixie "$R" "$MIRROR" >"$WORK/debootstrap.log"
  rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/* "$R"/usr/share/doc/* "$R"/usr/share/man/*
  ln -sf /bin/busybox "$R/usr/local/bin/wget"
  mkdir -p "$R/opt/java"; ln -sfn /usr/lib/jvm/java-21-openjdk-amd64 "$R/opt/java/openjdk"
  tar -C "$R" --numeric-owner -cf - . | podman import \
    --change 'ENV JAVA_HOME=/opt/java/openjdk' \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["java","-version"]' - "$BASE_IMAGE" >/dev/null \
    || skip "podman cannot import an image here"
  BASE_CREATED=1
  rm -rf "$R"
else
  fail "unknown BASE_FLAVOR=$BASE_FLAVOR (slim or debian21)"
fi
podman run --rm "$BASE_IMAGE" java -version 2>&1 | sed 's/^/  /' \
  || skip "podman cannot run a container here (see the messages above)"
done_step "base image ($BASE_FLAVOR)"

# ---- 2. the hub's image ----------------------------------------------------------------------------
step "podman build deploy/Dockerfile"
podman build --pull=never --format docker -q -f deploy/Dockerfile -t "$APP_IMAGE" "$FAST_JAR" >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log"; fail "podman build failed"; }
podman image inspect "$APP_IMAGE" --format '{{json .HealthCheck}}' >"$WORK/body" && has '/deployments/health.sh' \
  || fail "the image has no HEALTHCHECK (build with --format docker)"
[ "$(podman image inspect "$APP_IMAGE" --format '{{.Config.User}}')" = 185 ] || fail "the image does not run as user 185"
echo "  $(podman image inspect "$APP_IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"
done_step "podman build"

# ---- 3. config: the example, plus a user made by the image's own command ---------------------------
step "example config + user add (in the image)"
cp -r deploy/config "$WORK/config"
chown -R 185:0 "$WORK/config"
# (podman's stderr goes to a file: without systemd it logs harmless errors about healthcheck timers)
echo "$PASSWORD" | podman run --rm -i -v "$WORK/config:/config" "$APP_IMAGE" user add smoke --roles ops --password-stdin \
  2>>"$WORK/podman.err" | sed 's/^/  /' || fail "user add in the image failed"
grep -q 'name: "smoke"' "$WORK/config/users.yaml" || fail "user add did not write users.yaml"
done_step "config + user add"

start_hub() {
  podman run -d --name "$NAME" --network host \
    -v "$WORK/config:/config:ro" -v "$VOLUME:/data" \
    -e UNS_MQTT_PORT="$MQTT_PORT" -e UNS_MQTT_WS_PORT="$WS_PORT" -e QUARKUS_HTTP_PORT="$HTTP_PORT" \
    -e UNS_MQTT_TLS_PORT=0 -e UNS_MQTT_WSS_PORT=0 -e UNS_DEMO=true -e UNS_AUTH_ANONYMOUS=none \
    -e UNS_HISTORIAN_PG_ENABLED=true -e UNS_HISTORIAN_PG_PORT="$PG_PORT" -e UNS_HISTORIAN_PG_PASSWORD="$PASSWORD" \
    "$APP_IMAGE" >/dev/null 2>>"$WORK/podman.err" || { cat "$WORK/podman.err"; fail "podman run failed"; }
  # No systemd here, so podman never runs the HEALTHCHECK by itself: run it until it passes.
  for _ in $(seq 1 180); do
    if podman healthcheck run "$NAME" >/dev/null 2>&1; then return 0; fi
    [ "$(podman inspect "$NAME" --format '{{.State.Running}}')" = true ] || fail "the hub exited"
    sleep 0.5
  done
  fail "the hub did not become healthy in 90 s"
}


# ---- 4. start, health ------------------------------------------------------------------------------
step "start + healthy"
podman volume create "$VOLUME" >/dev/null
start_hub
podman logs "$NAME" 2>&1 | grep -A18 'UNS hub .* started on Java' | sed 's/^/  /' | head -20
done_step "start + healthy"

# ---- 5. MQTT round trip and REST ---------------------------------------------------------------------
step "MQTT round trip + REST"
VALUE="$RUN_ID.5"
PAYLOAD="{\"value\":$VALUE,\"timestamp_ms\":$(date +%s%3N),\"quality\":\"good\",\"unit\":\"pcs\",\"datatype\":\"Float\"}"
mqtt_sub() { mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -V mqttv5 -u smoke -P "$PASSWORD" -t "$TOPIC" -C 1 -W "$1"; }
# Retained: the subscriber gets the message whether its SUBSCRIBE lands before or after the PUBLISH.
mqtt_sub 20 > "$WORK/received.txt" & SUB=$!
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -V mqttv5 -u smoke -P "$PASSWORD" -q 1 -r -t "$TOPIC" -m "$PAYLOAD" \
  || fail "publish refused"
wait "$SUB" || fail "the subscriber received nothing"
[ "$(cat "$WORK/received.txt")" = "$PAYLOAD" ] || fail "received '$(cat "$WORK/received.txt")', expected '$PAYLOAD'"
if mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -V mqttv5 -q 1 -t "$TOPIC" -m "$PAYLOAD" 2>/dev/null; then
  fail "an anonymous client could publish although UNS_AUTH_ANONYMOUS=none"
fi
api "/api/v1/retained?filter=acme/dallas/%23" >/dev/null && has -F "$VALUE" || fail "GET /api/v1/retained does not show the message"
api "/api/v1/values?filter=acme/monterrey/press/line1/cell1/_edge/spindle/speed" >/dev/null && has '"unit":"rpm"' \
  || fail "GET /api/v1/values shows no demo value"
api "/api/v1/namespace" >/dev/null && has 'acme two-site enterprise' || fail "GET /api/v1/namespace is not the example model"
# The demo PLC (a Milo server in the hub) read through the OPC UA bridge with deploy/config/opcua.yaml.
for _ in $(seq 1 40); do
  api "/api/v1/opcua/connections" >/dev/null && has '"state":"connected"' && break
  sleep 0.5
done
has '"state":"connected"' || fail "the demo-plc OPC UA connection is not connected: $(cat "$WORK/body")"
# The first values follow the session by a publishing interval.
for _ in $(seq 1 20); do
  api "/api/v1/values?filter=acme/monterrey/assembly/line3/cell1/_edge/%23" >/dev/null && has '"unit":"m/min"' && break
  sleep 0.5
done
has '"unit":"m/min"' || fail "GET /api/v1/values shows no value of the demo OPC UA PLC: $(cat "$WORK/body")"
api "/q/metrics" >/dev/null && has '^uns_mqtt_connections' || fail "GET /q/metrics has no broker metrics"
api "/q/openapi" >/dev/null || fail "GET /q/openapi failed"
# The demo Sparkplug edge node logs in with the hub's internal identity, so anonymous=none does not keep it out.
for _ in $(seq 1 30); do
  api "/api/v1/sparkplug/nodes" >/dev/null && has '"node":"paint-line1"' && has '"status":"ONLINE"' && break
  sleep 0.5
done
has '"status":"ONLINE"' || fail "the demo Sparkplug edge node is not ONLINE: $(cat "$WORK/body")"
done_step "MQTT round trip + REST"

# ---- 5b. the historian over PostgreSQL wire, as Grafana reads it -------------------------------------
step "historian over PostgreSQL wire"
podman logs "$NAME" >"$WORK/body" 2>&1
has "pg wire    127.0.0.1:$PG_PORT user grafana, read-only" || fail "the banner shows no PG wire listener on $PG_PORT"
if command -v psql >/dev/null 2>&1; then
  pg() { PGPASSWORD="$1" PGSSLMODE=disable PGGSSENCMODE=disable PGCONNECT_TIMEOUT=5 \
    psql -h 127.0.0.1 -p "$PG_PORT" -U grafana -d qdb -At -v ON_ERROR_STOP=1 -c "$2"; }
  # The demo values land in uns_value; the dashboard's panel reads them with this shape of query.
  for _ in $(seq 1 20); do
    rows=$(pg "$PASSWORD" "SELECT count() FROM uns_value WHERE topic LIKE 'acme/dallas/press/line1/%/_edge/spindle/speed' AND ts > dateadd('m', -10, now())" 2>"$WORK/pg.err" || true)
    [ "${rows:-0}" -gt 0 ] 2>/dev/null && break
    sleep 0.5
  done
  [ "${rows:-0}" -gt 0 ] 2>/dev/null || fail "no demo values over PG wire: '${rows:-}' $(cat "$WORK/pg.err")"
  echo "  $rows spindle speed values of the last 10 minutes over PG wire"
  if pg "$PASSWORD" "INSERT INTO uns_value (ts, topic, value) VALUES (now(), 'x', 1.0)" >/dev/null 2>&1; then
    fail "the PG wire user could INSERT"
  fi
  if pg "wrong-$PASSWORD" "SELECT 1" >/dev/null 2>&1; then fail "PG wire accepted a wrong password"; fi
else
  echo "  psql is not installed: PG wire queries skipped (apt-get install postgresql-client), banner checked"
fi
done_step "historian over PostgreSQL wire"

# ---- 6. stop (graceful), a new container on the same /data volume ------------------------------------
step "stop + new container on the same volume"
podman stop -t 30 "$NAME" >/dev/null 2>>"$WORK/podman.err"
podman logs "$NAME" >"$WORK/body" 2>&1; has 'UNS hub stopped: MQTT listeners closed' || fail "no graceful shutdown in the log"
podman rm "$NAME" >/dev/null 2>>"$WORK/podman.err"
start_hub
mqtt_sub 10 > "$WORK/retained.txt" || fail "no retained message after the restart"
[ "$(cat "$WORK/retained.txt")" = "$PAYLOAD" ] || fail "the retained message changed across the restart"
status=$(curl -s -o "$WORK/history.json" -w '%{http_code}' -m 10 \
  "http://127.0.0.1:$HTTP_PORT/api/v1/history?filter=$(echo "$TOPIC" | sed 's/#/%23/g')&limit=10" || true)
if [ "$status" = 404 ]; then
  echo "  history check skipped: GET /api/v1/history answers 404 (this build has no historian)"
elif [ "$status" = 200 ]; then
  grep -qF "$VALUE" "$WORK/history.json" || fail "the history lost the message across the restart"
  echo "  history kept the message across the restart"
else
  fail "GET /api/v1/history answered $status"
fi
done_step "restart + retained survived"

# ---- 7. the hub service of compose.yaml (Grafana and Prometheus need images from a registry) --------
if [ "${SMOKE_COMPOSE:-1}" = 1 ] && command -v podman-compose >/dev/null 2>&1; then
  step "compose.yaml: the hub service"
  podman rm -f "$NAME" >/dev/null 2>&1
  C="$WORK/compose"
  mkdir -p "$C"
  cp -r deploy/compose.yaml deploy/prometheus deploy/grafana "$C/"
  cp -a "$WORK/config" "$C/config"
  CP=${SMOKE_COMPOSE_BASE_PORT:-18840}
  cat > "$C/.env" <<ENV
UNS_IMAGE=$APP_IMAGE
UNS_DEMO=true
UNS_HISTORIAN_PG_PASSWORD=$PASSWORD
GRAFANA_ADMIN_PASSWORD=$PASSWORD
UNS_MQTT_ADDRESS=127.0.0.1
UNS_MQTT_HOST_PORT=$((CP + 1))
UNS_MQTTS_HOST_PORT=$((CP + 2))
UNS_WS_HOST_PORT=$((CP + 3))
UNS_WSS_HOST_PORT=$((CP + 4))
UNS_HTTP_HOST_PORT=$((CP + 5))
UNS_MEMORY_LIMIT=1g
UNS_JAVA_OPTS_APPEND=
UNS_AUTH_JWT_HS256_SECRET=
ENV
  PROJECT=uns-smoke-$RUN_ID
  (cd "$C" && podman-compose -p "$PROJECT" up -d hub) >"$WORK/compose.log" 2>&1 \
    || { cat "$WORK/compose.log"; fail "podman-compose up failed"; }
  CNAME=$(podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}}' | head -1)
  [ -n "$CNAME" ] || { cat "$WORK/compose.log"; fail "compose started no container"; }
  NAME=$CNAME   # for fail()'s log dump
  for i in $(seq 1 180); do
    podman healthcheck run "$CNAME" >/dev/null 2>&1 && break
    [ "$i" = 180 ] && fail "the compose hub did not become healthy"
    sleep 0.5
  done
  curl -fsS -m 5 -o "$WORK/body" "http://127.0.0.1:$((CP + 5))/api/v1/values?filter=acme/dallas/press/line1/cell1/_edge/temperature" \
    && has '"unit":"degC"' || fail "no demo value through the compose hub's published HTTP port"
  mosquitto_sub -h 127.0.0.1 -p $((CP + 1)) -V mqttv5 -u smoke -P "$PASSWORD" -t 'acme/monterrey/+/+/_state/status' -C 1 -W 10 \
    >"$WORK/body" && has '"state"' || fail "no MQTT message through the compose hub's published MQTT port"
  if podman exec "$CNAME" sh -c 'touch /deployments/x' 2>/dev/null; then fail "the compose hub's root file system is writable"; fi
  for _ in $(seq 1 30); do
    curl -fsS -m 5 -o "$WORK/body" "http://127.0.0.1:$((CP + 5))/api/v1/sparkplug/nodes" && has '"status":"ONLINE"' && break
    sleep 0.5
  done
  has '"status":"ONLINE"' || fail "the compose hub's demo Sparkplug edge node is not ONLINE: $(cat "$WORK/body")"
  podman logs "$CNAME" >"$WORK/body" 2>&1
  has 'read-only PostgreSQL wire listener on 0.0.0.0:8812' || fail "the compose hub opened no PG wire listener for Grafana"
  # Grafana's side of it, from inside the container (no psql there): a PostgreSQL SSLRequest is answered 'N'.
  if podman exec "$CNAME" sh -c 'command -v nc' >/dev/null 2>&1; then
    answer=$(podman exec "$CNAME" sh -c "printf '\\000\\000\\000\\010\\004\\322\\026\\057' | nc -w 3 127.0.0.1 8812 | head -c 1" 2>/dev/null || true)
    [ "$answer" = N ] || fail "the compose hub's port 8812 does not speak PostgreSQL (answer '$answer')"
    echo "  port 8812 answers the PostgreSQL protocol on the compose network side"
  fi
  [ "$(podman inspect "$CNAME" --format '{{.HostConfig.RestartPolicy.Name}}')" = unless-stopped ] \
    || fail "the compose hub has no restart policy"
  (cd "$C" && podman-compose -p "$PROJECT" down) >>"$WORK/compose.log" 2>&1 || true
  podman volume rm -f "${PROJECT}_uns-data" >/dev/null 2>&1 || true
  podman network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
  done_step "compose hub service"
else
  echo "=== compose step skipped (podman-compose not installed, or SMOKE_COMPOSE=0)"
fi

echo "=== timings"
printf '  %s\n' "${TIMES[@]}"
printf '  %-34s %6.1f s\n' "total" "$(echo "$(date +%s.%N) - $T_START" | bc)"
echo "container smoke test passed"
