namespace DestinationKit.Model.Spec;

public enum DestinationMode { Batch, Streaming }

/// <summary>The rows of the targets table in docs/architecture.md.</summary>
public enum DestinationTarget { AwsS3, AzureBlob, AzureAdls, Sftp, GcpGcs, Dlz, Aws, Azure, Gcp }

public enum CloudProvider { Aws, Azure, Gcp }

public enum StreamingAuth { ApiKey, OAuth2 }

/// <summary>Who issues the OAuth 2.0 tokens AEP presents.</summary>
public enum TokenIssuer { App, External, Cognito }

/// <summary>How the client secret reaches the token endpoint (AEP's <c>options.useBasicAuth</c>).</summary>
public enum ClientAuthentication { Body, Basic }

/// <summary>How AEP audiences map to audiences in the partner's system (<c>segmentMappingConfig</c>).</summary>
public enum AudienceMapping { Api, AepId, UserInput }

public enum EncryptionKind { Platform, CustomerManaged }

public enum S3AccessMode { IamUser, AdobeRole }

public enum FileType { Csv, Json, Parquet }

public enum Compression { None, Gzip, Snappy }

public enum AggregationType { BestEffort, Configurable }
