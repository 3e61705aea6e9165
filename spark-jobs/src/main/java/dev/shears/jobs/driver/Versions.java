package dev.shears.jobs.driver;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions of Shears and of what it runs on, recorded in run.json and on every row. */
public final class Versions {

    private static final Properties BUILD = new Properties();

    static {
        try (InputStream in = Versions.class.getResourceAsStream("/shears-build.properties")) {
            if (in != null) {
                BUILD.load(in);
            }
        } catch (IOException ignored) {
            // versions then read "unknown"
        }
    }

    private Versions() {
    }

    public static String shears() {
        return BUILD.getProperty("shears.version", "unknown");
    }

    /**
     * What a cached trial result must have been made by: the version, and for a development build
     * (a SNAPSHOT, whose code changes under the same version) the time it was built.
     */
    public static String build() {
        String version = shears();
        return version.endsWith("-SNAPSHOT") ? version + "+" + BUILD.getProperty("shears.build", "unknown") : version;
    }

    public static String dl4j() {
        return BUILD.getProperty("dl4j.version", "unknown");
    }

    public static Map<String, String> all(String sparkVersion) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("shears", shears());
        v.put("spark", sparkVersion);
        v.put("deeplearning4j", dl4j());
        v.put("scala", BUILD.getProperty("scala.binary.version", "unknown"));
        v.put("java", System.getProperty("java.version"));
        return v;
    }
}
