# JVM flags every Shears launcher passes: Spark and ND4J need these module openings on Java 17.
SHEARS_JAVA_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
export SHEARS_JAVA_OPENS
# JVM settings for the JVMs that run trials: the serial collector keeps a one-core task from
# spending a second core on GC. The full JIT (C2) stays on: fine-tuning's parameter update is a
# Java loop that only C2 vectorises. Measured with `shears bench throughput` (docs/BENCHMARKS.md).
SHEARS_JAVA_TRIAL_OPTS="-XX:+UseSerialGC"
export SHEARS_JAVA_TRIAL_OPTS
