#!/usr/bin/env bash
# A search on Kubernetes (not runnable here: it needs a cluster and an image).
# Needs: SPARK_HOME of a Spark 3.5 / Scala 2.12 distribution, kubectl access, a namespace with a
# service account that may create pods, and an image with Java 17, Spark 3.5 and the application
# jar, e.g. built from Spark's own docker-image-tool.sh with:
#   COPY spark-jobs/target/shears-spark-jobs-*-app.jar /opt/shears/shears-app.jar
# The spec, data and outputs live on storage every pod reaches (HDFS here; s3a:// works as well
# with hadoop-aws in the image).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: "${SPARK_HOME:?a Spark 3.5 distribution}" "${K8S_API:?e.g. https://kube-api.example:6443}"
IMAGE="${IMAGE:-registry.example/shears:0.1.0}"

# local:// names the jar inside the image, so nothing is uploaded at submit time.
export SHEARS_APP_JAR=local:///opt/shears/shears-app.jar
# spark.kubernetes.executor.request.cores=1 with one ND4J thread per task: executors side by side
# rather than threads fighting for cores; memoryOverhead covers ND4J's off-heap arrays.
submit-scripts/shears-submit --master "k8s://$K8S_API" --deploy-mode cluster \
  --name shears-search \
  --conf spark.kubernetes.namespace=shears \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=spark \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.executor.instances=8 \
  --conf spark.kubernetes.executor.request.cores=1 \
  --conf spark.executor.memory=3g \
  --conf spark.executor.memoryOverhead=3g \
  --conf spark.kubernetes.driverEnv.OMP_NUM_THREADS=2 \
  -- search --spec hdfs://namenode:8020/shears/specs/x.yaml --out "hdfs://namenode:8020/shears/runs/$(date +%Y%m%d-%H%M%S)"
