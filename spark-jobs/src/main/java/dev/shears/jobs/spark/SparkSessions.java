package dev.shears.jobs.spark;

import dev.shears.pruning.run.JitPolicy;
import dev.shears.pruning.run.NativeBuild;
import dev.shears.pruning.train.ComputePath;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Creates the search's Spark session: embedded local Spark unless a master is given or spark-submit set one. */
public final class SparkSessions {

    /** The JVM flags Spark and ND4J need on Java 17; executors started by Spark get them too. */
    public static final String JAVA17_OPENS = String.join(" ",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

    /**
     * As submit-scripts/java-opts.sh: the serial collector, and C2 for Shears' own loops only ({@link JitPolicy}),
     * so a one-core trial keeps to one core.
     */
    public static final String TRIAL_JVM_OPTIONS = "-XX:+UseSerialGC -D" + JitPolicy.PROPERTY + "=" + JitPolicy.SHEARS_ONLY;

    private static final String AUTHENTICATE = "spark.authenticate";
    private static final String SECRET = "spark.authenticate.secret";

    private SparkSessions() {
    }

    /**
     * Under spark-submit Spark's own logging defaults apply (INFO for everything), not the ones in
     * the application jar: keep Spark to warnings and Shears at INFO, as the local launcher does.
     */
    static void quietSparkLogs() {
        if (LogManager.getRootLogger().getLevel().isLessSpecificThan(Level.WARN)) {
            Configurator.setRootLevel(Level.WARN);
            Configurator.setLevel("dev.shears", Level.INFO);
        }
    }

    /**
     * The configuration a new session ({@link #create}) starts from: what spark-submit set, with
     * shared-secret authentication on when the environment gives a secret ({@link SharedSecret}).
     * Spark keeps the secret out of what it logs and shows: it redacts every setting whose name
     * matches spark.redaction.regex, "secret" among them.
     */
    public static SparkConf conf() {
        SparkConf conf = new SparkConf();
        SharedSecret.fromEnvironment(System.getenv()).ifPresent(secret ->
                conf.set(AUTHENTICATE, "true").set(SECRET, secret));
        return conf;
    }

    /**
     * What the executors' environment takes from the driver: the native threads per task, and the ND4J build and
     * fast-path switch asked for on the driver, but where the user's Spark settings say otherwise.
     */
    static Map<String, String> executorEnvironment(SparkConf conf, int threadsPerTask) {
        Map<String, String> env = new LinkedHashMap<>();
        if (threadsPerTask > 0) {
            env.put("OMP_NUM_THREADS", String.valueOf(threadsPerTask));
        }
        String requested = NativeBuild.requestedBuild();
        if (requested != null) {
            env.put(NativeBuild.ENV, requested);
        }
        if (!ComputePath.enabled()) {
            env.put(ComputePath.ENV, "off");
        }
        env.keySet().removeIf(name -> !name.equals("OMP_NUM_THREADS") && conf.contains("spark.executorEnv." + name));
        return env;
    }

    /**
     * @param master         e.g. {@code local[*]}, {@code spark://host:7077}; null keeps what spark-submit set, else local[*]
     * @param threadsPerTask exported to executors as OMP_NUM_THREADS
     */
    public static SparkSession create(String appName, String master, int threadsPerTask, boolean ui) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        // only a new context takes the secret: an existing session would log it among the settings it ignores
        if (SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty()) {
            SharedSecret.fromEnvironment(System.getenv()).ifPresent(secret ->
                    b.config(AUTHENTICATE, "true").config(SECRET, secret));
        }
        if (master != null) {
            b.master(master);
        } else if (!conf.contains("spark.master")) {
            b.master("local[*]");
        }
        if (!conf.contains("spark.executor.extraJavaOptions")) {
            b.config("spark.executor.extraJavaOptions", JAVA17_OPENS + " " + TRIAL_JVM_OPTIONS);
        }
        executorEnvironment(conf, threadsPerTask).forEach((name, value) -> b.config("spark.executorEnv." + name, value));
        // each executor chooses its ND4J build as it starts, before any task can load ND4J: the generic one unless
        // asked for another, which it then checks against its own class path and CPU (they may differ from the driver's)
        String plugins = conf.get("spark.plugins", "");
        if (!plugins.contains(NativeBuildPlugin.class.getName())) {
            b.config("spark.plugins", plugins.isEmpty() ? NativeBuildPlugin.class.getName()
                    : plugins + "," + NativeBuildPlugin.class.getName());
        }
        quietSparkLogs();
        return b.config("spark.ui.showConsoleProgress", "false")
                .config("spark.ui.enabled", String.valueOf(ui))
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.debug.maxToStringFields", "500")
                .getOrCreate();
    }
}
