package dev.baton.agent.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.agent.handoff.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An application's releases on a node, with the system's tar and a real file system (symbolic links, rename). */
class ReleasesIT {
  @TempDir
  Path dir;

  /** A .tar.gz of one file {@code app/version} holding {@code content}, made by the system's tar. */
  Path artifact(String name, String content) throws Exception {
    Path src = dir.resolve("src-" + name);
    Files.createDirectories(src.resolve("app"));
    Files.writeString(src.resolve("app/version"), content);
    Path out = dir.resolve(name + ".tar.gz");
    Process p = new ProcessBuilder("tar", "-czf", out.toString(), "-C", src.toString(), "app").inheritIO().start();
    assertEquals(0, p.waitFor());
    return out;
  }

  Releases releases() {
    return new Releases(dir.resolve("srv/shop"), new CommandRunner(dir));
  }

  @Test
  void aReleaseIsUnpackedThenSwitchedToAndBackWithoutADownload() throws Exception {
    Releases r = releases();
    Path v1 = artifact("v1", "one");
    Path v2 = artifact("v2", "two");
    r.unpack("v1", v1, Releases.sha256(v1));
    r.activate("v1");
    assertEquals("one", Files.readString(r.root().resolve("current/app/version")));
    assertEquals(Optional.empty(), r.previous());
    r.unpack("v2", v2, Releases.sha256(v2));
    r.activate("v2");
    assertEquals("two", Files.readString(r.root().resolve("current/app/version")));
    assertEquals(Optional.of("v1"), r.previous());
    Files.delete(v1); // going back needs no artifact
    assertEquals("v1", r.rollback());
    assertEquals("one", Files.readString(r.root().resolve("current/app/version")));
    assertEquals(Optional.of("v2"), r.previous(), "the failed release is kept as previous");
    r.activate("v1");
    assertEquals(Optional.of("v2"), r.previous(), "switching to the current release changes nothing");
    assertTrue(Files.isSymbolicLink(r.root().resolve("current")));
    assertEquals(Path.of("releases", "v1"), Files.readSymbolicLink(r.root().resolve("current")), "relative: the tree can move");
  }

  @Test
  void anArtifactWhoseDigestDiffersIsRefusedBeforeAnythingIsWritten() throws Exception {
    Releases r = releases();
    Path v1 = artifact("v1", "one");
    IOException e = assertThrows(IOException.class, () -> r.unpack("v1", v1, "00".repeat(32)));
    assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
    assertFalse(Files.exists(r.root()), "not even the releases directory");
  }

  @Test
  void anArchiveThatClimbsOutOfItsReleaseIsRefusedAndLeavesNoRelease() throws Exception {
    Path evil = dir.resolve("evil.tar.gz");
    // a member ../../escaped, as a hostile or broken build could write it
    Process p = new ProcessBuilder("python3", "-c", "import tarfile,io\n"
        + "t=tarfile.open('" + evil + "','w:gz')\n"
        + "i=tarfile.TarInfo('../../escaped'); d=b'x'; i.size=len(d); t.addfile(i, io.BytesIO(d)); t.close()")
        .inheritIO().start();
    assertEquals(0, p.waitFor());
    Releases r = releases();
    IOException e = assertThrows(IOException.class, () -> r.unpack("v9", evil, Releases.sha256(evil)));
    assertTrue(e.getMessage().startsWith("deploy: could not unpack evil.tar.gz"), e.getMessage());
    assertFalse(Files.exists(r.release("v9")));
    assertFalse(Files.exists(r.root().resolve("escaped")) || Files.exists(r.root().getParent().resolve("escaped")));
    try (var s = Files.list(r.root().resolve("releases"))) {
      assertEquals(List.of(), s.toList(), "no half-unpacked directory is left");
    }
  }

  @Test
  void aRevisionCannotNameAPath() {
    Releases r = releases();
    for (String bad : new String[] {"../v1", "v1/../../etc", "", ".hidden", "a b"}) {
      assertThrows(IllegalArgumentException.class, () -> r.release(bad), bad);
    }
  }

  @Test
  void pruningKeepsTheNewestAndAlwaysTheCurrentAndPrevious() throws Exception {
    Releases r = releases();
    for (String v : List.of("v1", "v2", "v3", "v4", "v5")) {
      Path a = artifact(v, v);
      r.unpack(v, a, Releases.sha256(a));
      Files.setLastModifiedTime(r.release(v), java.nio.file.attribute.FileTime.fromMillis(
          1_000_000L * Integer.parseInt(v.substring(1))));
    }
    r.activate("v1");
    r.activate("v2"); // current v2, previous v1: the oldest two
    List<String> removed = r.prune(2);
    assertEquals(List.of("v3"), removed, "v5 and v4 are the newest two; v2 and v1 run or ran last");
    assertTrue(Files.isDirectory(r.release("v1")) && Files.isDirectory(r.release("v2")));
  }
}
