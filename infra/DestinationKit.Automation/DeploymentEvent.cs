namespace DestinationKit.Automation;

/// <summary>What stage of work a <see cref="DeploymentEvent"/> reports.</summary>
public enum DeploymentStage
{
    /// <summary>The configuration was validated (or rejected).</summary>
    Validated,

    /// <summary>The stack was created or selected.</summary>
    StackOpened,

    /// <summary>A provider plugin is being installed.</summary>
    InstallingPlugin,

    /// <summary>The stack's configuration was written.</summary>
    Configured,

    /// <summary>An up, preview or destroy started.</summary>
    OperationStarted,

    /// <summary>The engine began a step on one resource (create, update, delete, ...).</summary>
    Resource,

    /// <summary>The engine finished a step on one resource, or the step failed (its error comes as a <see cref="Diagnostic"/>).</summary>
    ResourceDone,

    /// <summary>A warning or error the engine reported.</summary>
    Diagnostic,

    /// <summary>A line of the engine's standard output.</summary>
    Output,

    /// <summary>An up, preview or destroy finished.</summary>
    OperationFinished,

    /// <summary>The stack was removed from the backend.</summary>
    StackRemoved,
}

/// <summary>Progress of one stack, reported as it happens. Messages never hold secret values: the engine masks
/// them and the library reports keys, never values.</summary>
public sealed record DeploymentEvent(string Stack, DeploymentStage Stage, string Message)
{
    public override string ToString() => $"[{Stack}] {Stage}: {Message}";
}
