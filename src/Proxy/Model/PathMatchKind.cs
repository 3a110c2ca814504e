namespace Plexus.Proxy.Model;

/// <summary>Ingress v1 path types.</summary>
public enum PathMatchKind
{
    /// <summary>Case-sensitive, the whole path.</summary>
    Exact,

    /// <summary>Case-sensitive, element by element split on '/'; a trailing slash in the rule is ignored.</summary>
    Prefix,

    /// <summary>Plexus treats this as <see cref="Prefix"/>.</summary>
    ImplementationSpecific,
}
