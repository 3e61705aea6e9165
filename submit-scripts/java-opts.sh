# JVM flags every Shears launcher passes: Spark and ND4J need these module openings on Java 17.
SHEARS_JAVA_OPENS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
export SHEARS_JAVA_OPENS
# JVM settings for the JVMs that run trials: the serial collector, and the JIT's C2 compiler for
# Shears' own loops only (shears.jit, see JitPolicy), so that a one-core task does not spend a
# second core on the JIT and GC. C2 runs fine-tuning's update loop several times faster than C1,
# but compiling Spark's and ND4J's code with it takes more CPU than a search of the quickstart's
# size gets back. Measured with `shears bench peer` and the quickstart (docs/BENCHMARKS.md).
SHEARS_JAVA_TRIAL_OPTS="-XX:+UseSerialGC -Dshears.jit=c2-shears-only"
export SHEARS_JAVA_TRIAL_OPTS
