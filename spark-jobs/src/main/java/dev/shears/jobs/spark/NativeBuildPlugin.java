package dev.shears.jobs.spark;

import dev.shears.pruning.run.JitPolicy;
import dev.shears.pruning.run.NativeBuild;
import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Chooses ND4J's native build in every executor JVM as it starts, before any task can load ND4J: with
 * the AVX jars packaged ({@code -Pnative-avx}) JavaCPP would otherwise try the AVX-512 one first, and a
 * build asked for is checked against the executor's own CPU, which may differ from the driver's. It also
 * limits C2 to Shears' own loops ({@link JitPolicy}) before the first task runs.
 */
public final class NativeBuildPlugin implements SparkPlugin {

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext ctx, Map<String, String> extraConf) {
                NativeBuild.select();
                JitPolicy.apply();
            }
        };
    }
}
