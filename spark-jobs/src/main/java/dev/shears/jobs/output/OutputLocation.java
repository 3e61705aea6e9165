package dev.shears.jobs.output;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
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
    private final boolean replaces;

    /** Checks the location can take a new run; bad locations are bad input. */
    public OutputLocation(String out) {
        this(out, false, false);
    }

    /**
     * Checks the location without writing anything there: {@link #create} makes the staging directory
     * once the rest of the input has been checked too.
     *
     * @param resume   carry on in the newest staging directory a stopped run left beside {@code out},
     *                 when there is one
     * @param replaces {@code out} holds a finished run that this one replaces when it commits
     */
    public OutputLocation(String out, boolean resume, boolean replaces) {
        this.target = stripSlash(out);
        this.replaces = replaces;
        try {
            this.fs = HadoopFiles.fs(target);
            Path t = HadoopFiles.path(target);
            if (fs.exists(t)) {
                FileStatus st = fs.getFileStatus(t);
                if (!st.isDirectory()) {
                    throw new BadInputException("--out " + out + ": is a file, a directory is needed");
                }
                if (!replaces && fs.listStatus(t).length > 0) {
                    throw new BadInputException("--out " + out + ": already holds a run or other files; choose a new directory");
                }
            }
            String previous = resume ? newestPartial(t) : null;
            this.resumed = previous != null;
            this.staging = resumed ? previous : target + ".partial-" + Long.toString(System.currentTimeMillis(), 36);
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Creates the staging directory; a location that cannot be written is bad input. */
    public void create() {
        try {
            if (!fs.mkdirs(HadoopFiles.path(staging))) {
                throw new BadInputException("--out " + target + ": cannot create " + staging);
            }
        } catch (IOException e) {
            throw new BadInputException("--out " + target + ": cannot be written: " + e.getMessage(), e);
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

    /** Writes a file of the run; it appears complete or not at all, so a run killed meanwhile can resume. */
    public void write(String name, byte[] bytes) throws IOException {
        HadoopFiles.writeAtomically(staged(name), bytes);
    }

    public void write(String name, String text) throws IOException {
        write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Has {@code writer} fill a temporary directory, then renames it to {@code name}: complete or absent,
     * as {@link #write} (a writer that writes nothing leaves nothing).
     */
    public void writeDirectory(String name, Consumer<String> writer) throws IOException {
        Path target = HadoopFiles.path(staged(name));
        Path temp = HadoopFiles.temporaryBeside(target);
        writer.accept(temp.toString());
        if (fs.exists(temp)) {
            HadoopFiles.moveIntoPlace(fs, temp, target);
        }
    }

    /**
     * Moves the finished run into place with one rename, then removes its {@code scratch} directory
     * (the checkpoints) from it: a run killed in between is complete, and a resume only tidies up.
     */
    public void commit(String scratch) throws IOException {
        Path s = HadoopFiles.path(staging);
        // what killed writes left behind while this run was stopped and resumed
        HadoopFiles.deleteTemporaries(fs, s);
        Path t = HadoopFiles.path(target);
        if (fs.exists(t)) {
            // a replaced run is gone only once this one is complete in staging; a kill in between is resumed
            fs.delete(t, replaces);
        }
        if (t.getParent() != null) {
            fs.mkdirs(t.getParent());
        }
        if (!fs.rename(s, t)) {
            throw new IOException("cannot move " + staging + " to " + target);
        }
        fs.delete(new Path(t, scratch), true);
    }

    /** Removes the {@code scratch} directory a run killed right after {@link #commit} left in its finished output. */
    public static void tidyFinished(String target, String scratch) {
        try {
            HadoopFiles.fs(target).delete(HadoopFiles.path(HadoopFiles.join(target, scratch)), true);
        } catch (IOException e) {
            throw new BadInputException("--out " + target + ": cannot be written: " + e.getMessage(), e);
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
