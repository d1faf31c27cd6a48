package dev.baton.controller.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.controller.provider.AutoscalingGroups.Lifecycle;
import org.junit.jupiter.api.Test;

/** EC2 Auto Scaling's lifecycle states (the API's LifecycleState values) in Baton's terms. */
class AsgLifecycleTest {
  @Test
  void everyStateOfTheApiHasAMeaning() {
    assertEquals(Lifecycle.STARTING, AsgKinds.lifecycle("Pending"));
    assertEquals(Lifecycle.STARTING, AsgKinds.lifecycle("Pending:Wait"));
    assertEquals(Lifecycle.IN_SERVICE, AsgKinds.lifecycle("InService"));
    assertEquals(Lifecycle.HELD_FOR_CLEANUP, AsgKinds.lifecycle("Terminating:Wait"));
    for (String leaving : new String[] {"Terminating", "Terminating:Proceed", "Terminated", "Detaching", "Detached",
        "Warmed:Pending", "Warmed:Running"}) {
      assertEquals(Lifecycle.LEAVING, AsgKinds.lifecycle(leaving), leaving);
    }
    assertEquals(Lifecycle.OTHER, AsgKinds.lifecycle("Standby"));
    assertEquals(Lifecycle.OTHER, AsgKinds.lifecycle(null));
  }
}
