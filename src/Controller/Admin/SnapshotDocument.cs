using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Admin;

/// <summary>The applied snapshot as the admin API shows it. Certificates appear only as subject, SANs and expiry, never key material.</summary>
public sealed record SnapshotDocument(
    long Version,
    ImmutableArray<RouteDocument> Routes,
    ImmutableArray<ClusterDocument> Clusters,
    ImmutableArray<CertificateDocument> Certificates,
    ImmutableArray<DiagnosticDocument> Diagnostics,
    string? DefaultCluster)
{
    /// <param name="snapshot">The applied snapshot.</param>
    /// <param name="sourceDiagnostics">Problems of the sources' input that never became objects (e.g. rejected manifest files), listed first.</param>
    public static SnapshotDocument From(ProxySnapshot snapshot, IEnumerable<Diagnostic>? sourceDiagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new SnapshotDocument(
            snapshot.Version,
            [.. snapshot.Routes.Select(r => new RouteDocument(r.Id, r.Host, r.Path, r.Match.ToString(), r.ClusterId, r.Origin?.Namespace, r.Origin?.Ingress))],
            [.. snapshot.Clusters.Select(ClusterDocument.From)],
            [.. snapshot.Certificates.Select(CertificateDocument.From)],
            [.. (sourceDiagnostics ?? []).Concat(snapshot.Diagnostics).Select(DiagnosticDocument.From)],
            snapshot.DefaultClusterId);
    }
}

public sealed record RouteDocument(string Id, string? Host, string Path, string PathType, string Cluster, string? Namespace, string? Ingress);

public sealed record ClusterDocument(string Id, string Protocol, ImmutableArray<EndpointDocument> Endpoints)
{
    public static ClusterDocument From(ProxyCluster cluster) => new(
        cluster.Id,
        cluster.Protocol.ToWireName(),
        [.. cluster.Endpoints.Select(e => new EndpointDocument(e.Authority, e.Verdict.Kind.ToString(), e.Verdict.Observed?.ToWireName(), e.Verdict.Reason, e.TargetRef))]);
}

public sealed record EndpointDocument(string Address, string Verdict, string? Observed, string? Reason, string? TargetRef);

public sealed record CertificateDocument(ImmutableArray<string> Hosts, string Subject, ImmutableArray<string> DnsNames, DateTimeOffset NotAfter, string Source)
{
    public static CertificateDocument From(HostCertificate certificate)
    {
        var cert = certificate.Certificate;
        var dnsNames = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(san => san.EnumerateDnsNames());
        return new CertificateDocument(certificate.Hosts, cert.Subject, [.. dnsNames], new DateTimeOffset(cert.NotAfter.ToUniversalTime()), certificate.Source);
    }
}

public sealed record DiagnosticDocument(string Severity, string Subject, string Reason, string Message)
{
    public static DiagnosticDocument From(Diagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        return new(diagnostic.Severity.ToString(), diagnostic.Subject.ToString(), diagnostic.Reason, diagnostic.Message);
    }
}
