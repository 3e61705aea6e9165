package dev.shears.jobs.spec;

import dev.shears.pruning.BadInputException;

/** A spec that cannot run: the message names the file, the field's path and what is allowed. */
public class SpecException extends BadInputException {

    public SpecException(String message) {
        super(message);
    }
}
