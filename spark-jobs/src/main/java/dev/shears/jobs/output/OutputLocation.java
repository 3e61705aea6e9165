package dev.shears.jobs.output;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The run's output directory (local or any Hadoop URI). Everything is written to a staging
 * directory beside it and moved into place at the end, so a failed run leaves nothing half-written.
 */
public final class OutputLocation {

    private final String target;
    private final String staging;
    private final FileSystem fs;

    /** Checks the location can take a new run and creates the staging directory; bad locations are bad input. */
    public OutputLocation(String out) {
        this.target = stripSlash(out);
        try {
            this.fs = HadoopFiles.fs(target);
            Path t = HadoopFiles.path(target);
            if (fs.exists(t)) {
                FileStatus st = fs.getFileStatus(t);
                if (!st.isDirectory()) {
                    throw new BadInputException("--out " + out + ": is a file, a directory is needed");
                }
                if (fs.listStatus(t).length > 0) {
                    throw new BadInputException("--out " + out + ": already holds a run or other files; choose a new directory");
                }
            }
            this.staging = target + ".partial-" + Long.toString(System.currentTimeMillis(), 36);
            if (!fs.mkdirs(HadoopFiles.path(staging))) {
                throw new BadInputException("--out " + out + ": cannot create " + staging);
            }
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot be written: " + e.getMessage(), e);
        }
    }

    private static String stripSlash(String s) {
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    public String target() {
        return target;
    }

    /** Where a file or directory of the run is written before the commit. */
    public String staged(String name) {
        return HadoopFiles.join(staging, name);
    }

    public void write(String name, byte[] bytes) throws IOException {
        try (OutputStream out = HadoopFiles.create(staged(name))) {
            out.write(bytes);
        }
    }

    public void write(String name, String text) throws IOException {
        write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Moves the finished run into place. */
    public void commit() throws IOException {
        Path t = HadoopFiles.path(target);
        if (fs.exists(t)) {
            fs.delete(t, false);
        }
        if (t.getParent() != null) {
            fs.mkdirs(t.getParent());
        }
        if (!fs.rename(HadoopFiles.path(staging), t)) {
            throw new IOException("cannot move " + staging + " to " + target);
        }
    }

    /** Removes the staging directory of a run that did not finish. */
    public void abort() {
        try {
            fs.delete(HadoopFiles.path(staging), true);
        } catch (IOException ignored) {
            // best effort: the staging name says it is partial
        }
    }
}
