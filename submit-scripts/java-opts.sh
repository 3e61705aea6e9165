# JVM flags every Shears launcher passes: Spark and ND4J need these module openings on Java 17.
SHEARS_JAVA_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
export SHEARS_JAVA_OPENS
# JVM settings for the JVMs that run trials: ND4J does the arithmetic natively, so the JIT's C1
# compiler is enough, and the serial collector keeps a one-core task from spending a second core
# on the JIT and GC. Measured with `shears bench throughput` (docs/BENCHMARKS.md).
SHEARS_JAVA_TRIAL_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
export SHEARS_JAVA_TRIAL_OPTS
