package dev.baton.controller.definition.model;

/**
 * Where an application's archives come from: one of an HTTPS URL, a git repository, a directory
 * beside the definitions or an S3 object. {@code {revision}} in a URL or an S3 key is replaced by
 * the revision deployed. The controller fetches each revision once and serves it to the nodes.
 */
public record ArtifactSourceSpec(
    @Field(doc = "HTTPS URL of the archive (.tar.gz or .tar); {revision} is replaced by the revision deployed",
        format = Format.URL, example = "https://artifacts.example.com/webapp/webapp-{revision}.tar.gz", scaffold = true)
        String url,
    @Field(doc = "URL of a file that holds the archive's SHA-256 (hex); without it, `controller deploy` needs --sha256",
        format = Format.URL, example = "https://artifacts.example.com/webapp/webapp-{revision}.tar.gz.sha256") String sha256Url,
    @Field(doc = "Git repository: the controller archives the revision (a commit, tag or branch) from it",
        example = "https://github.com/acme/webapp.git") String git,
    @Field(doc = "Directory, relative to the platform's, that holds each revision as REVISION.tar.gz (or .tgz, .tar) or as"
        + " a directory REVISION/ that the controller packs",
        example = "artifacts") String directory,
    @Field(doc = "S3 object of the archive, s3://BUCKET/KEY with {revision} in the key; read by the controller with the"
        + " platform's credentials and region (an aws platform only). Its SHA-256 is the object's own checksum (uploaded"
        + " with --checksum-algorithm SHA256), else `controller deploy` needs --sha256",
        format = Format.S3_URI, example = "s3://acme-artifacts/webapp/webapp-{revision}.tar.gz") String s3) {}
