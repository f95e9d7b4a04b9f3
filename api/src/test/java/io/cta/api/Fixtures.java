package io.cta.api;

/** Valid request bodies of the api, as JSON text. */
final class Fixtures {

  private Fixtures() {}

  static String suite(String name) {
    return """
        {"name": "%s", "description": "a suite", "tests": [{"id": "t1", "name": "first",
         "reports": ["target/*.xml"], "stages": [{"name": "run", "run": "true", "stop": "false",
         "cwd": "/tmp", "env": {"MODE": "fast"}, "mandatory": true, "timeout": 60000}]}]}
        """
        .formatted(name);
  }

  static String configuration(String name) {
    return """
        {"name": "%s", "runMode": "parallel", "type": "physical",
         "target": {"selector": "os in (linux,macos),cores>=2"}, "includeOffline": false}
        """
        .formatted(name);
  }

  static String scenario(String name, String suiteId, String configurationId) {
    return """
        {"name": "%s", "description": "a scenario", "testSuiteId": "%s",
         "configurationId": "%s", "pendingTimeout": 60000, "runningTimeout": 600000,
         "retries": 1, "concurrency": {"max": 2, "whenFull": "queue"}}
        """
        .formatted(name, suiteId, configurationId);
  }

  static String schedule(String cron) {
    return """
        {"cron": "%s", "timeZone": "Europe/Paris", "overlap": "skip", "catchUpWindow": 60000}
        """
        .formatted(cron);
  }

  static String run() {
    return "{\"priority\": 5, \"reason\": \"a test\"}";
  }

  static String cancel() {
    return "{\"reason\": \"a test\"}";
  }

  static String machinePatch() {
    return "{\"properties\": {\"os\": \"linux\", \"cores\": \"4\"}, \"groups\": [\"lab\"]}";
  }

  static String secret(String name) {
    return "{\"name\": \"%s\", \"value\": \"a value\"}".formatted(name);
  }

  /** An SSH machine whose credential is the secret {@code credential} (docs/agentless.md). */
  static String sshMachine(String name, String credential) {
    return """
        {"name": "%s", "kind": "ssh", "ssh": {"host": "10.0.0.5", "user": "ci",
         "credential": "%s", "hostKey": "SHA256:AlW1Yx2VSjdjgD3qdIiJsHw/BykU9ogefhkLV5a+NkQ"},
         "groups": ["appliances"]}"""
        .formatted(name, credential);
  }

  static String token(String name) {
    return "{\"name\": \"%s\", \"role\": \"viewer\"}".formatted(name);
  }

  static String vmPool(String name) {
    return """
        {"name": "%s", "provider": "local", "template": {"image": "debian-12"},
         "maxMachines": 2, "vmTimeout": 3600000, "launchTimeout": 300000, "warm": 1,
         "properties": {"os": "linux", "os.version": "12"}, "groups": ["vms"]}
        """
        .formatted(name);
  }
}
