namespace DestinationKit.Ingestion.Infrastructure;

/// <summary>The deployment's settings cannot be used. The message says which setting is wrong and what is allowed,
/// never a secret; the app prints it alone (a mistake to correct, not a bug: no stack trace) and exits with code 1.</summary>
public class SettingsException(string message) : Exception(message);
