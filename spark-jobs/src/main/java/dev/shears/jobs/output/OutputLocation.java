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
 * directory beside it ({@code <out>.partial-<id>}) and moved into place at the end, so a failed
 * run leaves nothing half-written at {@code <out>}. A run that stopped part-way keeps its staging
 * directory, and its checkpoints there let a later run with resume carry on from it.
 */
public final class OutputLocation {

    private final String target;
    private final String staging;
    private final FileSystem fs;
    private final boolean resumed;

    /** Checks the location can take a new run and creates the staging directory; bad locations are bad input. */
    public OutputLocation(String out) {
        this(out, false);
    }

    /**
     * @param resume carry on in the newest staging directory a stopped run left beside {@code out},
     *               when there is one
     */
    public OutputLocation(String out, boolean resume) {
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
            String previous = resume ? newestPartial(t) : null;
            this.resumed = previous != null;
            this.staging = resumed ? previous : target + ".partial-" + Long.toString(System.currentTimeMillis(), 36);
            if (!fs.mkdirs(HadoopFiles.path(staging))) {
                throw new BadInputException("--out " + out + ": cannot create " + staging);
            }
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot be written: " + e.getMessage(), e);
        }
    }

    /** The newest {@code <out>.partial-*} directory beside the target, or null. */
    private String newestPartial(Path t) throws IOException {
        Path parent = t.getParent();
        if (parent == null || !fs.exists(parent)) {
            return null;
        }
        String prefix = t.getName() + ".partial-";
        FileStatus newest = null;
        for (FileStatus st : fs.listStatus(parent)) {
            if (st.isDirectory() && st.getPath().getName().startsWith(prefix)
                    && (newest == null || st.getModificationTime() > newest.getModificationTime())) {
                newest = st;
            }
        }
        return newest == null ? null
                : target.substring(0, target.length() - t.getName().length()) + newest.getPath().getName();
    }

    /** True when this run carries on in a stopped run's staging directory. */
    public boolean resumed() {
        return resumed;
    }

    /** The staging directory (kept when a run stops part-way). */
    public String staging() {
        return staging;
    }

    public FileSystem fs() {
        return fs;
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
