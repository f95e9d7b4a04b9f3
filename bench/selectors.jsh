// Selector matching cost: the issue's pathological wildcards against an exact-value baseline, in
// one JVM (docs/benchmarks.md, "Selector wildcards"). Run from the repository root:
//   mvn -B -q -pl server-core -am package -DskipTests
//   jshell --class-path server-core/target/classes bench/selectors.jsh
import io.cta.server.machine.Selector;
import java.util.Map;

double microsPerMatch(String selector, String value, int rounds) {
  Selector parsed = Selector.parse(selector);
  Map<String, String> labels = Map.of("os", value);
  for (int i = 0; i < rounds; i++) parsed.matches(labels); // warm-up
  long started = System.nanoTime();
  for (int i = 0; i < rounds; i++) parsed.matches(labels);
  return (System.nanoTime() - started) / 1000.0 / rounds;
}

String value = "a".repeat(128);
double baseline = microsPerMatch("os=" + value, value, 20000);
System.out.printf("%-34s %10s %8s%n", "pattern (value: 128 x 'a')", "µs/match", "ratio");
System.out.printf("%-34s %10.2f %8s%n", "exact value (baseline)", baseline, "1.0");
for (String p : new String[] {"*".repeat(64) + "#", "a*".repeat(64) + "#", "*a".repeat(63) + "*b", "*".repeat(64) + "a"}) {
  double micros = microsPerMatch("os=" + p, value, 2000);
  System.out.printf("%-34s %10.2f %8.1f%n", p.substring(0, 8) + "… (" + p.length() + " chars)", micros, micros / baseline);
}
double issue = microsPerMatch("os=" + "*".repeat(14) + "#", "a".repeat(22), 20000);
System.out.printf("%-34s %10.2f%n", "issue's: 14 x '*' then '#', 22 chars", issue);
/exit
