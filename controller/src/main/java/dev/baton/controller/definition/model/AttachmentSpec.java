package dev.baton.controller.definition.model;

/** A volume attached to an instance at a device. */
public record AttachmentSpec(
    @Field(doc = "The volume to attach", required = true, ref = "volume", example = "db-1-data") String volume,
    @Field(doc = "Device name on the instance", required = true, format = Format.DEVICE, example = "/dev/sdf")
        String device) {}
