#!/usr/bin/env bash
# A search on a Spark standalone cluster: here the one cluster-local starts on this machine (a
# master and two workers on 127.0.0.1, each its own JVM); for a real cluster drop the start/stop
# lines and give its master URL, e.g. spark://spark-master.example:7077, and an --out every node
# can write (HDFS, S3, a shared disk).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# a secret for this cluster alone (mktemp makes the file readable by its owner only): the daemons
# and the submit below read it from the file, and only submits that know it are let in
SHEARS_SPARK_SECRET_FILE="$(mktemp)"
export SHEARS_SPARK_SECRET_FILE
trap 'rm -f "$SHEARS_SPARK_SECRET_FILE"' EXIT
head -c 32 /dev/urandom | base64 >"$SHEARS_SPARK_SECRET_FILE"

submit-scripts/cluster-local start --workers 2 --cores 1 --memory 2g
trap 'submit-scripts/cluster-local stop; rm -f "$SHEARS_SPARK_SECRET_FILE"' EXIT

# --executor-memory: the JVM heap of each executor; ND4J's arrays live outside it, up to about as much again.
# spark.scheduler.minRegisteredResourcesRatio: wait for every executor, so the first candidates spread out.
submit-scripts/shears-submit --master spark://127.0.0.1:7077 \
  --driver-memory 2g --executor-memory 1500m --total-executor-cores 2 \
  --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
  -- search --spec conf/quickstart.yaml --out "/tmp/shears-standalone-$(date +%Y%m%d-%H%M%S)"
