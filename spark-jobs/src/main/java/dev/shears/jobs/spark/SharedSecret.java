package dev.shears.jobs.spark;

import dev.shears.pruning.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The shared secret of Spark's authentication ({@code spark.authenticate}) for a driver: the
 * content of the file {@value #FILE_ENV} names, else {@value #ENV}. The driver reads it from its
 * environment, as the launchers in submit-scripts/ do, rather than being given it as a
 * {@code --conf} of spark-submit, which would put it on a command line every user of the machine
 * can read.
 */
public final class SharedSecret {

    public static final String ENV = "SHEARS_SPARK_SECRET";
    public static final String FILE_ENV = "SHEARS_SPARK_SECRET_FILE";

    private SharedSecret() {
    }

    /**
     * The secret the environment gives, if any; a file's trailing line break is not part of it.
     *
     * @throws BadInputException when the file does not exist, cannot be read or is empty
     */
    public static Optional<String> fromEnvironment(Map<String, String> env) {
        String file = env.get(FILE_ENV);
        if (file != null && !file.isEmpty()) {
            String value = withoutLineBreak(read(file));
            if (value.isEmpty()) {
                throw new BadInputException("the secret file " + file + " is empty");
            }
            return Optional.of(value);
        }
        return Optional.ofNullable(env.get(ENV)).filter(v -> !v.isEmpty());
    }

    /** Where the secret {@link #fromEnvironment} reads comes from, for messages; Spark's own setting when none. */
    public static String source(Map<String, String> env) {
        String file = env.get(FILE_ENV);
        if (file != null && !file.isEmpty()) {
            return "the secret in " + file;
        }
        String value = env.get(ENV);
        return value != null && !value.isEmpty() ? "the secret in $" + ENV : "spark.authenticate.secret";
    }

    private static String read(String file) {
        try {
            return new String(Files.readAllBytes(Path.of(file)), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException("the secret file " + file + " does not exist");
        } catch (IOException e) {
            throw new BadInputException("the secret file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Without its trailing line feeds, then without one carriage return: as submit-scripts/secret.sh reads a file. */
    static String withoutLineBreak(String content) {
        String s = content;
        while (s.endsWith("\n")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
