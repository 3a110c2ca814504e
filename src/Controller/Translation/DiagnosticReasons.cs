namespace Plexus.Controller.Translation;

/// <summary>The CamelCase reasons of the diagnostics the translator produces (they become Kubernetes Event reasons).</summary>
public static class DiagnosticReasons
{
    public const string IngressClassNotFound = nameof(IngressClassNotFound);
    public const string IngressClassControllerMismatch = nameof(IngressClassControllerMismatch);
    public const string InvalidHost = nameof(InvalidHost);
    public const string InvalidPath = nameof(InvalidPath);
    public const string UnsupportedBackend = nameof(UnsupportedBackend);
    public const string ServiceNotFound = nameof(ServiceNotFound);
    public const string ServicePortNotFound = nameof(ServicePortNotFound);
    public const string NoReadyEndpoints = nameof(NoReadyEndpoints);
    public const string ExternalNameDisabled = nameof(ExternalNameDisabled);
    public const string HostPathConflict = nameof(HostPathConflict);
    public const string DefaultBackendConflict = nameof(DefaultBackendConflict);
    public const string TlsSecretNotFound = nameof(TlsSecretNotFound);
    public const string TlsSecretInvalid = nameof(TlsSecretInvalid);
    public const string TlsChainCorrected = nameof(TlsChainCorrected);
    public const string TlsHostConflict = nameof(TlsHostConflict);
    public const string InvalidBackendProtocol = nameof(InvalidBackendProtocol);
    public const string BackendProtocolConflict = nameof(BackendProtocolConflict);
    public const string ReadinessProbeIncompatible = nameof(ReadinessProbeIncompatible);
    public const string BackendProtocolMismatch = nameof(BackendProtocolMismatch);
}
