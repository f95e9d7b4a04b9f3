#!/usr/bin/env bash
# Builds CTA when its sources changed, then starts the embedded system (Temporal test server,
# MongoDB, consumer, api, one local agent), runs the demo scenario and keeps running until Ctrl-C.
# Options are passed to the launcher: --no-demo, --exit-after-demo, --temporal test|dev.
# See docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")"
jar=launcher/target/cta-launcher.jar
# The web console's sources (ui/web: TypeScript, CSS, HTML, package files) count too.
if [ ! -f "$jar" ] || [ -n "$(find . \( -path '*/target' -o -path '*/node_modules' \) -prune -o \
    \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' -o -name '*.xml' \
    -o -path './ui/web/*' -type f \) -newer "$jar" -print -quit)" ]; then
  echo "cta: building (the first build downloads dependencies and takes a few minutes)..."
  mvn -B -q -DskipTests package
fi
exec java -jar "$jar" "$@"
