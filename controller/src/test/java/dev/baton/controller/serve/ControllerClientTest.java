package dev.baton.controller.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControllerClientTest {
  @Test
  void aBackgroundControllerTakesBatonJavaOptsElseTheDefaults() {
    assertEquals(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"), ControllerClient.jvmOptions(null));
    assertEquals(ControllerClient.DEFAULT_JVM_OPTIONS, ControllerClient.jvmOptions("  "));
    assertEquals(List.of("-Xmx2g", "-Dx=y"), ControllerClient.jvmOptions(" -Xmx2g   -Dx=y "));
  }

  @Test
  void binControllerAndBinBenchHaveTheSameDefaults() throws Exception {
    for (String name : new String[] {"controller", "bench"}) {
      String script = Files.readString(Path.of("../bin/" + name));
      assertEquals(true, script.contains("${BATON_JAVA_OPTS:-" + String.join(" ", ControllerClient.DEFAULT_JVM_OPTIONS) + "}"),
          "bin/" + name + " and ControllerClient.DEFAULT_JVM_OPTIONS differ");
    }
  }
}
