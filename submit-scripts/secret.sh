# The shared secret of Spark's authentication (spark.authenticate) for the launchers that source
# this: the file given with --secret-file, else the file $SHEARS_SPARK_SECRET_FILE names, else
# $SHEARS_SPARK_SECRET. A file's trailing line break is not part of the secret (as in the driver,
# dev.shears.jobs.spark.SharedSecret).

# Sets SHEARS_SECRET to the secret, empty when none is given. A file that is missing, unreadable or
# empty is bad input: one line naming it, exit code 2.
#   $1: the script's name for the message; $2: the file given with --secret-file, if any
shears_secret() {
  local file="${2:-${SHEARS_SPARK_SECRET_FILE:-}}"
  SHEARS_SECRET="${SHEARS_SPARK_SECRET:-}"
  [ -n "$file" ] || return 0
  if [ ! -e "$file" ]; then
    echo "$1: the secret file $file does not exist" >&2
    exit 2
  fi
  if [ ! -f "$file" ] || [ ! -r "$file" ]; then
    echo "$1: the secret file $file cannot be read" >&2
    exit 2
  fi
  SHEARS_SECRET="$(<"$file")"
  SHEARS_SECRET="${SHEARS_SECRET%$'\r'}"
  if [ -z "$SHEARS_SECRET" ]; then
    echo "$1: the secret file $file is empty" >&2
    exit 2
  fi
}
