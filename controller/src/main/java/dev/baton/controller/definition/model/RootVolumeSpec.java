package dev.baton.controller.definition.model;

/** The boot volume of an instance. */
public record RootVolumeSpec(
    @Field(doc = "Size in GiB", dflt = "16", min = 4, max = 16384) Integer sizeGb,
    @Field(doc = "gp2, gp3, io1, io2, st1, sc1 or standard", dflt = "gp3") VolumeType type,
    @Field(doc = "Encrypt the volume at rest", dflt = "true") Boolean encrypted) {}
