#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft: broker + controller in one
# JVM) from the jars that pom.xml pulls from Maven Central. No Docker needed.
#
#   kafka.sh start    fetch jars (cached in ./lib), format storage, start, wait until it answers;
#                     prints the broker version on stdout (all else goes to stderr)
#   kafka.sh stop     stop the broker started here
#   kafka.sh status   exit 0 if the broker answers
#   kafka.sh version  print the broker version of the cached jars
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP (512m),
# KAFKA_DATA_DIR (./data), KAFKA_START_TIMEOUT seconds (90), KAFKA_JVM_OPTS (extra JVM flags,
# e.g. GC settings; word-split).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
heap="${KAFKA_HEAP:-512m}"
jvm_opts="${KAFKA_JVM_OPTS:-}"
data_dir="${KAFKA_DATA_DIR:-$here/data}"
timeout="${KAFKA_START_TIMEOUT:-90}"
lib="$here/lib"
pid_file="$data_dir/kafka.pid"
log_file="$data_dir/kafka.log"

log() { echo "[kafka.sh] $*" >&2; }

fetch_jars() {
  if [ -f "$lib/.complete" ]; then return; fi
  command -v mvn >/dev/null || { log "Maven (mvn) is required to fetch the Kafka jars"; exit 1; }
  log "fetching Apache Kafka jars with Maven (first run only)"
  rm -rf "$lib"
  # stdout carries the version for callers, so Maven writes to stderr.
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$lib" -DincludeScope=runtime >&2
  touch "$lib/.complete"
}

broker_version() {
  local jar
  jar="$(ls "$lib"/kafka_2.13-*.jar 2>/dev/null | head -n 1)"
  basename "$jar" .jar | sed 's/^kafka_2\.13-//'
}

answers() {
  # A TCP connect alone is not enough: the port opens before the broker is
  # unfenced. Ask with the broker's own API versions tool (a JVM start, so only
  # once the port is open).
  port_open && java -cp "$lib/*" -Dlog4j.configuration="file:$here/log4j.properties" \
    kafka.admin.BrokerApiVersionsCommand --bootstrap-server "127.0.0.1:$port" >/dev/null 2>&1
}

# The version of the broker that answers: known only when it is the one started from here.
running_version() {
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then broker_version; else echo "unknown"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

write_config() {
  cat > "$data_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data_dir/logs
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
log.retention.hours=24
log.segment.bytes=67108864
PROPS
}

start() {
  # The jars are needed to tell whether whatever holds the port is a broker.
  fetch_jars
  if port_open; then
    if answers; then
      log "a broker already answers on 127.0.0.1:$port (Apache Kafka $(running_version))"
      running_version
      exit 0
    fi
    log "port $port is taken by something that is not a Kafka broker"; exit 1
  fi
  mkdir -p "$data_dir"
  write_config
  if [ ! -f "$data_dir/logs/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java -cp "$lib/*" -Dlog4j.configuration="file:$here/log4j.properties" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$data_dir/server.properties" >/dev/null
  fi
  log "starting Apache Kafka $(broker_version) (KRaft) on 127.0.0.1:$port, heap $heap"
  # shellcheck disable=SC2086 # KAFKA_JVM_OPTS holds several flags
  nohup java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC $jvm_opts -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$here/log4j.properties" -Dkafka.logs.dir="$data_dir" \
    -cp "$lib/*" kafka.Kafka "$data_dir/server.properties" >"$log_file" 2>&1 &
  echo $! > "$pid_file"
  local waited=0
  until answers; do
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      log "broker exited during start-up; last lines of $log_file:"; tail -n 30 "$log_file" >&2; exit 1
    fi
    if [ "$waited" -ge "$timeout" ]; then log "broker did not answer within ${timeout}s"; tail -n 30 "$log_file" >&2; exit 1; fi
    sleep 1; waited=$((waited + 1))
  done
  log "Apache Kafka $(broker_version) answers on 127.0.0.1:$port after ${waited}s (pid $(cat "$pid_file"))"
  broker_version
}

stop() {
  if [ ! -f "$pid_file" ]; then log "no broker started from here"; return; fi
  local pid; pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
  log "broker stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers ;;
  version) fetch_jars; broker_version ;;
  *) echo "usage: $0 start|stop|status|version" >&2; exit 2 ;;
esac
