package dev.baton.controller.definition.model;

@Kind(value = "volume", doc = "A block-storage (EBS) volume, attached to an instance through the"
    + " instance's `volumes` list.")
public record VolumeSpec(
    @Field(onChange = OnChange.REPLACE, doc = "Availability zone; the same as the instance it is attached to", required = true,
        format = Format.AZ, example = "eu-west-1a") String az,
    @Field(doc = "Size in GiB", required = true, min = 1, max = 16384, example = "100") Integer sizeGb,
    @Field(doc = "gp2, gp3, io1, io2, st1, sc1 or standard", dflt = "gp3") VolumeType type,
    @Field(doc = "Provisioned IOPS; required for io1 and io2, allowed for gp3", min = 100, max = 256000,
        example = "3000") Integer iops,
    @Field(doc = "Throughput in MiB/s; gp3 only", min = 125, max = 1000, example = "125") Integer throughput,
    @Field(onChange = OnChange.REPLACE, doc = "Encrypt the volume at rest", dflt = "true") Boolean encrypted,
    @Field(onChange = OnChange.REPLACE, doc = "KMS key for encryption; the account's default key when omitted", format = Format.ARN,
        example = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab") String kmsKey)
    implements ResourceSpec {}
