package dev.baton.controller.definition.model;

import java.util.Map;

/** The {@code platform.yaml} at the root of a platform directory: one customer's platform. */
public record PlatformSpec(
    @Field(doc = "Name of the platform; tagged as baton:platform on every resource", required = true,
        format = Format.NAME, example = "acme-cms") String name,
    @Field(doc = "The customer who owns the platform; tagged as baton:customer", required = true,
        format = Format.NAME, example = "acme") String customer,
    @Field(doc = "A note for people") String description,
    @Field(doc = "aws or local (this machine, no cloud account needed)", required = true, example = "aws")
        ProviderKind provider,
    @Field(doc = "Region, such as eu-west-1; `local` for the local provider", required = true,
        example = "eu-west-1") String region,
    @Field(doc = "AWS account ID the platform must live in; the controller refuses to work in another",
        format = Format.ACCOUNT_ID, example = "123456789012") String account,
    @Field(doc = "Credentials for the customer's account; the SDK's default chain when omitted")
        CredentialsSpec credentials,
    @Field(doc = "Default DNS domain of nodes (their certname is NAME.DOMAIN)", format = Format.DNS_NAME,
        example = "acme.example.net") String domain,
    @Field(doc = "Tags on every resource of the platform", example = "{cost-centre: cms}") Map<String, String> tags,
    @Field(doc = "Where agents reach the controller", scaffold = true) ControllerEndpointSpec controller,
    @Field(doc = "Variables used as ${name} in resource files, for every environment",
        example = "{web_type: t3.small}") Map<String, String> variables,
    @Field(doc = "Environments (dev, test, prod ...); each one is a separate copy of the platform,"
        + " chosen with --env", example = "{dev: {variables: {web_type: t3.small}}}")
        Map<String, EnvironmentSpec> environments,
    @Field(doc = "Actions that \"controller run DIR GROUP ACTION\" may run on a group's nodes (besides the built-in"
        + " puppet-run and facts)", example = "{restart-webapp: {command: systemctl restart webapp}}")
        Map<String, ActionSpec> actions,
    @Field(doc = "Off-hours for every environment that has none of its own", example = "{stop: \"0 19 * * 1-5\","
        + " start: \"0 7 * * 1-5\", time_zone: Europe/Paris}") ScheduleSpec schedule) {}
