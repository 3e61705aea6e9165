#!/usr/bin/env bash
# A nightly search on YARN (not runnable here: it needs a Hadoop cluster).
# Needs: SPARK_HOME of a Spark 3.5 / Scala 2.12 distribution, HADOOP_CONF_DIR with the cluster's
# core-site.xml and yarn-site.xml, and the spec and data on HDFS, since the driver runs on the
# cluster (--deploy-mode cluster) and every executor reads the data itself.
#   hdfs dfs -put conf/nightly.yaml hdfs:///shears/specs/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: "${SPARK_HOME:?a Spark 3.5 distribution}" "${HADOOP_CONF_DIR:?the cluster's Hadoop configuration}"

# One core per executor and one ND4J thread per task (shears-submit's default) use cores best for
# the small batches of fine-tuning; memoryOverhead covers ND4J's off-heap arrays.
# spark.yarn.appMasterEnv.OMP_NUM_THREADS leaves the driver all its cores for the base model.
# yarn.resourcemanager.connect.max-wait.ms: fail within a minute, not 15, when YARN is down.
submit-scripts/shears-submit --master yarn --deploy-mode cluster \
  --name "shears nightly $(date +%F)" --queue default \
  --driver-memory 4g --driver-cores 4 \
  --num-executors 16 --executor-cores 1 --executor-memory 3g \
  --conf spark.executor.memoryOverhead=3g \
  --conf spark.yarn.appMasterEnv.OMP_NUM_THREADS=4 \
  --conf spark.hadoop.yarn.resourcemanager.connect.max-wait.ms=60000 \
  --conf spark.task.maxFailures=4 \
  -- search --spec hdfs:///shears/specs/nightly.yaml --out "hdfs:///shears/runs/$(date +%F)" \
     --set search.budget=200
