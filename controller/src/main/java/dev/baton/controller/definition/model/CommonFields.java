package dev.baton.controller.definition.model;

import java.util.List;
import java.util.Map;

/** Fields that every resource has, whatever its kind. */
public record CommonFields(
    @Field(onChange = OnChange.NONE, doc = "What this resource is; one of the kinds in this reference", required = true,
        example = "subnet") String kind,
    @Field(onChange = OnChange.NONE, doc = "Name, unique among resources of this kind in the platform; references use it",
        required = true, format = Format.NAME, example = "web-a") String name,
    @Field(onChange = OnChange.NONE, doc = "Identity of the resource: applied as the tag baton:uuid and used to find the live resource"
        + " again. Never reuse or change it (a new UUID replaces the resource); `controller new` writes a fresh one",
        required = true, format = Format.UUID, example = "3f1c2a9e-5b7d-4c1e-9a0f-6d2b8e4c7a10") String uuid,
    @Field(onChange = OnChange.NONE, doc = "A note for people; not sent to the cloud", example = "web tier, zone a") String description,
    @Field(onChange = OnChange.NONE, doc = "Extra tags, added to the platform's and environment's tags", example = "{tier: web}")
        Map<String, String> tags,
    @Field(onChange = OnChange.NONE, doc = "Other resources (KIND/NAME) that must exist before this one, beyond its references",
        format = Format.ADDRESS, example = "[instance/db-1]") List<String> dependsOn,
    @Field(onChange = OnChange.NONE, doc = "Keep this resource when the platform is destroyed, unless `destroy --force`", dflt = "false")
        Boolean protect) {}
