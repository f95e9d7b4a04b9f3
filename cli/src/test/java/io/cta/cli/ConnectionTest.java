package io.cta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags over environment over the contexts file; the token never shows or goes in a URL. */
class ConnectionTest {

  private static final String LIST = "GET /api/v1/machines?page=0&size=100";
  private static final String EMPTY = "{\"items\":[],\"page\":0,\"size\":100,\"total\":0}";

  @TempDir Path home;
  private FakeApi flagApi;
  private FakeApi envApi;
  private FakeApi contextApi;

  @BeforeEach
  void start() throws Exception {
    flagApi = new FakeApi().on(LIST, 200, EMPTY);
    envApi = new FakeApi().on(LIST, 200, EMPTY);
    contextApi = new FakeApi().on(LIST, 200, EMPTY);
  }

  @AfterEach
  void stop() {
    flagApi.close();
    envApi.close();
    contextApi.close();
  }

  private Fixtures.Captured cli(Map<String, String> env) {
    return new Fixtures.Captured(env, home, "ctx-token\n", false);
  }

  private void addContext() {
    Fixtures.Captured c = cli(Map.of());
    assertEquals(
        0, c.run("context", "add", "lab", "--server", contextApi.url(), "--token-stdin"), c.err());
  }

  @Test
  void givenAContext_whenAdded_thenTheFileIsTheOwnersOnlyAndItIsUsed() throws Exception {
    addContext();

    Fixtures.Captured c = cli(Map.of());
    int code = c.run("machines", "list");

    assertEquals(0, code, c.err());
    Path file = home.resolve(".config/cta/config.yaml");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertEquals("Bearer ctx-token", contextApi.requests.get(0).authorization());
    Fixtures.Captured list = cli(Map.of());
    list.run("context", "list");
    assertTrue(list.out().startsWith("* lab\t" + contextApi.url()), list.out());
    assertFalse(list.out().contains("ctx-token"), list.out());
  }

  @Test
  void givenFlagsEnvironmentAndAContext_whenRun_thenFlagsWinThenTheEnvironment() throws Exception {
    addContext();
    Map<String, String> env = new HashMap<>();
    env.put("CTA_API_URL", envApi.url());
    env.put("CTA_TOKEN", "env-token");
    // CTA_SERVER is the agent's setting: the CLI must not read it.
    env.put("CTA_SERVER", "http://127.0.0.1:1");

    assertEquals(0, cli(env).run("machines", "list"));
    Path tokenFile = home.resolve("t");
    Files.writeString(tokenFile, "file-token\n");
    assertEquals(
        0,
        cli(env)
            .run(
                "machines",
                "list",
                "--server",
                flagApi.url(),
                "--token-file",
                tokenFile.toString()));

    assertEquals("Bearer env-token", envApi.requests.get(0).authorization());
    assertEquals("Bearer file-token", flagApi.requests.get(0).authorization());
    assertEquals(0, contextApi.requests.size());
  }

  @Test
  void givenNoTokenAnywhere_whenRun_thenItExits4SayingWhereToPutOne() {
    Fixtures.Captured c = cli(Map.of("CTA_API_URL", envApi.url()));

    assertEquals(4, c.run("machines", "list"));
    assertTrue(c.err().contains("no token"), c.err());
    assertEquals(0, envApi.requests.size());
  }

  @Test
  void givenARefusedToken_whenRun_thenItExits4WithoutShowingTheTokenOrPuttingItInTheUrl()
      throws Exception {
    try (FakeApi api =
        new FakeApi()
            .on(
                LIST,
                401,
                "{\"status\":401,\"title\":\"Unauthorized\",\"detail\":\"unknown or revoked token\"}")) {
      Fixtures.Captured c = cli(Map.of());

      int code = c.run("machines", "list", "--server", api.url(), "--token", "s3cr3t-token");

      assertEquals(4, code);
      assertTrue(c.err().contains("401 authentication failed"), c.err());
      assertTrue(c.err().contains("unknown or revoked token"), c.err());
      assertFalse((c.err() + c.out()).contains("s3cr3t-token"));
      assertFalse(api.requests.get(0).uri().contains("s3cr3t-token"));
    }
  }

  @Test
  void givenAServerUrlWithCredentials_whenRun_thenItIsRefusedAsAUsageError() {
    Fixtures.Captured c = cli(Map.of("CTA_TOKEN", "t"));

    assertEquals(2, c.run("machines", "list", "--server", "http://u:p@127.0.0.1:1"));
    assertEquals(2, c.run("machines", "list", "--server", "http://127.0.0.1:1/?token=x"));
  }

  @Test
  void givenADamagedContextsFile_whenFlagsAndEnvironmentGiveEverything_thenItIsNotRead()
      throws Exception {
    Path file = home.resolve(".config/cta/config.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "contexts: [unclosed\n");

    assertEquals(
        0, cli(Map.of("CTA_API_URL", envApi.url(), "CTA_TOKEN", "t")).run("machines", "list"));
    Fixtures.Captured c = cli(Map.of("CTA_TOKEN", "t"));
    assertEquals(2, c.run("machines", "list"));
    assertTrue(c.err().contains("cannot read the contexts file"), c.err());
  }

  @Test
  void givenAnUnreachableServer_whenRun_thenItExits6() {
    Fixtures.Captured c = cli(Map.of("CTA_TOKEN", "t"));

    assertEquals(6, c.run("run", "nightly", "--server", "http://127.0.0.1:1"));
    assertTrue(c.err().contains("cannot reach the api"), c.err());
  }
}
