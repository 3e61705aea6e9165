package dev.shears.pruning;

/**
 * The user's input (a data file, a model file, a setting) is wrong. Messages name the file,
 * field or value and what is allowed; the command line turns this into exit code 2.
 */
public class BadInputException extends RuntimeException {

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
