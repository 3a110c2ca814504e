namespace Plexus.Controller.Translation;

/// <summary>Settings of the translator, bound from configuration (section "Translator").</summary>
public sealed class TranslatorOptions
{
    public const string SectionName = "Translator";

    /// <summary>The IngressClass this instance serves (flag <c>--ingress-class</c>); it must name a class whose controller is <see cref="IngressClassFilter.ControllerName"/>.</summary>
    public string IngressClassName { get; set; } = "plexus";

    /// <summary>Route to ExternalName Services. Off by default: it lets any namespace send traffic to any DNS name.</summary>
    public bool AllowExternalName { get; set; }

    /// <summary>The kubernetes.io/tls Secret ("namespace/name") served when no host matches (flag <c>--default-ssl-certificate</c>); null means the self-signed one.</summary>
    public string? DefaultCertificateSecret { get; set; }
}
