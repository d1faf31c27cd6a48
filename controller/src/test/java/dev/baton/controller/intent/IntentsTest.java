package dev.baton.controller.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.definition.DefinitionLoader;
import dev.baton.controller.definition.Platform;
import dev.baton.controller.definition.model.AutoscalingGroupSpec;
import dev.baton.controller.definition.model.Field;
import dev.baton.controller.definition.model.PuppetSpec;
import dev.baton.controller.definition.model.ShellSpec;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The intents provision registers: built from the definitions, in one JSON form, with the definitions' defaults. */
class IntentsTest {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", "..")).normalize();

  static Platform load(String dir, String env) {
    return DefinitionLoader.load(ROOT.resolve(dir), dir, env);
  }

  @Test
  void anAwsGroupCarriesItsNamingDnsHookCountsAndCloud() {
    PlatformIntents p = Intents.of(load("examples/aws/globex", "dev"), "http://127.0.0.1:5000");
    assertEquals("globex", p.scope().customer());
    assertEquals("dev", p.scope().env());
    NodeIntent web = p.nodes().stream().filter(n -> n.name().equals("webapp")).findFirst().orElseThrow();
    assertTrue(web.isGroup());
    assertEquals("{role}-{instance_id}.{env}.{domain}", web.group().certnamePattern());
    assertEquals(web.group().domain(), web.group().dnsZone());
    assertTrue(web.group().lifecycleHook());
    assertEquals("puppet", web.handoff().configManagement());
    assertEquals("webapp", web.handoff().puppet().role());
    assertEquals("production", web.handoff().puppet().environment(), "the definitions' default");
    assertEquals("aws", p.cloud().provider());
    assertEquals("http://127.0.0.1:5000", p.cloud().endpointUrl());
    assertNull(web.cloud(), "a node is told its cloud when the controller keeps it");
    assertEquals(p.cloud(), p.placedNodes().get(0).cloud());
    assertEquals(p.endpoints(), p.placedNodes().get(0).endpoints());
  }

  @Test
  void aLocalInstanceHasItsCertnameAndZoneAndNoCloud() {
    PlatformIntents p = Intents.of(load("examples/local-demo", null), null);
    assertNull(p.cloud());
    assertTrue(p.endpoints().isEmpty(), "local nodes reach the controller where it listens");
    NodeIntent n = p.nodes().get(0);
    assertEquals(NodeIntent.Kind.INSTANCE, n.kind());
    assertTrue(n.certname().startsWith(n.name()), n.certname());
    assertNull(n.group());
  }

  @Test
  void everyIntentReadsBackEqualFromItsJson() {
    for (String dir : new String[] {"examples/aws/globex", "examples/aws/acme", "examples/local-demo",
        "examples/local-clusters", "examples/local-machines"}) {
      String env = dir.startsWith("examples/aws") ? "prod" : dir.endsWith("local-clusters") ? "staging" : null;
      PlatformIntents p = Intents.of(load(dir, env), null);
      assertEquals(p, IntentCodec.platformFromJson(IntentCodec.toJson(p)), dir);
      for (NodeIntent n : p.placedNodes()) {
        assertEquals(n, IntentCodec.nodeFromJson(IntentCodec.toJson(n)), dir + " " + n.name());
      }
    }
  }

  @Test
  void aScheduleIsCarriedWithItsTimeZone() {
    PlatformIntents p = Intents.of(load("examples/local-clusters", "staging"), null);
    assertEquals(new PlatformIntents.Schedule("0 20 * * 1-5", "0 7 * * 1-5", "Europe/Paris"), p.schedule());
  }

  @Test
  void anIntentStoredByAnOlderControllerReadsWithTheDefaults() {
    // what a controller of before typed intents wrote for a group that gave no pattern and no image family
    NodeIntent n = IntentCodec.nodeFromJson(new JsonObject().put("uuid", "u").put("name", "workers")
        .put("kind", "autoscaling_group").put("handoff", new JsonObject().put("config_management", "puppet")
            .put("puppet", new JsonObject().put("role", "worker"))));
    assertEquals(GroupIntent.DEFAULT_CERTNAME_PATTERN, n.group().certnamePattern());
    assertEquals("debian", n.imageFamily());
    assertEquals("bootstrap", n.handoff().puppet().bootstrapEnvironment());
    assertTrue(n.group().actions().isEmpty());
  }

  @Test
  void aBodyWithoutItsScopeOrWithANodeWithoutUuidIsRefusedSayingWhat() {
    assertEquals("expected {customer, platform, env, nodes: [...]}", assertThrows(IllegalArgumentException.class,
        () -> IntentCodec.platformFromJson(new JsonObject().put("platform", "p"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IntentCodec.platformFromJson(new JsonObject()
        .put("platform", "p").put("customer", "c").put("nodes", new io.vertx.core.json.JsonArray().add(new JsonObject()))))
        .getMessage().startsWith("each of nodes is"));
  }

  /** One unreadable entry (from another member, or a hand edit) stops no other: it reads as no intent at all. */
  @Test
  void anUnreadableStoredIntentIsLeftOutAndTheOthersStillRead(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("intents.json");
    java.nio.file.Files.writeString(file, new JsonObject()
        .put("c/p/-/good", IntentCodec.toJson(Intents.of(load("examples/local-demo", null), null).nodes().get(0)))
        .put("c/p/-/kind", new JsonObject().put("uuid", "k").put("kind", "lambda_function"))
        .put("c/p/-/type", new JsonObject().put("uuid", "t").put("kind", "instance")
            .put("handoff", new JsonObject().put("config_management", "shell")
                .put("shell", new JsonObject().put("timeout_seconds", "ten")))).encode());
    IntentStore store = new IntentStore(file);
    assertEquals(java.util.Set.of("c/p/-/good"), store.all().keySet());
    assertTrue(store.get("c/p/-/kind").isEmpty());
    assertTrue(store.get("c/p/-/type").isEmpty());
    assertTrue(store.get("c/p/-/good").isPresent());
  }

  /** The controller's defaults for an intent that names none are the definitions' own: they cannot drift apart. */
  @Test
  void theIntentsDefaultsAreTheDefinitionsDefaults() throws Exception {
    assertEquals(HandoffIntent.Puppet.DEFAULT_ENVIRONMENT, dflt(PuppetSpec.class, "environment"));
    assertEquals(HandoffIntent.Puppet.DEFAULT_BOOTSTRAP_ENVIRONMENT, dflt(PuppetSpec.class, "bootstrapEnvironment"));
    assertEquals(Integer.toString(HandoffIntent.Shell.DEFAULT_TIMEOUT_SECONDS), dflt(ShellSpec.class, "timeoutSeconds"));
    assertEquals("\"" + GroupIntent.DEFAULT_CERTNAME_PATTERN + "\"", dflt(AutoscalingGroupSpec.class, "certnamePattern"));
  }

  private static String dflt(Class<? extends Record> type, String component) {
    return Arrays.stream(type.getRecordComponents()).filter(c -> c.getName().equals(component)).findFirst().orElseThrow()
        .getAnnotation(Field.class).dflt();
  }
}
