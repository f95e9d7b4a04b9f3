// Fails the build when the JavaScript index.html loads first exceeds 500 kB gzip (docs/ui.md).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const LIMIT = 500 * 1024;
const out = new URL("../../target/classes/static/", import.meta.url).pathname;
const html = readFileSync(join(out, "index.html"), "utf8");
const scripts = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
if (scripts.length === 0) {
  console.error("check-bundle-size: index.html loads no script");
  process.exit(1);
}
let total = 0;
for (const file of scripts) {
  total += gzipSync(readFileSync(join(out, file))).length;
}
console.log(`initial JavaScript: ${(total / 1024).toFixed(1)} kB gzip (limit ${LIMIT / 1024} kB)`);
if (total > LIMIT) {
  process.exit(1);
}
