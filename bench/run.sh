#!/usr/bin/env bash
# Builds what the benchmark needs, then runs it: bare Temporal baselines and CTA on one embedded
# Temporal server (the Java test server, or Temporal's dev server with --temporal dev), and a table
# against docs/design.md#quality-bars. See docs/benchmarks.md.
# Options go to the harness, e.g. bench/run.sh --agents 10 --tests 2000 (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench -am package -DskipTests
# The bench JVM hosts the baseline's workflow worker, the consumer's counterpart: same JVM flags.
exec java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar bench/target/cta-bench.jar "$@"
